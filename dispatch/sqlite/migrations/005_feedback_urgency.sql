-- The urgency a reviewer set by hand, '' when the review left it as decided.
ALTER TABLE feedback ADD COLUMN urgency TEXT NOT NULL DEFAULT '';
