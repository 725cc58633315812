"""The signed QR payload on certificates, and where the keys come from.

Why this design: anyone (a lift user, a market vendor, another bureau) must be able to check a
certificate offline, with nothing but the bureau's public key. So the QR carries the facts that
matter — certificate number, subject, verdict, dates and the SHA-256 of the signed inspection
record — plus an Ed25519 signature over exactly those bytes. Any changed byte breaks the signature.
The payload is plain ASCII (``|``-separated), so a phone scanner shows something a person can
read and ``qcity verify --payload`` can take it pasted as is.

    QC1|<key id>|<certificate no>|<subject id>|<verdict>|<inspected>|<issued>|<next due>|<hash>|<sig>

Dates are YYYYMMDD (China local), ``-`` when absent; hash and signature are unpadded base64url;
the signature covers the UTF-8 bytes of everything before the last ``|``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from qcity_desktop.errors import EnvironmentProblem, InputError, StateError

PREFIX = "QC1"
KEYS_DIR = Path(__file__).resolve().parents[2] / "resources" / "keys"
KEYRING_SERVICE = "qcity-inspector"
KEYRING_USER = "bureau-signing-key"
CHINA_TZ = timezone(timedelta(hours=8))
VERDICT_CODES = {"合格": "P", "不合格": "F", "复检合格": "RP", "复检不合格": "RF", "合格（监护使用）": "C", "优良": "E"}
CODE_VERDICTS = {v: k for k, v in VERDICT_CODES.items()}
FIELDS = ("kid", "certificate_no", "subject_id", "verdict", "inspected", "issued", "next_due", "hash")


@dataclass
class SigningKey:
    """A private key ready to sign, with its id and whether it is the shipped demo key."""

    private: Any
    kid: str
    demo: bool
    source: str


@dataclass
class TrustedKey:
    public: Any
    kid: str
    demo: bool = False
    status: str = "active"  # active / retired (still verifies old certificates) / revoked
    owner: str = ""
    source: str = ""


@dataclass
class Verification:
    """The answer to "is this certificate genuine?" with the reason in words."""

    valid: bool
    reason: str
    fields: dict[str, str] = field(default_factory=dict)
    kid: str = ""
    demo: bool = False
    key_owner: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"valid": self.valid, "reason": self.reason, "fields": self.fields, "kid": self.kid,
                "demo_key": self.demo, "key_owner": self.key_owner}


# ----------------------------------------------------------------- keys

def key_id(public_key: Any) -> str:
    """First 8 hex digits of the SHA-256 of the raw public key: short enough for the QR."""
    from cryptography.hazmat.primitives import serialization as s

    raw = public_key.public_bytes(s.Encoding.Raw, s.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:8]


def _load_private_pem(data: bytes, source: str, password: bytes | None = None) -> Any:
    from cryptography.hazmat.primitives import serialization as s
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        key = s.load_pem_private_key(data, password=password)
    except (ValueError, TypeError) as err:
        raise EnvironmentProblem(f"signing key from {source} cannot be read: {err}") from err
    if not isinstance(key, Ed25519PrivateKey):
        raise EnvironmentProblem(f"signing key from {source} is not an Ed25519 key")
    return key


def _passphrase() -> bytes | None:
    value = os.environ.get("QCITY_SIGNING_KEY_PASSPHRASE")
    return value.encode("utf-8") if value else None


def _config_dir() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("qcity-inspector", appauthor=False))


def load_signing_key() -> SigningKey:
    """The bureau signing key of this device, looked up where docs/reports.md says it lives.

    Order: QCITY_SIGNING_KEY (a PEM file), the OS keyring (where enrolment stores it), the
    user config folder, and last the shipped DEMO key — whose documents say so on their face.
    QCITY_REQUIRE_REAL_KEY=1 turns the demo fallback into an error, for production installs.
    """
    path = os.environ.get("QCITY_SIGNING_KEY")
    if path:
        try:
            data = Path(path).read_bytes()
        except OSError as err:
            raise EnvironmentProblem(f"QCITY_SIGNING_KEY: cannot read {path}: {err.strerror}") from err
        key = _load_private_pem(data, path, _passphrase())
        return SigningKey(key, key_id(key.public_key()), False, path)
    try:
        import keyring

        stored = keyring.get_password(KEYRING_SERVICE, KEYRING_USER)
    except Exception:  # no keyring backend on this machine: not an error, just not there
        stored = None
    if stored:
        key = _load_private_pem(stored.encode("utf-8"), "the OS keyring", _passphrase())
        return SigningKey(key, key_id(key.public_key()), False, "keyring")
    config_file = _config_dir() / "keys" / "bureau-signing-key.pem"
    if config_file.is_file():
        key = _load_private_pem(config_file.read_bytes(), str(config_file), _passphrase())
        return SigningKey(key, key_id(key.public_key()), False, str(config_file))
    if os.environ.get("QCITY_REQUIRE_REAL_KEY") == "1":
        raise EnvironmentProblem("no bureau signing key on this device (QCITY_REQUIRE_REAL_KEY=1 forbids the demo key); "
                                 "enrol the device with the hub")
    demo = KEYS_DIR / "DEMO-bureau-signing-key.pem"
    if not demo.is_file():
        raise EnvironmentProblem(f"no signing key found and the demo key {demo} is missing")
    key = _demo_private(str(demo))
    return SigningKey(key, key_id(key.public_key()), True, str(demo))


@lru_cache(maxsize=2)
def _demo_private(path: str) -> Any:
    return _load_private_pem(Path(path).read_bytes(), path)


def _load_public_file(path: Path) -> Any:
    from cryptography.hazmat.primitives import serialization as s
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        key = s.load_pem_public_key(path.read_bytes())
    except (OSError, ValueError) as err:
        raise EnvironmentProblem(f"public key {path} cannot be read: {err}") from err
    if not isinstance(key, Ed25519PublicKey):
        raise EnvironmentProblem(f"public key {path} is not an Ed25519 key")
    return key


def trusted_keys() -> dict[str, TrustedKey]:
    """Every public key this verifier accepts, by key id.

    The shipped list (resources/keys/keys.json, which says which key is the demo and which are
    revoked), plus any ``*.pub.pem`` in the user config folder's keys/ and in QCITY_TRUSTED_KEYS
    (a folder): that is how a bureau publishes a new key to verifiers without a new release.
    """
    out: dict[str, TrustedKey] = {}
    listing = KEYS_DIR / "keys.json"
    if listing.is_file():
        try:
            entries = json.loads(listing.read_text(encoding="utf-8")).get("keys", [])
        except ValueError as err:
            raise EnvironmentProblem(f"{listing} is not valid JSON: {err}") from err
        for entry in entries:
            public = _load_public_file(KEYS_DIR / entry["file"])
            kid = key_id(public)
            if entry.get("kid") and entry["kid"] != kid:
                raise EnvironmentProblem(f"{listing}: key id {entry['kid']} does not match {entry['file']} ({kid})")
            owner = entry.get("owner", {})
            out[kid] = TrustedKey(public, kid, bool(entry.get("demo")), entry.get("status", "active"),
                                  owner.get("zh", "") if isinstance(owner, dict) else str(owner), str(listing))
    extra_dirs = [_config_dir() / "keys"]
    if os.environ.get("QCITY_TRUSTED_KEYS"):
        extra_dirs.append(Path(os.environ["QCITY_TRUSTED_KEYS"]))
    for folder in extra_dirs:
        if folder.is_dir():
            for path in sorted(folder.glob("*.pub.pem")):
                public = _load_public_file(path)
                kid = key_id(public)
                out.setdefault(kid, TrustedKey(public, kid, path.name.upper().startswith("DEMO"), "active", "", str(path)))
    return out


# ----------------------------------------------------------------- payload

def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _day(value: Any) -> str:
    """ISO date/time → YYYYMMDD in China local time; ``-`` when absent."""
    if not value:
        return "-"
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        return value.strftime("%Y%m%d")
    else:
        text = str(value)
        if len(text) == 10:
            try:
                return date.fromisoformat(text).strftime("%Y%m%d")
            except ValueError as err:
                raise InputError(f"not an ISO date: {text!r}") from err
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError as err:
            raise InputError(f"not an ISO date/time: {text!r}") from err
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(CHINA_TZ).strftime("%Y%m%d")


def _field(value: str) -> str:
    """Percent-encode anything outside plain ASCII so the payload stays ASCII and ``|`` stays a separator."""
    return quote(value, safe="-_.~:/+=#@")


def verdict_code(verdict: str | None) -> str:
    from qcity_desktop.reports.labels import verdict_text

    zh = verdict_text(verdict, "zh")
    return VERDICT_CODES.get(zh) or _field(str(verdict or "-"))


def payload_fields(document: dict[str, Any]) -> dict[str, str]:
    """The facts a certificate's QR vouches for, taken from a signed inspection document."""
    if document.get("status") != "signed" or not document.get("content_hash"):
        raise StateError(f"inspection {document.get('id')} is not signed: no certificate can be issued (sign it first)")
    if not document.get("certificate_no"):
        raise StateError(f"inspection {document.get('id')} has no certificate number (was it signed by an old version?)")
    digest = str(document["content_hash"]).removeprefix("sha256:")
    try:
        hash_bytes = bytes.fromhex(digest)
    except ValueError as err:
        raise StateError(f"inspection {document.get('id')} has a malformed content hash {digest!r}") from err
    subject = document.get("subject") or {}
    return {
        "certificate_no": str(document["certificate_no"]),
        "subject_id": str(subject.get("id") or document.get("subject_id") or ""),
        "verdict": verdict_code(document.get("verdict")),
        "inspected": _day(document.get("ended_at") or document.get("started_at")),
        "issued": _day(document.get("signed_at")),
        "next_due": _day(document.get("next_due")),
        "hash": _b64(hash_bytes),
    }


