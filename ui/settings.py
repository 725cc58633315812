"""The desktop app's settings: one typed object with defaults, kept as JSON in the user config folder.

One dataclass (not scattered QSettings keys) means every page, the editor and the report code read
the same names and the same defaults, and a hand-edited or older settings file can never crash
the app: unknown keys are ignored and a wrong type falls back to the default, with a log line.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from qcity_desktop.errors import EnvironmentProblem

APP_NAME = "QCityInspector"
LANGUAGES = ("zh_CN", "en")
log = logging.getLogger(__name__)


def config_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def settings_path() -> Path:
    return config_dir() / "settings.json"


@dataclass
class ReportOptions:
    """How PDF reports are produced (read by the report preview and export actions)."""

    paper: str = "A4"
    include_photos: bool = True
    photos_per_page: int = 4
    open_after_export: bool = True


@dataclass
class Settings:
    language: str = "zh_CN"
    inspector_name: str = ""
    inspector_id: str = ""
    bureau_name: str = ""
    photo_max_px: int = 2560          # longest side of a stored photo; larger originals are downsized
    photo_jpeg_quality: int = 88
    due_within_days: int = 30          # how far ahead the Today page looks
    hub_url: str = ""
    # Minutes between automatic syncs while the hub answers; 0 = only on demand (a laptop on a phone's
    # metered hotspot must not send a day of photos by itself).
    auto_sync_minutes: int = 5
    report: ReportOptions = field(default_factory=ReportOptions)

    # -- persistence -------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        """Build from stored JSON, keeping defaults for anything missing or of the wrong type."""
        out = cls()
        _fill(out, data, "")
        if out.language not in LANGUAGES:
            log.warning("settings: unknown language %r, using zh_CN", out.language)
            out.language = "zh_CN"
        if out.photo_max_px < 320:
            out.photo_max_px = 320
        if not 1 <= out.photo_jpeg_quality <= 100:
            out.photo_jpeg_quality = 88
        if not 0 <= out.auto_sync_minutes <= 24 * 60:
            out.auto_sync_minutes = 5
        return out

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        """The saved settings, or the defaults when there is no file or it cannot be read."""
        path = path or settings_path()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as err:
            log.warning("settings: cannot read %s (%s); using defaults", path, err)
            return cls()
        if not isinstance(data, dict):
            log.warning("settings: %s is not a JSON object; using defaults", path)
            return cls()
        return cls.from_dict(data)

    def save(self, path: Path | None = None) -> Path:
        """Write atomically (temp file + rename) so a crash mid-write never leaves half a file."""
        path = path or settings_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".settings-", suffix=".json", dir=path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(self.to_dict(), fh, ensure_ascii=False, indent=2, sort_keys=True)
            os.replace(tmp, path)
        except OSError as err:
            raise EnvironmentProblem(f"cannot save settings to {path}: {err.strerror or err}") from None
        return path

    @property
    def lang(self) -> str:
        """The two-letter language the core's zh/en labels use."""
        return "en" if self.language == "en" else "zh"


def _fill(target: Any, data: dict[str, Any], prefix: str) -> None:
    for f in fields(target):
        if f.name not in data:
            continue
        current = getattr(target, f.name)
        value = data[f.name]
        if hasattr(current, "__dataclass_fields__"):
            if isinstance(value, dict):
                _fill(current, value, f"{prefix}{f.name}.")
            continue
        if isinstance(current, bool):
            ok = isinstance(value, bool)
        elif isinstance(current, int):
            ok = isinstance(value, int) and not isinstance(value, bool)
        else:
            ok = isinstance(value, type(current))
        if ok:
            setattr(target, f.name, value)
        else:
            log.warning("settings: %s%s = %r has the wrong type; keeping %r", prefix, f.name, value, current)
