-- 0002: indexes on the foreign keys that link re-inspections to what they re-inspect, so
-- "which re-inspection closed this finding" and "what re-inspected this report" stay fast
-- as the history grows (SQLite does not index foreign keys by itself).
CREATE INDEX inspections_reinspection_of ON inspections(reinspection_of);
CREATE INDEX findings_closed_by ON findings(closed_by);
CREATE INDEX findings_inspection ON findings(inspection_id);
