"""Checklist templates (data files) and the named rules that score them."""
