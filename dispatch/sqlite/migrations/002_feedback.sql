CREATE TABLE feedback (
    id         INTEGER PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES cases(id),
    title      TEXT NOT NULL DEFAULT '',
    text       TEXT NOT NULL,
    label      TEXT NOT NULL,
    predicted  TEXT NOT NULL,
    corrected  INTEGER NOT NULL,
    reviewer   TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    at         TEXT NOT NULL
);
CREATE INDEX feedback_at ON feedback(at);
