-- 0008: supervisors' reviews of signed inspections (审核: approved / returned with a comment), docs/review.md.
-- Why a table of its own: a signed inspection never changes, yet the office reviews it after signing;
-- the review is a record about the inspection, not part of it (the signature's content leaves it out).
-- Append-only, like the audit log: a supervisor who changes their mind adds a new review, the latest
-- one is the inspection's review state, and the history stays. Only supervisors' reviews are accepted
-- by the hub (docs/sync.md).

CREATE TABLE reviews (
    id             TEXT PRIMARY KEY,
    inspection_id  TEXT NOT NULL REFERENCES inspections(id),
    decision       TEXT NOT NULL CHECK (decision IN ('approved', 'returned')),
    reviewer       TEXT NOT NULL,
    comment        TEXT NOT NULL DEFAULT '',
    reviewed_at    TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    device_id      TEXT NOT NULL,
    rev            INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX reviews_inspection ON reviews(inspection_id, reviewed_at);

-- Append-only outside sync: what a reviewer wrote stays as written.
CREATE TRIGGER reviews_no_update BEFORE UPDATE ON reviews WHEN (SELECT applying FROM sync_flags WHERE id = 1) = 0 BEGIN
    SELECT RAISE(ABORT, 'a review is never changed; add a new one');
END;
CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews WHEN (SELECT applying FROM sync_flags WHERE id = 1) = 0 BEGIN
    SELECT RAISE(ABORT, 'a review is never deleted; add a new one');
END;

CREATE TRIGGER sync_reviews_ai AFTER INSERT ON reviews WHEN (SELECT applying FROM sync_flags WHERE id = 1) = 0 BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms > wall THEN 0 ELSE counter + 1 END,
        wall = max(wall, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms)
    WHERE id = 1;
    INSERT OR REPLACE INTO sync_outbox(tbl, row_id, op, hlc)
    SELECT 'reviews', new.id, 'upsert', printf('%015d.%09d', wall, counter) FROM sync_clock WHERE id = 1;
END;

CREATE TRIGGER sync_reviews_au AFTER UPDATE ON reviews WHEN (SELECT applying FROM sync_flags WHERE id = 1) = 0 BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms > wall THEN 0 ELSE counter + 1 END,
        wall = max(wall, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms)
    WHERE id = 1;
    INSERT OR REPLACE INTO sync_outbox(tbl, row_id, op, hlc)
    SELECT 'reviews', new.id, 'upsert', printf('%015d.%09d', wall, counter) FROM sync_clock WHERE id = 1;
END;

CREATE TRIGGER sync_reviews_ad AFTER DELETE ON reviews WHEN (SELECT applying FROM sync_flags WHERE id = 1) = 0 BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms > wall THEN 0 ELSE counter + 1 END,
        wall = max(wall, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms)
    WHERE id = 1;
    INSERT OR REPLACE INTO sync_outbox(tbl, row_id, op, hlc)
    SELECT 'reviews', old.id, 'delete', printf('%015d.%09d', wall, counter) FROM sync_clock WHERE id = 1;
END;
