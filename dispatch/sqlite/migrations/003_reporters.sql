-- Reporters merged into a case: each duplicate report adds one.
CREATE TABLE reporters (
    id            INTEGER PRIMARY KEY,
    case_id       TEXT NOT NULL REFERENCES cases(id),
    duplicate_id  TEXT NOT NULL REFERENCES cases(id),
    external_id   TEXT NOT NULL,
    channel       TEXT NOT NULL DEFAULT '',
    reporter_role TEXT NOT NULL DEFAULT '',
    similarity    REAL NOT NULL,
    at            TEXT NOT NULL
);
CREATE INDEX reporters_case ON reporters(case_id, id);
