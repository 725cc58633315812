-- 0005: keep the rule's evaluation as it was when the inspection was completed.
-- A signed report must not change if the subject's record (which decides applicability) or a
-- template's wording changes later, and the rule's remarks (监护使用 …) are evidence in their own
-- right, separate from the inspector's own remark. JSON of Evaluation.as_dict().
ALTER TABLE inspections ADD COLUMN evaluation TEXT;
