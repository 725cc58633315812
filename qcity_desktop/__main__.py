"""``python -m qcity_desktop`` is the same as the ``qcity`` command."""

from qcity_desktop.cli import main

raise SystemExit(main())
