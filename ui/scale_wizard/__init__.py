"""The scale test wizard (issue 4 §5): connect a market scale over serial, run the guided test with
automatic capture of stable readings, and write the result into the scale inspection.

``ScaleWizardPage(store_path, settings=None, parent=None)`` is the widget the main window shows on
its Scales page. See docs/metrology.md ("The scale test wizard") for how an inspector uses it.
"""

from ui.scale_wizard.page import ScaleWizardPage

__all__ = ["ScaleWizardPage"]
