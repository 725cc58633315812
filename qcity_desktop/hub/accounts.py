"""Hub accounts: users with a role and an enrolment token the hub keeps only as a hash.

A token is 256 random bits, so a plain SHA-256 is enough to store it (there is nothing to brute
force, unlike a password); a stolen hub database therefore gives no usable token. The same hash
is the key a bundle from an offline device is checked with (see qcity_desktop/sync/bundle.py).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from qcity_desktop.errors import InputError, StateError
from qcity_desktop.hub.db import Conn, HubDb
from qcity_desktop.store.numbering import derived_device_code

ROLES = ("inspector", "supervisor")
TOKEN_PREFIX = "qct_"
_NAME = re.compile(r"^[\w.@-]{1,64}$")
_CODE_CHARS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class User:
    name: str
    role: str
    expires_at: str

    @property
    def supervisor(self) -> bool:
        return self.role == "supervisor"


class AuthError(Exception):
    """The token is missing, unknown, expired or disabled (HTTP 401); the message says which."""


def add_user(db: HubDb, name: str, role: str, days: float = 365, replace: bool = False) -> str:
    """Create (or with ``replace`` re-issue) a user's token; the plain token is returned once, never stored."""
    if not _NAME.match(name or ""):
        raise InputError(f"user name {name!r} must be 1–64 letters, digits, '.', '_', '@' or '-'")
    if role not in ROLES:
        raise InputError(f"role {role!r} is not one of {', '.join(ROLES)}")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    created = now_iso()
    expires = (datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    with db.write() as c:
        exists = c.one("SELECT 1 FROM users WHERE name = ?", (name,))
        if exists and not replace:
            raise StateError(f"user {name} already exists; use --replace to issue a new token (the old one stops working)")
        if exists:
            c.x("UPDATE users SET role = ?, token_hash = ?, created_at = ?, expires_at = ?, disabled = 0 WHERE name = ?",
                (role, token_hash(token), created, expires, name))
        else:
            c.x("INSERT INTO users(name, role, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                (name, role, token_hash(token), created, expires))
    return token


def set_disabled(db: HubDb, name: str, disabled: bool = True) -> None:
    """Stop (or allow again) an account's token: an inspector who left, a laptop that was lost. A running hub
    refuses the token within ``Authenticator.TTL`` seconds; enabling again restores the same token."""
    with db.write() as c:
        if c.x("UPDATE users SET disabled = ? WHERE name = ?", (1 if disabled else 0, name)) == 0:
            raise InputError(f"no user {name!r} on this hub (see `qcity hub users`)")


def list_users(db: HubDb) -> list[dict[str, object]]:
    with db.read() as c:
        rows = c.q("SELECT name, role, created_at, expires_at, disabled FROM users ORDER BY name")
    return [{"name": r[0], "role": r[1], "created_at": r[2], "expires_at": r[3], "disabled": bool(r[4])} for r in rows]


def list_devices(db: HubDb) -> list[dict[str, object]]:
    """Enrolled devices, the longest silent first: a laptop that has not synced for weeks is the one to ask about."""
    with db.read() as c:
        rows = c.q("SELECT device_id, user_name, device_code, first_seen, last_seen FROM devices ORDER BY last_seen, "
                   "device_id")
    return [{"device_id": r[0], "user": r[1], "code": r[2], "first_seen": r[3], "last_seen": r[4]} for r in rows]


def release_device(db: HubDb, device_id: str) -> str:
    """Unbind a device from its inspector (a laptop handed over): its next sync enrolls it to whoever signs in
    there. What was pushed from it stays its first inspector's. Returns that inspector's name."""
    with db.write() as c:
        row = c.one("SELECT user_name FROM devices WHERE device_id = ?", (device_id,))
        if row is None:
            raise InputError(f"no device {device_id!r} on this hub (see `qcity hub devices`)")
        c.x("DELETE FROM devices WHERE device_id = ?", (device_id,))
    return str(row[0])


class Authenticator:
    """Token → user, with a short cache so a busy hub does not query the users table per request."""

    TTL = 5.0

    def __init__(self, db: HubDb) -> None:
        self.db = db
        self._cache: dict[str, tuple[float, User | None, str]] = {}
        self._lock = threading.Lock()

    def account(self, name: str) -> tuple[User, str] | None:
        """An active user and the stored hash of their token: the key their offline bundles are signed with."""
        with self.db.read() as c:
            row = c.one("SELECT name, role, expires_at, token_hash FROM users WHERE name = ? AND disabled = 0", (name,))
        return (User(row[0], row[1], row[2]), str(row[3])) if row else None

    def user_for(self, token: str | None) -> User:
        if not token:
            raise AuthError("missing token (send 'Authorization: Bearer <token>')")
        digest = token_hash(token)
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(digest)
        if hit is None or now - hit[0] > self.TTL:
            with self.db.read() as c:
                row = c.one("SELECT name, role, expires_at, disabled FROM users WHERE token_hash = ?", (digest,))
            if row is None:
                hit = (now, None, "unknown token")
            elif row[3]:
                hit = (now, None, f"the account {row[0]} is disabled")
            else:
                hit = (now, User(row[0], row[1], row[2]), "")
            with self._lock:
                if len(self._cache) > 10_000:
                    self._cache.clear()
                self._cache[digest] = hit
        user = hit[1]
        if user is None:
            raise AuthError(hit[2])
        if user.expires_at <= now_iso():
            raise AuthError(f"the token of {user.name} expired on {user.expires_at[:10]}; ask for a new one")
        return user


class Devices:
    """Devices enrolled by their users; each gets a numbering code no other device has."""

    def __init__(self, db: HubDb) -> None:
        self.db = db
        self._owner: dict[str, str] = {}
        self._lock = threading.Lock()

    def register(self, user: User, device_id: str, wanted_code: str) -> dict[str, str]:
        with self.db.write() as c:
            row = c.one("SELECT user_name, device_code FROM devices WHERE device_id = ?", (device_id,))
            if row is not None:
                if row[0] != user.name:
                    raise StateError(f"device {device_id} is enrolled by another user")
                c.x("UPDATE devices SET last_seen = ? WHERE device_id = ?", (now_iso(), device_id))
                code = row[1]
            else:
                code = self._free_code(c, device_id, wanted_code)
                c.x("INSERT INTO devices(device_id, user_name, device_code, first_seen, last_seen) "
                    "VALUES (?, ?, ?, ?, ?)", (device_id, user.name, code, now_iso(), now_iso()))
        with self._lock:
            self._owner[device_id] = user.name
        return {"device_code": code}

    def _free_code(self, c: Conn, device_id: str, wanted: str) -> str:
        """Keep the code the device already numbers with when nobody else has it, else a fresh one."""
        taken = {r[0] for r in c.q("SELECT device_code FROM devices")}
        for candidate in (wanted, derived_device_code(device_id)):
            if candidate and candidate not in taken:
                return candidate
        n = len(taken)
        while True:
            n += 1
            code, v = "", n
            for _ in range(4):
                code = _CODE_CHARS[v % 32] + code
                v //= 32
            code = "H" + code[1:]  # hub-assigned codes start with H
            if code not in taken:
                return code

    def owner(self, device_id: str) -> str | None:
        with self._lock:
            hit = self._owner.get(device_id)
        if hit is not None:
            return hit
        with self.db.read() as c:
            row = c.one("SELECT user_name FROM devices WHERE device_id = ?", (device_id,))
        if row is not None:
            with self._lock:
                self._owner[device_id] = row[0]
            return row[0]
        return None
