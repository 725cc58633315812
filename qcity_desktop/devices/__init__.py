"""Scales over serial: decoders for real scale protocols, the port owner, auto-detection and a
virtual scale. Qt-free; the wizard in ``ui/`` drives ``ScaleConnection``.

Import the pieces from their modules (``qcity_desktop.devices.connection`` …); this package does
not import pyserial itself so that the CLI stays fast to start.
"""
