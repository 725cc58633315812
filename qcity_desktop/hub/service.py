"""The hub's operations, independent of HTTP: hello, push, the change feed, conflicts, bundles.

Kept apart from the FastAPI routes so the CLI (``qcity bundle import --data DIR``), the routes and
the tests all run the same code.
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

from qcity_desktop.errors import StateError
from qcity_desktop.hub.accounts import Authenticator, Devices, User
from qcity_desktop.hub.blobs import BlobStore
from qcity_desktop.hub.db import HubDb
from qcity_desktop.hub.ingest import Change, Ingest
from qcity_desktop.sync.protocol import PROTOCOL_VERSION

MAX_PAGE = 5000


class Hub:
    def __init__(self, data_dir: Path, database_url: str | None = None, owner: bool = False) -> None:
        """``owner``: this is the serving hub (holding owner.ServeLock), which may clear what a crash left."""
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.db = HubDb(self.data_dir, database_url)
        self.blobs = BlobStore(self.data_dir, self.db, owner=owner)
        self.auth = Authenticator(self.db)
        self.devices = Devices(self.db)
        self.ingest = Ingest(self.db)
        self.blobs.finisher = self.ingest.finish_blob
        with self.db.write() as c:
            c.x("INSERT INTO hub_meta(key, value) VALUES ('hub_id', ?) ON CONFLICT (key) DO NOTHING", (str(uuid.uuid4()),))
            self.hub_id = str(c.one("SELECT value FROM hub_meta WHERE key = 'hub_id'")[0])

    def close(self) -> None:
        self.ingest.close()
        self.db.close()

    def max_seq(self) -> int:
        with self.db.read() as c:
            row = c.one("SELECT value FROM hub_meta WHERE key = 'seq'")
        return int(row[0]) if row else 0

    def hello(self, user: User, device_id: str, device_code: str) -> dict[str, Any]:
        info = self.devices.register(user, device_id, device_code)
        return {"hub_id": self.hub_id, "protocol": PROTOCOL_VERSION, "user": user.name, "role": user.role,
                "device_code": info["device_code"], "server_time_ms": int(time.time() * 1000), "seq": self.max_seq(),
                "token_expires_at": user.expires_at}

    def check_device(self, user: User, device_id: str) -> None:
        owner = self.devices.owner(device_id)
        if owner is None:
            raise StateError(f"device {device_id} is not enrolled; it must say hello first")
        if owner != user.name:
            raise StateError(f"device {device_id} is enrolled by another user")

    def push(self, user: User, device_id: str, changes: list[Change]) -> dict[str, Any]:
        self.check_device(user, device_id)
        return self.ingest.push(user, device_id, changes)

    def changes_json(self, user: User, device_id: str, since: int, limit: int, own: bool = False) -> str:
        """One page of the feed as JSON text: row bodies are spliced in as stored, never re-encoded."""
        limit = max(1, min(limit, MAX_PAGE))
        cols = "seq, tbl, id, version, hlc, body, origin, vis"
        # One walk along the change sequence (the table's own key), filtered in SQL: what this user may
        # see, minus what this device sent itself. An index on visibility would cost every push more
        # than this costs a pull.
        where = ["seq > ?", "vis <> '-'"]
        params: list[Any] = [since]
        if not user.supervisor:
            where.append("vis IN ('*', ?)")
            params.append(user.name)
        if not own:
            where.append("origin <> ?")
            params.append(device_id)
        with self.db.read() as c:
            rows = c.q(f"SELECT {cols} FROM rows WHERE {' AND '.join(where)} ORDER BY seq LIMIT ?", (*params, limit))
            row = c.one("SELECT value FROM hub_meta WHERE key = 'seq'")
            hub_seq = int(row[0]) if row else 0
        more = len(rows) == limit
        # Not a full page: everything up to the snapshot's last change has been seen.
        cut = rows[-1][0] if more else max(hub_seq, since)
        parts = []
        for seq, tbl, rid, version, hlc, body, _origin, _vis in rows:
            parts.append(f'{{"seq":{seq},"t":{json.dumps(tbl)},"id":{json.dumps(rid, ensure_ascii=False)},'
                         f'"v":{version},"hlc":{json.dumps(hlc)},"body":{body if body is not None else "null"}}}')
        return (f'{{"changes":[{",".join(parts)}],"next":{max(cut, since)},"more":{"true" if more else "false"},'
                f'"hub_seq":{hub_seq}}}')

    def conflicts(self, user: User, since: str = "", limit: int = 200) -> list[dict[str, Any]]:
        limit = max(1, min(limit, 1000))
        with self.db.read() as c:
            sql = ("SELECT id, at, device_id, user_name, tbl, row_id, kind, fields, detail FROM conflicts WHERE at > ? ")
            params: tuple[Any, ...] = (since,)
            if not user.supervisor:
                sql += "AND (user_name = ? OR vis = ?) "
                params += (user.name, user.name)
            rows = c.q(sql + "ORDER BY at LIMIT ?", (*params, limit))
        keys = ("id", "at", "device_id", "user", "table", "row_id", "kind", "fields", "detail")
        out = []
        for r in rows:
            d = dict(zip(keys, r, strict=True))
            d["fields"] = json.loads(d["fields"])
            out.append(d)
        return out

    def stats(self) -> dict[str, Any]:
        from qcity_desktop.hub.status import holdings

        return {**holdings(self.db), "seq": self.max_seq()}
