-- Who created each case (a platform token reads only its own cases), the
-- sealed unmasked original of a redacted report, and the audit log of who
-- read or changed which case.
ALTER TABLE cases ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN original BLOB;
CREATE INDEX cases_owner ON cases(owner, created_at);

CREATE TABLE audit (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    role    TEXT NOT NULL,
    action  TEXT NOT NULL,
    case_id TEXT NOT NULL DEFAULT '',
    detail  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_case ON audit(case_id, id);
CREATE INDEX audit_actor ON audit(actor, id);
