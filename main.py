"""QCity Inspector: `python main.py [--db FILE]` starts the desktop app."""

import sys

from ui.app import main

if __name__ == "__main__":
    sys.exit(main())
