"""Qt item models over the store, fed by the DB worker."""