def sign_payload(fields: dict[str, str], key: SigningKey) -> str:
    """The QR text: the fields and an Ed25519 signature over them (deterministic for a given key)."""
    parts = [PREFIX, key.kid] + [_field(fields[name]) if name != "hash" else fields[name] for name in FIELDS[1:]]
    body = "|".join(parts)
    signature = key.private.sign(body.encode("utf-8"))
    return f"{body}|{_b64(signature)}"


def certificate_payload(document: dict[str, Any], key: SigningKey | None = None) -> str:
    """The signed QR payload of a signed inspection's certificate."""
    return sign_payload(payload_fields(document), key or load_signing_key())


def parse_payload(text: str) -> dict[str, str]:
    """Split a payload into named fields (no signature check); raises InputError if malformed."""
    parts = text.split("|")
    if len(parts) != len(FIELDS) + 2 or parts[0] != PREFIX:
        raise InputError(f"not a QCity certificate code (expected {PREFIX}|… with {len(FIELDS) + 2} fields)")
    out = {name: (parts[i + 1] if name in ("kid", "hash") else unquote(parts[i + 1])) for i, name in enumerate(FIELDS)}
    out["signature"] = parts[-1]
    if out["verdict"] in CODE_VERDICTS:
        out["verdict_text"] = CODE_VERDICTS[out["verdict"]]
    try:
        out["hash_hex"] = _unb64(out["hash"]).hex()
    except ValueError as err:
        raise InputError("the record digest in the code is not valid base64url") from err
    return out


