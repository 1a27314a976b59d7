-- Open cases (received, dispatched or accepted) per lead department, kept by
-- triggers: dispatching a report reads a row per department instead of
-- counting every open case, which grew with the store.
CREATE TABLE open_load (
    lead_dept  TEXT PRIMARY KEY,
    open_cases INTEGER NOT NULL
);
INSERT INTO open_load (lead_dept, open_cases)
    SELECT lead_dept, COUNT(*) FROM cases WHERE status IN ('received', 'dispatched', 'accepted') GROUP BY lead_dept;

CREATE TRIGGER open_load_insert AFTER INSERT ON cases
WHEN NEW.status IN ('received', 'dispatched', 'accepted')
BEGIN
    INSERT INTO open_load (lead_dept, open_cases) VALUES (NEW.lead_dept, 1)
        ON CONFLICT (lead_dept) DO UPDATE SET open_cases = open_cases + 1;
END;

CREATE TRIGGER open_load_leave AFTER UPDATE OF status, lead_dept ON cases
WHEN OLD.status IN ('received', 'dispatched', 'accepted')
BEGIN
    UPDATE open_load SET open_cases = open_cases - 1 WHERE lead_dept = OLD.lead_dept;
END;

CREATE TRIGGER open_load_enter AFTER UPDATE OF status, lead_dept ON cases
WHEN NEW.status IN ('received', 'dispatched', 'accepted')
BEGIN
    INSERT INTO open_load (lead_dept, open_cases) VALUES (NEW.lead_dept, 1)
        ON CONFLICT (lead_dept) DO UPDATE SET open_cases = open_cases + 1;
END;

CREATE TRIGGER open_load_delete AFTER DELETE ON cases
WHEN OLD.status IN ('received', 'dispatched', 'accepted')
BEGIN
    UPDATE open_load SET open_cases = open_cases - 1 WHERE lead_dept = OLD.lead_dept;
END;
