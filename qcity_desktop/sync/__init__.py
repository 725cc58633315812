"""Device side of sync with the bureau's hub: change tracking, push/pull, offline bundles (docs/sync.md)."""
