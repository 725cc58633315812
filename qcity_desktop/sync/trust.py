"""Which certificate this device trusts for its hub: the public authorities, or the bureau's own.

Many bureaus serve the hub on their intranet with a self-signed certificate or one from their own
authority. An inspector cannot be asked to set an environment variable on a laptop, so the
certificate is chosen once (``qcity sync --ca FILE`` or the Sync page's 证书… button) and kept in
the device's database as PEM text — not as a path, so it still works after the USB stick it came
on is gone. ``QCITY_HUB_CA`` (a file path) stays as the administrator's override.
"""

from __future__ import annotations

import hashlib
import os
import re
import ssl
from pathlib import Path
from typing import Any

from qcity_desktop.errors import InputError

META_HUB_CA = "sync.hub_ca_pem"
_PEM = re.compile(r"-----BEGIN CERTIFICATE-----\s+[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----")


def read_ca_file(path: str | Path) -> str:
    """The PEM certificate(s) in ``path``, checked to be usable; InputError in one line if not."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise InputError(f"--ca {path}: {err.strerror or err}") from None
    if len(raw) > 1_000_000:
        raise InputError(f"--ca {path}: too large for a certificate file")
    text = raw.decode("ascii", "replace")
    found = _PEM.findall(text)
    if not found:
        try:   # a DER file (.cer/.crt from some Windows tools): turned into PEM
            found = [ssl.DER_cert_to_PEM_cert(raw)] if raw[:1] == b"\x30" else []
        except ValueError:
            found = []
    if not found:
        raise InputError(f"--ca {path}: no certificate in it (expected a PEM or DER certificate file, "
                         ".pem/.crt/.cer)")
    pem = "\n".join(f.strip() for f in found) + "\n"
    try:
        context_for(pem)
    except (ssl.SSLError, ValueError) as err:
        raise InputError(f"--ca {path}: not a usable certificate ({err})") from None
    return pem


def context_for(pem: str) -> ssl.SSLContext:
    """A client TLS context that trusts exactly these certificates (and checks the hub's name as usual)."""
    return ssl.create_default_context(cadata=pem)


def fingerprint(pem: str) -> str:
    """SHA-256 of the first certificate, as the bureau would read it out: ``AB:CD:…`` (32 pairs)."""
    first = _PEM.search(pem)
    der = ssl.PEM_cert_to_DER_cert(first.group(0) if first else pem)
    return ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())


def verify_setting(state: Any) -> ssl.SSLContext | None:
    """What HubClient's ``verify`` should be for this device: its chosen certificate, or None (the default:
    ``QCITY_HUB_CA`` if set — it overrides the stored one — else the system's authorities)."""
    pem = state.get(META_HUB_CA)
    return context_for(pem) if pem and not os.environ.get("QCITY_HUB_CA") else None
