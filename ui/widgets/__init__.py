"""Reusable widgets (signature pad, photo viewer, ...) shared by the windows and dialogs."""
