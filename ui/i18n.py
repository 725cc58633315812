"""Loading the UI language: Qt's own strings plus every ``*_<lang>.qm`` under resources/i18n.

Source strings in the code are English; Simplified Chinese is the default language and comes from
the compiled translations. Each part of the UI may ship its own catalogue (``qcity_zh_CN.qm`` for
the shell, ``editor_zh_CN.qm`` for the checklist editor, ...) so parallel work never fights over
one file; all catalogues for the chosen language are installed together. Switching language at
run time sends every widget a LanguageChange event; widgets re-read their texts in
``retranslate()``.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

I18N_DIR = Path(__file__).resolve().parent.parent / "resources" / "i18n"
log = logging.getLogger(__name__)

_installed: list[QTranslator] = []
_language = "zh_CN"
_generation = 0   # bumped on every language change: models compare it to refresh cached texts


def current_language() -> str:
    return _language


def generation() -> int:
    return _generation


def lang() -> str:
    """The core's two-letter label key (``zh``/``en``) for the current language."""
    return "en" if _language == "en" else "zh"


def catalogues(language: str, directory: Path = I18N_DIR) -> list[Path]:
    return sorted(directory.glob(f"*_{language}.qm"))


def remove_language(app: QCoreApplication | None = None) -> None:
    """Uninstall the catalogues (the UI falls back to its English source strings); tests use it to
    leave the application as they found it."""
    global _generation
    app = app or QCoreApplication.instance()
    for old in _installed:
        if app is not None:
            app.removeTranslator(old)
    _installed.clear()
    _generation += 1


def install_language(language: str, app: QCoreApplication | None = None) -> list[str]:
    """Make ``language`` (``zh_CN`` or ``en``) current; returns the catalogues loaded."""
    global _language, _generation
    app = app or QCoreApplication.instance()
    if app is None:
        raise RuntimeError("install_language needs a QApplication")
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    loaded: list[str] = []
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if language != "en":
        qt = QTranslator(app)
        if qt.load(f"qtbase_{language}", qt_dir):
            app.installTranslator(qt)
            _installed.append(qt)
            loaded.append(f"qtbase_{language}")
    for path in catalogues(language):
        tr = QTranslator(app)
        if tr.load(str(path)):
            app.installTranslator(tr)
            _installed.append(tr)
            loaded.append(path.name)
        else:
            log.warning("cannot load translation %s", path)
    _language = language
    _generation += 1
    QLocale.setDefault(QLocale(QLocale.Language.English if language == "en" else QLocale.Language.Chinese,
                               QLocale.Country.UnitedStates if language == "en" else QLocale.Country.China))
    return loaded
