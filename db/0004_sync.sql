-- 0004: change tracking for sync with the bureau's hub (docs/sync.md).
-- Why triggers: every write path (repositories, CLI, GUI, imports, a future module) is tracked
-- without having to remember to call anything. Each tracked write stamps a hybrid logical clock
-- (wall milliseconds adjusted by the hub's clock offset, plus a counter) and leaves ONE outbox
-- entry per row: INSERT OR REPLACE moves the row's entry to the end, so the outbox holds the
-- latest pending change of each row in write order. Rows written while applying the hub's
-- changes (sync_flags.applying = 1, set only inside that transaction) are not tracked, so a
-- pull never echoes back as a push.

CREATE TABLE sync_flags (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    applying  INTEGER NOT NULL DEFAULT 0
);
INSERT INTO sync_flags(id, applying) VALUES (1, 0);

-- The hybrid logical clock: max(wall clock + offset to the hub, last stamp) with a counter for
-- writes in the same millisecond. offset_ms is learnt from the hub at each sync, so a laptop with
-- a wrong clock does not win every last-writer-wins decision.
CREATE TABLE sync_clock (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    wall       INTEGER NOT NULL,
    counter    INTEGER NOT NULL,
    offset_ms  INTEGER NOT NULL DEFAULT 0
);
INSERT INTO sync_clock(id, wall, counter, offset_ms) VALUES (1, 0, 0, 0);

-- Pending local changes: the latest one per row, in write order (seq).
CREATE TABLE sync_outbox (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    tbl     TEXT NOT NULL,
    row_id  TEXT NOT NULL,
    op      TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
    hlc     TEXT NOT NULL,
    UNIQUE (tbl, row_id)
);

-- The hub's version of each row this device's copy is based on (the base of a three-way merge).
CREATE TABLE sync_rows (
    tbl      TEXT NOT NULL,
    row_id   TEXT NOT NULL,
    version  INTEGER NOT NULL,
    PRIMARY KEY (tbl, row_id)
) WITHOUT ROWID;

-- Blobs (photos, signature images) not yet confirmed on the hub.
CREATE TABLE sync_blob_queue (
    sha256  TEXT PRIMARY KEY
) WITHOUT ROWID;

-- Changes received from the hub and not yet applied: a pull page is stored here together with
-- the advanced cursor in one transaction, so a client killed mid-pull resumes where it stopped.
CREATE TABLE sync_inbox (
    tbl      TEXT NOT NULL,
    row_id   TEXT NOT NULL,
    version  INTEGER NOT NULL,
    hlc      TEXT NOT NULL DEFAULT '',
    body     TEXT,                      -- JSON of the row; NULL = deleted on the hub
    seq      INTEGER NOT NULL,          -- the hub's change sequence number
    waiting  TEXT NOT NULL DEFAULT '',  -- why it could not be applied yet (e.g. a missing parent row)
    PRIMARY KEY (tbl, row_id)
) WITHOUT ROWID;

-- Conflicts and refusals reported by the hub or found while applying, shown to the user.
CREATE TABLE sync_conflicts (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    at       TEXT NOT NULL,
    tbl      TEXT NOT NULL,
    row_id   TEXT NOT NULL,
    kind     TEXT NOT NULL,             -- merged / lww / refused / rekeyed / apply
    fields   TEXT NOT NULL DEFAULT '[]',
    detail   TEXT NOT NULL DEFAULT '',
    seen     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sync_conflicts_seen ON sync_conflicts(seen, id);

-- One line per sync attempt: what the Sync page shows as "last sync".
CREATE TABLE sync_runs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    hub          TEXT NOT NULL DEFAULT '',
    via          TEXT NOT NULL DEFAULT 'network',   -- network / bundle
    pushed       INTEGER NOT NULL DEFAULT 0,
    pulled       INTEGER NOT NULL DEFAULT 0,
    blobs        INTEGER NOT NULL DEFAULT 0,
    conflicts    INTEGER NOT NULL DEFAULT 0,
    ok           INTEGER NOT NULL DEFAULT 0,
    error        TEXT NOT NULL DEFAULT ''
);

CREATE TRIGGER sync_subjects_ai AFTER INSERT ON subjects WHEN (SELECT applying FROM sync_flags WHERE id = 1) = 0 BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms > wall THEN 0 ELSE counter + 1 END,
        wall = max(wall, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms)
    WHERE id = 1;
    INSERT OR REPLACE INTO sync_outbox(tbl, row_id, op, hlc)
    SELECT 'subjects', new.id, 'upsert', printf('%015d.%09d', wall, counter) FROM sync_clock WHERE id = 1;
END;

CREATE TRIGGER sync_subjects_au AFTER UPDATE ON subjects WHEN (SELECT applying FROM sync_flags WHERE id = 1) = 0 BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms > wall THEN 0 ELSE counter + 1 END,
        wall = max(wall, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms)
    WHERE id = 1;
    INSERT OR REPLACE INTO sync_outbox(tbl, row_id, op, hlc)
    SELECT 'subjects', new.id, 'upsert', printf('%015d.%09d', wall, counter) FROM sync_clock WHERE id = 1;
END;

CREATE TRIGGER sync_subjects_ad AFTER DELETE ON subjects WHEN (SELECT applying FROM sync_flags WHERE id = 1) = 0 BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms > wall THEN 0 ELSE counter + 1 END,
        wall = max(wall, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms)
    WHERE id = 1;
    INSERT OR REPLACE INTO sync_outbox(tbl, row_id, op, hlc)
    SELECT 'subjects', old.id, 'delete', printf('%015d.%09d', wall, counter) FROM sync_clock WHERE id = 1;
END;

CREATE TRIGGER sync_templates_ai AFTER INSERT ON templates WHEN (SELECT applying FROM sync_flags WHERE id = 1) = 0 BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms > wall THEN 0 ELSE counter + 1 END,
        wall = max(wall, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms)
    WHERE id = 1;
    INSERT OR REPLACE INTO sync_outbox(tbl, row_id, op, hlc)
    SELECT 'templates', new.id, 'upsert', printf('%015d.%09d', wall, counter) FROM sync_clock WHERE id = 1;
END;

CREATE TRIGGER sync_templates_au AFTER UPDATE ON templates WHEN (SELECT applying FROM sync_flags WHERE id = 1) = 0 BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms > wall THEN 0 ELSE counter + 1 END,
        wall = max(wall, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms)
    WHERE id = 1;
    INSERT OR REPLACE INTO sync_outbox(tbl, row_id, op, hlc)
    SELECT 'templates', new.id, 'upsert', printf('%015d.%09d', wall, counter) FROM sync_clock WHERE id = 1;
END;

CREATE TRIGGER sync_templates_ad AFTER DELETE ON templates WHEN (SELECT applying FROM sync_flags WHERE id = 1) = 0 BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms > wall THEN 0 ELSE counter + 1 END,
        wall = max(wall, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms)
    WHERE id = 1;
    INSERT OR REPLACE INTO sync_outbox(tbl, row_id, op, hlc)
    SELECT 'templates', old.id, 'delete', printf('%015d.%09d', wall, counter) FROM sync_clock WHERE id = 1;
END;

CREATE TRIGGER sync_inspections_ai AFTER INSERT ON inspections WHEN (SELECT applying FROM sync_flags WHERE id = 1) = 0 BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms > wall THEN 0 ELSE counter + 1 END,
        wall = max(wall, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms)
    WHERE id = 1;
    INSERT OR REPLACE INTO sync_outbox(tbl, row_id, op, hlc)
    SELECT 'inspections', new.id, 'upsert', printf('%015d.%09d', wall, counter) FROM sync_clock WHERE id = 1;
END;

CREATE TRIGGER sync_inspections_au AFTER UPDATE ON inspections WHEN (SELECT applying FROM sync_flags WHERE id = 1) = 0 BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms > wall THEN 0 ELSE counter + 1 END,
        wall = max(wall, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms)
    WHERE id = 1;
    INSERT OR REPLACE INTO sync_outbox(tbl, row_id, op, hlc)
    SELECT 'inspections', new.id, 'upsert', printf('%015d.%09d', wall, counter) FROM sync_clock WHERE id = 1;
END;

CREATE TRIGGER sync_inspections_ad AFTER DELETE ON inspections WHEN (SELECT applying FROM sync_flags WHERE id = 1) = 0 BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms > wall THEN 0 ELSE counter + 1 END,
        wall = max(wall, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms)
    WHERE id = 1;
    INSERT OR REPLACE INTO sync_outbox(tbl, row_id, op, hlc)
    SELECT 'inspections', old.id, 'delete', printf('%015d.%09d', wall, counter) FROM sync_clock WHERE id = 1;
END;

CREATE TRIGGER sync_answers_ai AFTER INSERT ON answers WHEN (SELECT applying FROM sync_flags WHERE id = 1) = 0 BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms > wall THEN 0 ELSE counter + 1 END,
        wall = max(wall, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms)
    WHERE id = 1;
    INSERT OR REPLACE INTO sync_outbox(tbl, row_id, op, hlc)
    SELECT 'answers', new.id, 'upsert', printf('%015d.%09d', wall, counter) FROM sync_clock WHERE id = 1;
END;

CREATE TRIGGER sync_answers_au AFTER UPDATE ON answers WHEN (SELECT applying FROM sync_flags WHERE id = 1) = 0 BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms > wall THEN 0 ELSE counter + 1 END,
        wall = max(wall, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms)
    WHERE id = 1;
    INSERT OR REPLACE INTO sync_outbox(tbl, row_id, op, hlc)
    SELECT 'answers', new.id, 'upsert', printf('%015d.%09d', wall, counter) FROM sync_clock WHERE id = 1;
END;

CREATE TRIGGER sync_answers_ad AFTER DELETE ON answers WHEN (SELECT applying FROM sync_flags WHERE id = 1) = 0 BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms > wall THEN 0 ELSE counter + 1 END,
        wall = max(wall, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms)
    WHERE id = 1;
    INSERT OR REPLACE INTO sync_outbox(tbl, row_id, op, hlc)
    SELECT 'answers', old.id, 'delete', printf('%015d.%09d', wall, counter) FROM sync_clock WHERE id = 1;
END;

CREATE TRIGGER sync_measurements_ai AFTER INSERT ON measurements WHEN (SELECT applying FROM sync_flags WHERE id = 1) = 0 BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms > wall THEN 0 ELSE counter + 1 END,
        wall = max(wall, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms)
    WHERE id = 1;
    INSERT OR REPLACE INTO sync_outbox(tbl, row_id, op, hlc)
    SELECT 'measurements', new.id, 'upsert', printf('%015d.%09d', wall, counter) FROM sync_clock WHERE id = 1;
END;

CREATE TRIGGER sync_measurements_au AFTER UPDATE ON measurements WHEN (SELECT applying FROM sync_flags WHERE id = 1) = 0 BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms > wall THEN 0 ELSE counter + 1 END,
        wall = max(wall, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms)
    WHERE id = 1;
    INSERT OR REPLACE INTO sync_outbox(tbl, row_id, op, hlc)
    SELECT 'measurements', new.id, 'upsert', printf('%015d.%09d', wall, counter) FROM sync_clock WHERE id = 1;
END;

CREATE TRIGGER sync_measurements_ad AFTER DELETE ON measurements WHEN (SELECT applying FROM sync_flags WHERE id = 1) = 0 BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms > wall THEN 0 ELSE counter + 1 END,
        wall = max(wall, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms)
    WHERE id = 1;
    INSERT OR REPLACE INTO sync_outbox(tbl, row_id, op, hlc)
    SELECT 'measurements', old.id, 'delete', printf('%015d.%09d', wall, counter) FROM sync_clock WHERE id = 1;
END;

CREATE TRIGGER sync_attachments_ai AFTER INSERT ON attachments WHEN (SELECT applying FROM sync_flags WHERE id = 1) = 0 BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms > wall THEN 0 ELSE counter + 1 END,
        wall = max(wall, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms)
    WHERE id = 1;
    INSERT OR REPLACE INTO sync_outbox(tbl, row_id, op, hlc)
    SELECT 'attachments', new.id, 'upsert', printf('%015d.%09d', wall, counter) FROM sync_clock WHERE id = 1;
END;

CREATE TRIGGER sync_attachments_au AFTER UPDATE ON attachments WHEN (SELECT applying FROM sync_flags WHERE id = 1) = 0 BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms > wall THEN 0 ELSE counter + 1 END,
        wall = max(wall, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms)
    WHERE id = 1;
    INSERT OR REPLACE INTO sync_outbox(tbl, row_id, op, hlc)
    SELECT 'attachments', new.id, 'upsert', printf('%015d.%09d', wall, counter) FROM sync_clock WHERE id = 1;
END;

CREATE TRIGGER sync_attachments_ad AFTER DELETE ON attachments WHEN (SELECT applying FROM sync_flags WHERE id = 1) = 0 BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms > wall THEN 0 ELSE counter + 1 END,
        wall = max(wall, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms)
    WHERE id = 1;
    INSERT OR REPLACE INTO sync_outbox(tbl, row_id, op, hlc)
    SELECT 'attachments', old.id, 'delete', printf('%015d.%09d', wall, counter) FROM sync_clock WHERE id = 1;
END;

CREATE TRIGGER sync_signatures_ai AFTER INSERT ON signatures WHEN (SELECT applying FROM sync_flags WHERE id = 1) = 0 BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms > wall THEN 0 ELSE counter + 1 END,
        wall = max(wall, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms)
    WHERE id = 1;
    INSERT OR REPLACE INTO sync_outbox(tbl, row_id, op, hlc)
    SELECT 'signatures', new.id, 'upsert', printf('%015d.%09d', wall, counter) FROM sync_clock WHERE id = 1;
END;

CREATE TRIGGER sync_signatures_au AFTER UPDATE ON signatures WHEN (SELECT applying FROM sync_flags WHERE id = 1) = 0 BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms > wall THEN 0 ELSE counter + 1 END,
        wall = max(wall, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms)
    WHERE id = 1;
    INSERT OR REPLACE INTO sync_outbox(tbl, row_id, op, hlc)
    SELECT 'signatures', new.id, 'upsert', printf('%015d.%09d', wall, counter) FROM sync_clock WHERE id = 1;
END;

CREATE TRIGGER sync_signatures_ad AFTER DELETE ON signatures WHEN (SELECT applying FROM sync_flags WHERE id = 1) = 0 BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms > wall THEN 0 ELSE counter + 1 END,
        wall = max(wall, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms)
    WHERE id = 1;
    INSERT OR REPLACE INTO sync_outbox(tbl, row_id, op, hlc)
    SELECT 'signatures', old.id, 'delete', printf('%015d.%09d', wall, counter) FROM sync_clock WHERE id = 1;
END;

CREATE TRIGGER sync_findings_ai AFTER INSERT ON findings WHEN (SELECT applying FROM sync_flags WHERE id = 1) = 0 BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms > wall THEN 0 ELSE counter + 1 END,
        wall = max(wall, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms)
    WHERE id = 1;
    INSERT OR REPLACE INTO sync_outbox(tbl, row_id, op, hlc)
    SELECT 'findings', new.id, 'upsert', printf('%015d.%09d', wall, counter) FROM sync_clock WHERE id = 1;
END;

CREATE TRIGGER sync_findings_au AFTER UPDATE ON findings WHEN (SELECT applying FROM sync_flags WHERE id = 1) = 0 BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms > wall THEN 0 ELSE counter + 1 END,
        wall = max(wall, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms)
    WHERE id = 1;
    INSERT OR REPLACE INTO sync_outbox(tbl, row_id, op, hlc)
    SELECT 'findings', new.id, 'upsert', printf('%015d.%09d', wall, counter) FROM sync_clock WHERE id = 1;
END;

CREATE TRIGGER sync_findings_ad AFTER DELETE ON findings WHEN (SELECT applying FROM sync_flags WHERE id = 1) = 0 BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms > wall THEN 0 ELSE counter + 1 END,
        wall = max(wall, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms)
    WHERE id = 1;
    INSERT OR REPLACE INTO sync_outbox(tbl, row_id, op, hlc)
    SELECT 'findings', old.id, 'delete', printf('%015d.%09d', wall, counter) FROM sync_clock WHERE id = 1;
END;

CREATE TRIGGER sync_issued_numbers_ai AFTER INSERT ON issued_numbers WHEN (SELECT applying FROM sync_flags WHERE id = 1) = 0 BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms > wall THEN 0 ELSE counter + 1 END,
        wall = max(wall, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms)
    WHERE id = 1;
    INSERT OR REPLACE INTO sync_outbox(tbl, row_id, op, hlc)
    SELECT 'issued_numbers', new.number, 'upsert', printf('%015d.%09d', wall, counter) FROM sync_clock WHERE id = 1;
END;

CREATE TRIGGER sync_issued_numbers_au AFTER UPDATE ON issued_numbers WHEN (SELECT applying FROM sync_flags WHERE id = 1) = 0 BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms > wall THEN 0 ELSE counter + 1 END,
        wall = max(wall, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms)
    WHERE id = 1;
    INSERT OR REPLACE INTO sync_outbox(tbl, row_id, op, hlc)
    SELECT 'issued_numbers', new.number, 'upsert', printf('%015d.%09d', wall, counter) FROM sync_clock WHERE id = 1;
END;

CREATE TRIGGER sync_issued_numbers_ad AFTER DELETE ON issued_numbers WHEN (SELECT applying FROM sync_flags WHERE id = 1) = 0 BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms > wall THEN 0 ELSE counter + 1 END,
        wall = max(wall, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms)
    WHERE id = 1;
    INSERT OR REPLACE INTO sync_outbox(tbl, row_id, op, hlc)
    SELECT 'issued_numbers', old.number, 'delete', printf('%015d.%09d', wall, counter) FROM sync_clock WHERE id = 1;
END;

CREATE TRIGGER sync_audit_log_ai AFTER INSERT ON audit_log WHEN (SELECT applying FROM sync_flags WHERE id = 1) = 0 BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms > wall THEN 0 ELSE counter + 1 END,
        wall = max(wall, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + offset_ms)
    WHERE id = 1;
    INSERT OR REPLACE INTO sync_outbox(tbl, row_id, op, hlc)
    SELECT 'audit_log', CAST(new.seq AS TEXT), 'upsert', printf('%015d.%09d', wall, counter) FROM sync_clock WHERE id = 1;
END;

CREATE TRIGGER sync_blobs_ai AFTER INSERT ON blobs WHEN (SELECT applying FROM sync_flags WHERE id = 1) = 0 BEGIN
    INSERT OR IGNORE INTO sync_blob_queue(sha256) VALUES (new.sha256);
END;


-- Rows written before this migration are pending too (in a plausible dependency order).
UPDATE sync_clock SET wall = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) WHERE id = 1;
INSERT INTO sync_outbox(tbl, row_id, op, hlc) SELECT 'subjects', id, 'upsert', printf('%015d.%09d', (SELECT wall FROM sync_clock), 0) FROM subjects;
INSERT INTO sync_outbox(tbl, row_id, op, hlc) SELECT 'templates', id, 'upsert', printf('%015d.%09d', (SELECT wall FROM sync_clock), 0) FROM templates;
INSERT INTO sync_outbox(tbl, row_id, op, hlc) SELECT 'inspections', id, 'upsert', printf('%015d.%09d', (SELECT wall FROM sync_clock), 0) FROM inspections;
INSERT INTO sync_outbox(tbl, row_id, op, hlc) SELECT 'answers', id, 'upsert', printf('%015d.%09d', (SELECT wall FROM sync_clock), 0) FROM answers;
INSERT INTO sync_outbox(tbl, row_id, op, hlc) SELECT 'measurements', id, 'upsert', printf('%015d.%09d', (SELECT wall FROM sync_clock), 0) FROM measurements;
INSERT INTO sync_outbox(tbl, row_id, op, hlc) SELECT 'attachments', id, 'upsert', printf('%015d.%09d', (SELECT wall FROM sync_clock), 0) FROM attachments;
INSERT INTO sync_outbox(tbl, row_id, op, hlc) SELECT 'signatures', id, 'upsert', printf('%015d.%09d', (SELECT wall FROM sync_clock), 0) FROM signatures;
INSERT INTO sync_outbox(tbl, row_id, op, hlc) SELECT 'findings', id, 'upsert', printf('%015d.%09d', (SELECT wall FROM sync_clock), 0) FROM findings;
INSERT INTO sync_outbox(tbl, row_id, op, hlc) SELECT 'issued_numbers', number, 'upsert', printf('%015d.%09d', (SELECT wall FROM sync_clock), 0) FROM issued_numbers;
INSERT INTO sync_outbox(tbl, row_id, op, hlc) SELECT 'audit_log', CAST(seq AS TEXT), 'upsert', printf('%015d.%09d', (SELECT wall FROM sync_clock), 0) FROM audit_log ORDER BY seq;
INSERT INTO sync_blob_queue(sha256) SELECT sha256 FROM blobs;
