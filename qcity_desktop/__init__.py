"""QCity Inspector core: domain, rules, store, devices, metrology, reports, sync and CLI.

This package never imports PySide6 or ``ui`` so that everything the desktop does can run
headless (CLI, tests, hub); an import-linter contract in the tests enforces that.
"""

__version__ = "0.1.0"
