"""Where the desktop keeps its hub token: the OS keyring, or a file only the user can read.

The keyring (Windows Credential Locker, macOS Keychain, Secret Service on Linux) is preferred;
a kiosk PC or a server without one falls back to ``hub-tokens.json`` in the user config folder,
created with mode 0600 before anything is written to it. Tokens are never put in the database,
so copying qcity.db to a USB stick never copies the credential. What is kept in the database is
when the token runs out (as the hub says at each sync), so the device can warn ahead of it.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from qcity_desktop.errors import EnvironmentProblem

SERVICE = "QCityInspector hub"
APP_NAME = "QCityInspector"
log = logging.getLogger(__name__)


def normalise_url(url: str) -> str:
    return url.strip().rstrip("/")


def token_file() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "hub-tokens.json"


def _keyring():  # noqa: ANN202 - the module or None
    try:
        import keyring
        from keyring.backends import fail, null
    except ImportError:
        return None
    backend = keyring.get_keyring()
    if isinstance(backend, (fail.Keyring, null.Keyring)):
        return None
    return keyring


def _read_file() -> dict[str, str]:
    path = token_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as err:
        log.warning("cannot read %s: %s", path, err)
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _write_file(data: dict[str, str]) -> Path:
    path = token_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".hub-tokens-", dir=path.parent)  # mkstemp creates it 0600
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=1, sort_keys=True)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except OSError as err:
        raise EnvironmentProblem(f"cannot store the hub token in {path}: {err.strerror or err}") from None
    return path


def save_token(hub_url: str, token: str) -> str:
    """Store the token for this hub; returns where it went ('keyring' or the file path)."""
    url = normalise_url(hub_url)
    kr = _keyring()
    if kr is not None:
        try:
            kr.set_password(SERVICE, url, token)
            if kr.get_password(SERVICE, url) == token:
                return "keyring"
        except Exception as err:  # noqa: BLE001 - any keyring failure falls back to the file
            log.warning("keyring unavailable (%s); using the token file", err)
    data = _read_file()
    data[url] = token
    return str(_write_file(data))


def load_token(hub_url: str) -> str | None:
    url = normalise_url(hub_url)
    kr = _keyring()
    if kr is not None:
        try:
            found = kr.get_password(SERVICE, url)
            if found:
                return found
        except Exception as err:  # noqa: BLE001
            log.warning("keyring unavailable (%s); trying the token file", err)
    return _read_file().get(url)


def forget_token(hub_url: str) -> None:
    url = normalise_url(hub_url)
    kr = _keyring()
    if kr is not None:
        try:
            kr.delete_password(SERVICE, url)
        except Exception:  # noqa: BLE001 - nothing stored there
            pass
    data = _read_file()
    if data.pop(url, None) is not None:
        _write_file(data)


META_TOKEN_EXPIRES = "sync.token_expires_at"
TOKEN_WARN_DAYS = 14      # an inspector out in the field needs time to get a new token from the bureau


def token_days_left(expires_at: str, now: datetime | None = None) -> int | None:
    """Whole days until the hub token expires, when that is within TOKEN_WARN_DAYS; else None.

    An expired token stops every sync, and a new one comes only from the bureau: so the device
    says it ahead, after each sync, rather than on the day the inspector is at a market.
    """
    try:
        when = datetime.fromisoformat(expires_at.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    left = (when - (now or datetime.now(UTC))).total_seconds() / 86400
    return max(0, int(left)) if left <= TOKEN_WARN_DAYS else None
