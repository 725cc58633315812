-- Why a sync run failed, as a word a screen can translate (offline, hub_unavailable, certificate,
-- token_expired, hub_full, cancelled, …); the English line stays in ``error`` for the log and IT.
ALTER TABLE sync_runs ADD COLUMN reason TEXT NOT NULL DEFAULT '';
