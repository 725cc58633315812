-- 0001: the offline inspection store.
-- Every row that syncs carries: a UUID key (id), created_at / updated_at (ISO-8601 UTC),
-- device_id (the device that last wrote it) and rev (bumped on every write), so the hub
-- sync needs no schema rewrite. Evidence rules are enforced here as well as in Python:
-- a signed inspection and everything hanging off it can no longer change, and the audit
-- log only ever grows.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE subjects (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('elevator', 'scale', 'site')),
    name        TEXT NOT NULL,
    address     TEXT NOT NULL DEFAULT '',
    district    TEXT NOT NULL DEFAULT '',
    codes       TEXT NOT NULL DEFAULT '',   -- searchable identifiers: registration/equipment code, serial, permit
    owner       TEXT NOT NULL DEFAULT '',   -- user unit / merchant / builder
    data        TEXT NOT NULL DEFAULT '{}', -- kind-specific fields as JSON (see qcity_desktop/domain/subject_fields.py)
    next_due    TEXT,                       -- ISO date of the next inspection or verification
    deleted     INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    rev         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX subjects_kind ON subjects(kind, name);
CREATE INDEX subjects_due ON subjects(next_due);

-- Full-text search over the subjects registry. The trigram tokenizer matches any substring of
-- three or more characters, which is what Chinese names and addresses need (they have no spaces).
CREATE VIRTUAL TABLE subjects_fts USING fts5(
    name, address, codes, owner,
    content = 'subjects', content_rowid = 'rowid', tokenize = 'trigram'
);
CREATE TRIGGER subjects_fts_ai AFTER INSERT ON subjects BEGIN
    INSERT INTO subjects_fts(rowid, name, address, codes, owner)
    VALUES (new.rowid, new.name, new.address, new.codes, new.owner);
END;
CREATE TRIGGER subjects_fts_ad AFTER DELETE ON subjects BEGIN
    INSERT INTO subjects_fts(subjects_fts, rowid, name, address, codes, owner)
    VALUES ('delete', old.rowid, old.name, old.address, old.codes, old.owner);
END;
CREATE TRIGGER subjects_fts_au AFTER UPDATE ON subjects BEGIN
    INSERT INTO subjects_fts(subjects_fts, rowid, name, address, codes, owner)
    VALUES ('delete', old.rowid, old.name, old.address, old.codes, old.owner);
    INSERT INTO subjects_fts(rowid, name, address, codes, owner)
    VALUES (new.rowid, new.name, new.address, new.codes, new.owner);
END;

-- Templates delivered by the hub (files in resources/templates are loaded directly).
CREATE TABLE templates (
    id           TEXT PRIMARY KEY,           -- "<template_id>@<version>"
    template_id  TEXT NOT NULL,
    version      INTEGER NOT NULL,
    body         TEXT NOT NULL,              -- the template JSON
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    device_id    TEXT NOT NULL,
    rev          INTEGER NOT NULL DEFAULT 1,
    UNIQUE (template_id, version)
);

CREATE TABLE inspections (
    id               TEXT PRIMARY KEY,
    subject_id       TEXT NOT NULL REFERENCES subjects(id),
    kind             TEXT NOT NULL,              -- copied from the subject for fast filtered lists
    template_id      TEXT NOT NULL,
    template_version INTEGER NOT NULL,
    inspectors       TEXT NOT NULL DEFAULT '[]', -- JSON list of names
    started_at       TEXT NOT NULL,
    ended_at         TEXT,
    status           TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'completed', 'signed')),
    verdict          TEXT,
    score            TEXT,                       -- Decimal as text
    grade            TEXT,
    remark           TEXT NOT NULL DEFAULT '',
    report_no        TEXT UNIQUE,
    certificate_no   TEXT UNIQUE,
    next_due         TEXT,
    reinspection_of  TEXT REFERENCES inspections(id),
    signed_at        TEXT,
    signed_by        TEXT,
    content_hash     TEXT,                       -- SHA-256 of the canonical JSON at signing
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    device_id        TEXT NOT NULL,
    rev              INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX inspections_kind_started ON inspections(kind, started_at DESC);
CREATE INDEX inspections_started ON inspections(started_at DESC);
CREATE INDEX inspections_subject ON inspections(subject_id, started_at DESC);
CREATE INDEX inspections_status ON inspections(status, started_at DESC);

