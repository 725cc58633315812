"""The PySide6 face of QCity Inspector: windows, dialogs, widgets, Qt models and workers.

Everything here calls into ``qcity_desktop``; nothing in the core imports this package.
"""
