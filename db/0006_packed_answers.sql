-- 0006: an inspection's answers sync as one packed set (sync protocol 2, docs/sync.md "Packed answers").
-- Why: a 120-item checklist was 120 changes to send, validate, store, index and merge on the hub;
-- as one set it is one, which is what lets one hub take 100 devices at once. A write to any answer
-- now queues the set of its inspection ('answer_sets', inspection id); the set is read whole when
-- the push is built, so a cleared answer is simply absent from it.

DROP TRIGGER sync_answers_ai;
DROP TRIGGER sync_answers_au;
DROP TRIGGER sync_answers_ad;

CREATE TRIGGER sync_answers_ai AFTER INSERT ON answers WHEN (SELECT applying FROM sync_flags WHERE id = 1) = 0 BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms > wall THEN 0 ELSE counter + 1 END,
        wall = max(wall, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms)
    WHERE id = 1;
    INSERT OR REPLACE INTO sync_outbox(tbl, row_id, op, hlc)
    SELECT 'answer_sets', new.inspection_id, 'upsert', printf('%015d.%09d', wall, counter) FROM sync_clock WHERE id = 1;
END;

CREATE TRIGGER sync_answers_au AFTER UPDATE ON answers WHEN (SELECT applying FROM sync_flags WHERE id = 1) = 0 BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms > wall THEN 0 ELSE counter + 1 END,
        wall = max(wall, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms)
    WHERE id = 1;
    INSERT OR REPLACE INTO sync_outbox(tbl, row_id, op, hlc)
    SELECT 'answer_sets', new.inspection_id, 'upsert', printf('%015d.%09d', wall, counter) FROM sync_clock WHERE id = 1;
END;

CREATE TRIGGER sync_answers_ad AFTER DELETE ON answers WHEN (SELECT applying FROM sync_flags WHERE id = 1) = 0 BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms > wall THEN 0 ELSE counter + 1 END,
        wall = max(wall, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms)
    WHERE id = 1;
    INSERT OR REPLACE INTO sync_outbox(tbl, row_id, op, hlc)
    SELECT 'answer_sets', old.inspection_id, 'upsert', printf('%015d.%09d', wall, counter) FROM sync_clock WHERE id = 1;
END;

-- Answers still waiting to go up under protocol 1 become their inspection's set. A pending deletion
-- no longer names its inspection, so if there is any, every unsigned inspection's set is queued
-- (sending a set the hub already has costs one "duplicate").
INSERT OR REPLACE INTO sync_outbox(tbl, row_id, op, hlc)
SELECT 'answer_sets', a.inspection_id, 'upsert', max(o.hlc)
FROM sync_outbox o JOIN answers a ON a.id = o.row_id
WHERE o.tbl = 'answers' GROUP BY a.inspection_id;

INSERT OR REPLACE INTO sync_outbox(tbl, row_id, op, hlc)
SELECT 'answer_sets', i.id, 'upsert', (SELECT max(hlc) FROM sync_outbox WHERE tbl = 'answers')
FROM inspections i
WHERE i.status <> 'signed'
  AND EXISTS (SELECT 1 FROM sync_outbox WHERE tbl = 'answers' AND op = 'delete')
  AND NOT EXISTS (SELECT 1 FROM sync_outbox s WHERE s.tbl = 'answer_sets' AND s.row_id = i.id);

DELETE FROM sync_outbox WHERE tbl = 'answers';
DELETE FROM sync_inbox WHERE tbl = 'answers';