CREATE TABLE answers (
    id             TEXT PRIMARY KEY,
    inspection_id  TEXT NOT NULL REFERENCES inspections(id),
    item_id        TEXT NOT NULL,
    result         TEXT,                        -- pass / fail / na / not_tested / doc_pass / rectified
    value          TEXT,                        -- number (Decimal text), text or choice
    deduction      TEXT,                        -- JGJ 59 points deducted (Decimal text)
    clauses        TEXT,                        -- JGJ 59 deduction clauses ticked: JSON {clause_id: count}
    note           TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    device_id      TEXT NOT NULL,
    rev            INTEGER NOT NULL DEFAULT 1,
    UNIQUE (inspection_id, item_id)
);

CREATE TABLE measurements (
    id             TEXT PRIMARY KEY,
    inspection_id  TEXT NOT NULL REFERENCES inspections(id),
    item_id        TEXT,
    kind           TEXT NOT NULL,               -- weighing / eccentricity / repeatability / gap / ...
    seq            INTEGER NOT NULL DEFAULT 0,
    load           TEXT,                        -- Decimal text with unit in `unit`
    indication     TEXT,
    error          TEXT,
    mpe            TEXT,
    unit           TEXT NOT NULL DEFAULT '',
    passed         INTEGER,
    data           TEXT NOT NULL DEFAULT '{}',  -- evidence: raw frames (hex), times, decoder, port settings
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    device_id      TEXT NOT NULL,
    rev            INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX measurements_inspection ON measurements(inspection_id, kind, seq);

-- Photos, signature images and documents: stored once, keyed by the SHA-256 of their bytes.
CREATE TABLE blobs (
    sha256      TEXT PRIMARY KEY,
    size        INTEGER NOT NULL,
    mime        TEXT NOT NULL,
    data        BLOB NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE attachments (
    id             TEXT PRIMARY KEY,
    inspection_id  TEXT NOT NULL REFERENCES inspections(id),
    item_id        TEXT,
    kind           TEXT NOT NULL DEFAULT 'photo',  -- photo / document
    sha256         TEXT NOT NULL REFERENCES blobs(sha256),
    filename       TEXT NOT NULL DEFAULT '',
    caption        TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    device_id      TEXT NOT NULL,
    rev            INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX attachments_inspection ON attachments(inspection_id);

CREATE TABLE signatures (
    id             TEXT PRIMARY KEY,
    inspection_id  TEXT NOT NULL REFERENCES inspections(id),
    role           TEXT NOT NULL,   -- inspector / representative / reviewer / approver
    signer         TEXT NOT NULL,
    signed_at      TEXT NOT NULL,
    sha256         TEXT REFERENCES blobs(sha256),  -- the PNG of the handwritten signature
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    device_id      TEXT NOT NULL,
    rev            INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX signatures_inspection ON signatures(inspection_id);

CREATE TABLE findings (
    id               TEXT PRIMARY KEY,
    inspection_id    TEXT NOT NULL REFERENCES inspections(id),
    item_id          TEXT NOT NULL,
    description      TEXT NOT NULL,
    rule             TEXT NOT NULL DEFAULT '',      -- the clause the item implements
    severity         TEXT NOT NULL DEFAULT '',      -- e.g. B/C, key/general, guarantee/general
    deadline         TEXT,                          -- rectification deadline (ISO date)
    status           TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    closed_by        TEXT REFERENCES inspections(id),  -- the re-inspection that closed it
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    device_id        TEXT NOT NULL,
    rev              INTEGER NOT NULL DEFAULT 1,
    UNIQUE (inspection_id, item_id)
);
CREATE INDEX findings_deadline ON findings(status, deadline);

-- Append-only, hash-chained audit log.
CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    at         TEXT NOT NULL,
    device_id  TEXT NOT NULL,
    actor      TEXT NOT NULL DEFAULT '',
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    payload_hash TEXT NOT NULL DEFAULT '',
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
    SELECT RAISE(ABORT, 'audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
    SELECT RAISE(ABORT, 'audit log is append-only');
END;

-- A signed inspection never changes, whoever tries.
CREATE TRIGGER inspections_signed_no_update BEFORE UPDATE ON inspections
WHEN old.status = 'signed' BEGIN
    SELECT RAISE(ABORT, 'signed inspection is immutable');
END;
CREATE TRIGGER inspections_signed_no_delete BEFORE DELETE ON inspections
WHEN old.status = 'signed' BEGIN
    SELECT RAISE(ABORT, 'signed inspection is immutable');
END;

CREATE TRIGGER answers_signed_no_insert BEFORE INSERT ON answers
WHEN (SELECT status FROM inspections WHERE id = new.inspection_id) = 'signed' BEGIN
    SELECT RAISE(ABORT, 'signed inspection is immutable');
END;
CREATE TRIGGER answers_signed_no_update BEFORE UPDATE ON answers
WHEN (SELECT status FROM inspections WHERE id = old.inspection_id) = 'signed'
  OR (SELECT status FROM inspections WHERE id = new.inspection_id) = 'signed' BEGIN
    SELECT RAISE(ABORT, 'signed inspection is immutable');
END;
CREATE TRIGGER answers_signed_no_delete BEFORE DELETE ON answers
WHEN (SELECT status FROM inspections WHERE id = old.inspection_id) = 'signed' BEGIN
    SELECT RAISE(ABORT, 'signed inspection is immutable');
END;

CREATE TRIGGER measurements_signed_no_insert BEFORE INSERT ON measurements
WHEN (SELECT status FROM inspections WHERE id = new.inspection_id) = 'signed' BEGIN
    SELECT RAISE(ABORT, 'signed inspection is immutable');
END;
CREATE TRIGGER measurements_signed_no_update BEFORE UPDATE ON measurements
WHEN (SELECT status FROM inspections WHERE id = old.inspection_id) = 'signed'
  OR (SELECT status FROM inspections WHERE id = new.inspection_id) = 'signed' BEGIN
    SELECT RAISE(ABORT, 'signed inspection is immutable');
END;
CREATE TRIGGER measurements_signed_no_delete BEFORE DELETE ON measurements
WHEN (SELECT status FROM inspections WHERE id = old.inspection_id) = 'signed' BEGIN
    SELECT RAISE(ABORT, 'signed inspection is immutable');
END;

CREATE TRIGGER attachments_signed_no_insert BEFORE INSERT ON attachments
WHEN (SELECT status FROM inspections WHERE id = new.inspection_id) = 'signed' BEGIN
    SELECT RAISE(ABORT, 'signed inspection is immutable');
END;
CREATE TRIGGER attachments_signed_no_update BEFORE UPDATE ON attachments
WHEN (SELECT status FROM inspections WHERE id = old.inspection_id) = 'signed'
  OR (SELECT status FROM inspections WHERE id = new.inspection_id) = 'signed' BEGIN
    SELECT RAISE(ABORT, 'signed inspection is immutable');
END;
CREATE TRIGGER attachments_signed_no_delete BEFORE DELETE ON attachments
WHEN (SELECT status FROM inspections WHERE id = old.inspection_id) = 'signed' BEGIN
    SELECT RAISE(ABORT, 'signed inspection is immutable');
END;

CREATE TRIGGER signatures_signed_no_insert BEFORE INSERT ON signatures
WHEN (SELECT status FROM inspections WHERE id = new.inspection_id) = 'signed' BEGIN
    SELECT RAISE(ABORT, 'signed inspection is immutable');
END;
CREATE TRIGGER signatures_signed_no_update BEFORE UPDATE ON signatures
WHEN (SELECT status FROM inspections WHERE id = old.inspection_id) = 'signed'
  OR (SELECT status FROM inspections WHERE id = new.inspection_id) = 'signed' BEGIN
    SELECT RAISE(ABORT, 'signed inspection is immutable');
END;
CREATE TRIGGER signatures_signed_no_delete BEFORE DELETE ON signatures
WHEN (SELECT status FROM inspections WHERE id = old.inspection_id) = 'signed' BEGIN
    SELECT RAISE(ABORT, 'signed inspection is immutable');
END;

-- Report and certificate numbers: assigned at signing, never reused. Each device numbers from
-- its own counter with a device part in the pattern (or from blocks the hub hands out), so
-- numbers stay unique when many offline devices sign. Voided numbers stay, with their status.
CREATE TABLE number_sequences (
    scope       TEXT PRIMARY KEY,          -- e.g. 'report:2026', 'certificate:2026'
    next_value  INTEGER NOT NULL
);
CREATE TABLE issued_numbers (
    number         TEXT PRIMARY KEY,
    kind           TEXT NOT NULL,          -- report / certificate / notice
    inspection_id  TEXT NOT NULL REFERENCES inspections(id),
    status         TEXT NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'void', 'replaced', 'revoked')),
    issued_at      TEXT NOT NULL,
    device_id      TEXT NOT NULL
);
CREATE TRIGGER issued_numbers_no_delete BEFORE DELETE ON issued_numbers BEGIN
    SELECT RAISE(ABORT, 'issued numbers are never deleted');
END;
