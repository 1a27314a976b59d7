CREATE TABLE cases (
    id           TEXT PRIMARY KEY,
    external_id  TEXT NOT NULL UNIQUE,
    report       TEXT NOT NULL,          -- JSON of gridtriage.Report
    decision     TEXT NOT NULL,          -- JSON of gridtriage.Decision
    status       TEXT NOT NULL,
    needs_review INTEGER NOT NULL DEFAULT 0,
    lead_dept    TEXT NOT NULL,
    grid_id      TEXT NOT NULL DEFAULT '',
    urgency      TEXT NOT NULL,
    dispatch_by  TEXT NOT NULL,
    resolve_by   TEXT NOT NULL,
    duplicate_of TEXT REFERENCES cases(id),
    rating       INTEGER CHECK (rating IS NULL OR rating BETWEEN 1 AND 5),
    reviewed_by  TEXT,
    reviewed_at  TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX cases_status ON cases(status);
CREATE INDEX cases_lead ON cases(lead_dept, status);
CREATE INDEX cases_grid ON cases(grid_id, created_at);
CREATE INDEX cases_created ON cases(created_at);

CREATE TABLE transitions (
    id          INTEGER PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases(id),
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX transitions_case ON transitions(case_id, id);
