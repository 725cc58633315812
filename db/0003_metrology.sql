-- 0003: reference standards for scale metrology (qcity_desktop/store/references.py).
-- Weight sets and reference scales the bureau owns, with the certificate that makes a verdict
-- traceable. A test keeps a snapshot of the references it used in its measurement rows, so
-- renewing a certificate here (a new certificate_no / expires, rev bumped) never rewrites the
-- evidence of earlier inspections. Rows are soft-deleted so synced copies can follow.

CREATE TABLE reference_instruments (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('weight_set', 'reference_scale')),
    name            TEXT NOT NULL,
    accuracy_class  TEXT NOT NULL,               -- E2…M3 for weights, I…IIII for scales
    certificate_no  TEXT NOT NULL,
    issued_by       TEXT NOT NULL DEFAULT '',    -- the calibrating laboratory
    serial_no       TEXT NOT NULL DEFAULT '',
    expires         TEXT NOT NULL,               -- ISO date: the last day the certificate is valid
    data            TEXT NOT NULL DEFAULT '{}',  -- JSON: certified errors, Max/e of a reference scale, pieces
    deleted         INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    device_id       TEXT NOT NULL,
    rev             INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX reference_instruments_kind ON reference_instruments(kind, deleted, name);
CREATE INDEX reference_instruments_expires ON reference_instruments(expires);
