"""The bureau's hub: a small FastAPI service devices sync with (docs/sync.md).

SQLite in the data folder by default, PostgreSQL for a province; photos and signature images
as content-addressed files in the data folder. Qt-free, so it runs on any server.
"""