def verify_payload(text: str, keys: dict[str, TrustedKey] | None = None, *, allow_demo: bool = True) -> Verification:
    """Check a payload offline against the trusted public keys. Never raises for a bad payload."""
    from cryptography.exceptions import InvalidSignature

    if not text.isascii():
        return Verification(False, "代码含非 ASCII 字符，已被改动 / the code contains non-ASCII bytes: it was altered")
    try:
        fields = parse_payload(text)
    except InputError as err:
        return Verification(False, f"格式错误 / malformed: {err}")
    keys = trusted_keys() if keys is None else keys
    trusted = keys.get(fields["kid"])
    shown = {k: v for k, v in fields.items() if k != "signature"}
    if trusted is None:
        return Verification(False, f"未知签发密钥 {fields['kid']} / signed by an unknown key (not this bureau's)", shown,
                            fields["kid"])
    if trusted.status == "revoked":
        return Verification(False, f"签发密钥 {trusted.kid} 已吊销 / the signing key has been revoked", shown, trusted.kid,
                            trusted.demo, trusted.owner)
    try:
        signature = _unb64(fields["signature"])
        if len(signature) != 64 or _b64(signature) != fields["signature"]:
            raise ValueError("non-canonical signature")  # base64 would ignore stray or spare bits
        body = text.rsplit("|", 1)[0]
        trusted.public.verify(signature, body.encode("utf-8"))
    except (InvalidSignature, ValueError):
        return Verification(False, "签名不符：内容被改动或非本局签发 / signature does not match: altered or not issued "
                            "by this bureau", shown, trusted.kid, trusted.demo, trusted.owner)
    if trusted.demo and not allow_demo:
        return Verification(False, "签名有效，但使用的是演示密钥 / valid signature, but made with the DEMO key", shown,
                            trusted.kid, True, trusted.owner)
    reason = "签名有效 / signature valid"
    if trusted.demo:
        reason += "（演示密钥，非正式证书 / DEMO key: not an official certificate）"
    return Verification(True, reason, shown, trusted.kid, trusted.demo, trusted.owner)
