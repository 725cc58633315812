"""The device's side of sync in SQL: the outbox, base versions, the inbox and how it is applied.

Tables come from db/0004_sync.sql. Everything the sync client needs from the local database goes
through here, so the rules that protect evidence live next to the SQL that could break them:
pulled rows are written with change tracking switched off (inside the same transaction only),
a signed inspection from the hub is written as 'completed', given its children, then signed —
the store's triggers never see a change to a signed row — and a row with a local change still
waiting to be pushed is never overwritten by the hub's older idea of it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qcity_desktop.canonical import canonical_hash, sha256_hex
from qcity_desktop.sync.protocol import (
    BY_NAME,
    ORDER,
    PACK_KEY,
    PACK_SAME,
    PACK_SCOPE,
    TABLES,
    PackedRows,
    TableSpec,
    follow_up,
    hlc_wall,
    natural_key,
    pack,
    unpack,
)

if TYPE_CHECKING:
    from qcity_desktop.store import Store

META_HUB_URL = "sync.hub_url"
META_HUB_ID = "sync.hub_id"
META_CURSOR = "sync.cursor"
META_DEVICE_CODE = "numbering.device_code"


@dataclass
class OutboxEntry:
    seq: int
    tbl: str
    row_id: str
    op: str
    hlc: str


@dataclass
class ApplyReport:
    applied: int = 0
    waiting: int = 0
    conflicts: list[dict[str, Any]] = field(default_factory=list)


def _chunks(items: list[Any], size: int = 500) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


class SyncState:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.conn: sqlite3.Connection = store.conn
        self._columns: dict[str, list[str]] = {}
        self._pack_index: dict[str, str | None] = {}

    # -- settings kept in the database (per device, not per user account) -------------------
    def get(self, key: str, default: str | None = None) -> str | None:
        return self.store.meta_get(key, default)

    def set(self, key: str, value: str) -> None:
        with self.store.transaction():
            self.store.meta_set(key, value)

    def cursor(self) -> int:
        return int(self.get(META_CURSOR, "0") or 0)

    def columns(self, tbl: str) -> list[str]:
        if tbl not in self._columns:
            self._columns[tbl] = [r[1] for r in self.conn.execute(f"PRAGMA table_info({tbl})")]
        return self._columns[tbl]

    # -- what is waiting to go up -----------------------------------------------------------
    def pending(self) -> dict[str, int]:
        """Changes waiting to go up (``rows``, all of them; ``changes``, what a user made — without the
        audit entries that accompany them), photos to upload, and pulled rows not yet applied."""
        rows = self.conn.execute("SELECT count(*) FROM sync_outbox").fetchone()[0]
        audit = self.conn.execute("SELECT count(*) FROM sync_outbox WHERE tbl = 'audit_log'").fetchone()[0]
        blobs = self.conn.execute("SELECT count(*) FROM sync_blob_queue").fetchone()[0]
        inbox = self.conn.execute("SELECT count(*) FROM sync_inbox").fetchone()[0]
        return {"rows": int(rows), "changes": int(rows - audit), "blobs": int(blobs), "inbox": int(inbox)}

    def last_outbox_seq(self) -> int:
        return int(self.conn.execute("SELECT coalesce(max(seq), 0) FROM sync_outbox").fetchone()[0])

    def outbox(self, after: int, upto: int, limit: int) -> list[OutboxEntry]:
        cur = self.conn.execute("SELECT seq, tbl, row_id, op, hlc FROM sync_outbox WHERE seq > ? AND seq <= ? "
                                "ORDER BY seq LIMIT ?", (after, upto, limit))
        return [OutboxEntry(*r) for r in cur.fetchall()]

    def rows(self, tbl: str, ids: list[str]) -> dict[str, dict[str, Any]]:
        """Current local rows by key (``SELECT *``), for building a push."""
        spec = BY_NAME[tbl]
        if spec.packs:
            return self.packed(spec, ids)
        out: dict[str, dict[str, Any]] = {}
        cols = self.columns(tbl)
        for part in _chunks(ids):
            marks = ",".join("?" * len(part))
            for r in self.conn.execute(f"SELECT * FROM {tbl} WHERE {spec.key} IN ({marks})", part):
                row = dict(zip(cols, r, strict=True))
                out[str(row[spec.key])] = row
        return out

    def packed(self, spec: TableSpec, scopes: list[str]) -> dict[str, dict[str, Any]]:
        """Packed sets by scope (``pack``), for the scopes (inspections) that still exist."""
        table, scope_col = spec.table, PACK_SCOPE[spec.table]
        cols = self.columns(table)
        members: dict[str, list[dict[str, Any]]] = {}
        for part in _chunks(sorted(set(scopes))):
            marks = ",".join("?" * len(part))
            for (sid,) in self.conn.execute(f"SELECT id FROM inspections WHERE id IN ({marks})", part):
                members[str(sid)] = []
            for r in self.conn.execute(f"SELECT * FROM {table} WHERE {scope_col} IN ({marks})", part):
                row = dict(zip(cols, r, strict=True))
                if str(row[scope_col]) in members:
                    members[str(row[scope_col])].append(row)
        return {sid: pack(spec, sid, rows) for sid, rows in members.items()}

    def packed_wire(self, spec: TableSpec, scopes: list[str]) -> dict[str, dict[str, Any]]:
        """``packed`` for a push, made by SQLite: each set's rows as JSON text spliced into the request as is.

        A first sync packs 600,000 answers; turning each value into a Python object only to encode
        it again was most of the device's work. One query per chunk of sets, betting that the
        ``PACK_SAME`` columns hold one value per set (it checks, and the few sets where they do not
        are read again with those columns in their rows). Falls back to ``packed`` where SQLite's
        text could differ from ``pack``'s (a REAL column: SQLite writes floats with 15 digits) or
        without the (scope, key) index.
        """
        table, scope_col = spec.table, PACK_SCOPE[spec.table]
        index = self._packable_index(spec)
        if index is None:
            return self.packed(spec, scopes)
        names = sorted(self.columns(table))
        candidates = [c for c in PACK_SAME[table] if c in names]
        # The scope column needs no check: GROUP BY over a TEXT column already makes it one value per set
        # (checking it anyway was a fifth of the device's work in a first sync).
        checked = [c for c in candidates if c != scope_col]
        checks = "".join(f", min(typeof({c})) = max(typeof({c})) AND (count({c}) = 0 OR min({c}) = max({c})), "
                         f"min({c})" for c in checked)
        out: dict[str, dict[str, Any]] = {}
        for part in _chunks(sorted(set(scopes))):
            marks = ",".join("?" * len(part))
            for (sid,) in self.conn.execute(f"SELECT id FROM inspections WHERE id IN ({marks})", part):
                out[str(sid)] = {"id": str(sid), "same": {}, "cols": [], "rows": PackedRows(b"[]", 0)}
            shapes: dict[tuple[str, ...], list[str]] = {}
            cols = [c for c in names if c not in candidates]
            for sid, text, count, *flags in self.conn.execute(
                    # The (scope, key) unique index hands rows over in key order, grouped, without a sort
                    # (a test compares the result with ``packed``, which sorts in Python).
                    f"SELECT {scope_col}, json_group_array(json_array({', '.join(cols)})), count(*){checks} "
                    f"FROM {table} INDEXED BY {index} WHERE {scope_col} IN ({marks}) GROUP BY {scope_col}", part):
                target = out.get(str(sid))
                if target is None:
                    continue
                found = {c: flags[2 * i + 1] for i, c in enumerate(checked) if flags[2 * i]}
                same = {c: sid if c == scope_col else found[c] for c in candidates if c == scope_col or c in found}
                target["same"] = same
                if len(same) == len(candidates):
                    target["cols"], target["rows"] = cols, PackedRows(text.encode(), count)
                else:   # rows from more than one device: read again with the columns that differ
                    target["cols"] = [c for c in names if c not in same]
                    shapes.setdefault(tuple(target["cols"]), []).append(str(sid))
            for shape, sids in shapes.items():
                inner = ",".join("?" * len(sids))
                for sid, text, count in self.conn.execute(
                        f"SELECT {scope_col}, json_group_array(json_array({', '.join(shape)})), count(*) FROM "
                        f"{table} INDEXED BY {index} WHERE {scope_col} IN ({inner}) GROUP BY {scope_col}", sids):
                    out[str(sid)]["rows"] = PackedRows(text.encode(), count)
        return out

    def _packable_index(self, spec: TableSpec) -> str | None:
        """The unique (scope, key) index that hands a packed set over in key order; None if there is none or
        a REAL column could make SQLite's JSON differ from ``pack``'s. Looked up once per table."""
        table = spec.table
        if table not in self._pack_index:
            found = None
            real = any(t in (r[2] or "").upper() for r in self.conn.execute(f"PRAGMA table_info({table})")
                       for t in ("REAL", "FLOA", "DOUB"))
            wanted = [PACK_SCOPE[table], PACK_KEY[table]]
            for _seq, name, unique, *_ in ([] if real else self.conn.execute(f"PRAGMA index_list({table})")):
                if unique and [r[2] for r in self.conn.execute(f"PRAGMA index_info({name})")] == wanted:
                    found = str(name)
            self._pack_index[table] = found
        return self._pack_index[table]

    def bases(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
        out: dict[tuple[str, str], int] = {}
        by_tbl: dict[str, list[str]] = {}
        for tbl, rid in keys:
            by_tbl.setdefault(tbl, []).append(rid)
        for tbl, ids in by_tbl.items():
            for part in _chunks(ids):
                marks = ",".join("?" * len(part))
                for rid, version in self.conn.execute(
                        f"SELECT row_id, version FROM sync_rows WHERE tbl = ? AND row_id IN ({marks})", (tbl, *part)):
                    out[(tbl, rid)] = version
        return out

    def signed(self, inspection_ids: Iterable[str]) -> set[str]:
        ids = sorted(set(inspection_ids))
        out: set[str] = set()
        for part in _chunks(ids):
            marks = ",".join("?" * len(part))
            out.update(r[0] for r in self.conn.execute(
                f"SELECT id FROM inspections WHERE status = 'signed' AND id IN ({marks})", part))
        return out

    def acknowledge(self, done: list[tuple[int, str, str, int | None]]) -> None:
        """The hub has these outbox entries: drop them (unless rewritten since) and remember the base versions."""
        with self.store.transaction():
            self.conn.executemany("DELETE FROM sync_outbox WHERE seq = ?", [(d[0],) for d in done])
            self.conn.executemany(
                "INSERT INTO sync_rows(tbl, row_id, version) VALUES (?, ?, ?) "
                "ON CONFLICT(tbl, row_id) DO UPDATE SET version = excluded.version",
                [(d[1], d[2], d[3]) for d in done if d[3] is not None])

    def forget_local(self, tbl: str, row_id: str) -> None:
        """Drop a local row the hub merged into another one with the same natural key."""
        spec = BY_NAME[tbl]
        with self.store.transaction():
            self._applying(True)
            try:
                self.conn.execute(f"DELETE FROM {tbl} WHERE {spec.key} = ?", (row_id,))
                self.conn.execute("DELETE FROM sync_rows WHERE tbl = ? AND row_id = ?", (tbl, row_id))
            except sqlite3.IntegrityError:
                pass  # referenced or signed meanwhile: keep it, the conflict is on record
            self._applying(False)

    # -- blobs ----------------------------------------------------------------------------------
    def blob_queue(self) -> list[tuple[str, int, str]]:
        """Blobs to upload, those referenced earliest in the outbox first (so rows are not held up)."""
        return [(r[0], int(r[1]), r[2]) for r in self.conn.execute(
            "SELECT q.sha256, b.size, b.mime, min(coalesce(o.seq, 9e18)) AS first FROM sync_blob_queue q "
            "JOIN blobs b ON b.sha256 = q.sha256 "
            "LEFT JOIN (SELECT sha256, id, 'attachments' AS tbl FROM attachments UNION ALL "
            "           SELECT sha256, id, 'signatures' FROM signatures WHERE sha256 IS NOT NULL) r ON r.sha256 = q.sha256 "
            "LEFT JOIN sync_outbox o ON o.tbl = r.tbl AND o.row_id = r.id "
            "GROUP BY q.sha256 ORDER BY first, q.sha256")]

    def blob(self, sha: str) -> bytes:
        return self.store.blobs.get(sha)

    def blob_sent(self, shas: list[str]) -> None:
        with self.store.transaction():
            self.conn.executemany("DELETE FROM sync_blob_queue WHERE sha256 = ?", [(s,) for s in shas])

    def queued_blobs(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT sha256 FROM sync_blob_queue")}

    def missing_blobs(self) -> list[str]:
        """Blobs pulled rows refer to that this device does not have yet."""
        out = set()
        for r in self.conn.execute("SELECT body FROM sync_inbox WHERE tbl IN ('attachments', 'signatures') "
                                   "AND body IS NOT NULL"):
            sha = json.loads(r[0]).get("sha256")
            if sha and not self.store.blobs.has(sha):
                out.add(sha)
        return sorted(out)

    def put_blob(self, data: bytes, mime: str) -> str:
        with self.store.transaction():
            self._applying(True)
            digest = self.store.blobs.put(data, mime)
            self._applying(False)
        return digest

    # -- conflicts and runs -------------------------------------------------------------------
    def record_conflicts(self, items: list[dict[str, Any]]) -> None:
        if not items:
            return
        with self.store.transaction():
            self.conn.executemany(
                "INSERT INTO sync_conflicts(at, tbl, row_id, kind, fields, detail) VALUES (?, ?, ?, ?, ?, ?)",
                [(self.store.now(), c["table"], c["row_id"], c["kind"], json.dumps(c.get("fields", []), ensure_ascii=False),
                  c.get("detail", "")) for c in items])

    def conflicts(self, unseen_only: bool = False, limit: int = 200) -> list[dict[str, Any]]:
        sql = "SELECT id, at, tbl, row_id, kind, fields, detail, seen FROM sync_conflicts "
        if unseen_only:
            sql += "WHERE seen = 0 "
        rows = self.store.query(sql + "ORDER BY id DESC LIMIT ?", (limit,))
        for r in rows:
            r["fields"] = json.loads(r["fields"] or "[]")
            r["seen"] = bool(r["seen"])
        return rows

    def mark_conflicts_seen(self) -> None:
        with self.store.transaction():
            self.conn.execute("UPDATE sync_conflicts SET seen = 1 WHERE seen = 0")

    def start_run(self, hub: str, via: str = "network") -> int:
        with self.store.transaction():
            cur = self.conn.execute("INSERT INTO sync_runs(started_at, hub, via) VALUES (?, ?, ?)",
                                    (self.store.now(), hub, via))
        return int(cur.lastrowid)

    def finish_run(self, run_id: int, pushed: int, pulled: int, blobs: int, conflicts: int, error: str = "",
                   reason: str = "") -> None:
        """Record how a run ended; ``reason`` is the failure as a word a screen translates (engine.failure_reason)."""
        with self.store.transaction():
            self.conn.execute("UPDATE sync_runs SET finished_at = ?, pushed = ?, pulled = ?, blobs = ?, conflicts = ?, "
                              "ok = ?, error = ?, reason = ? WHERE id = ?",
                              (self.store.now(), pushed, pulled, blobs, conflicts, 0 if error else 1, error,
                               reason if error else "", run_id))

    def last_runs(self, limit: int = 10) -> list[dict[str, Any]]:
        return self.store.query("SELECT * FROM sync_runs ORDER BY id DESC LIMIT ?", (limit,))

    def last_success(self) -> str | None:
        row = self.conn.execute("SELECT finished_at FROM sync_runs WHERE ok = 1 ORDER BY id DESC LIMIT 1").fetchone()
        return row[0] if row else None

    # -- the clock ---------------------------------------------------------------------------------
    def set_clock_offset(self, offset_ms: int) -> None:
        with self.store.transaction():
            self.conn.execute("UPDATE sync_clock SET offset_ms = ? WHERE id = 1", (int(offset_ms),))

    def observe_hlc(self, hlc: str) -> None:
        """HLC receive rule: never stamp a later local write before a change already seen from the hub."""
        wall = hlc_wall(hlc)
        counter = int(hlc.split(".", 1)[1]) if "." in hlc else 0
        with self.store.transaction():
            self.conn.execute("UPDATE sync_clock SET counter = CASE WHEN :w > wall THEN :c WHEN :w = wall "
                              "THEN max(counter, :c) ELSE counter END, wall = max(wall, :w) WHERE id = 1",
                              {"w": wall, "c": counter})

    # -- the inbox -----------------------------------------------------------------------------------
    def stash(self, changes: list[dict[str, Any]], cursor: int) -> None:
        """Keep one pulled page and the advanced cursor together (a kill -9 loses neither or both)."""
        with self.store.transaction():
            self.conn.executemany(
                "INSERT INTO sync_inbox(tbl, row_id, version, hlc, body, seq) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(tbl, row_id) DO UPDATE SET version = excluded.version, hlc = excluded.hlc, "
                "body = excluded.body, seq = excluded.seq, waiting = '' WHERE excluded.version >= sync_inbox.version",
                [(c["t"], c["id"], c["v"], c.get("hlc", ""), None if c.get("body") is None
                  else json.dumps(c["body"], ensure_ascii=False), c["seq"]) for c in changes if c["t"] in BY_NAME])
            self.store.meta_set(META_CURSOR, str(cursor))

    def _applying(self, on: bool) -> None:
        self.conn.execute("UPDATE sync_flags SET applying = ? WHERE id = 1", (1 if on else 0,))

    def apply_inbox(self, max_passes: int = 5) -> ApplyReport:
        """Apply what was pulled, parents before children, until nothing more can be applied."""
        report = ApplyReport()
        for _ in range(max_passes):
            before = report.applied
            self._apply_pass(report)
            if report.applied == before:
                break
        report.waiting = self.pending()["inbox"]
        if report.applied:
            digest = canonical_hash({"applied": report.applied, "at": self.store.now()})
            with self.store.transaction():
                self.store.audit.append("sync-apply", "hub", self.get(META_HUB_ID, "") or "", digest)
        return report

    def _inbox(self) -> list[tuple[str, str, int, str, str | None, int]]:
        rows = self.conn.execute("SELECT tbl, row_id, version, hlc, body, seq FROM sync_inbox").fetchall()
        rows.sort(key=lambda r: (ORDER.get(r[0], 99), r[5]))
        return rows

    def _apply_pass(self, report: ApplyReport) -> None:
        entries = self._inbox()
        if not entries:
            return
        pending = {(r[0], r[1]) for r in self.conn.execute("SELECT tbl, row_id FROM sync_outbox")}
        registry = [e for e in entries if BY_NAME[e[0]].scope is None]
        groups: dict[str, list[tuple[Any, ...]]] = {}
        for e in entries:
            spec = BY_NAME[e[0]]
            if spec.scope is None:
                continue
            body = json.loads(e[4]) if e[4] is not None else None
            scope = e[1] if spec.scope == spec.key else (body or {}).get(spec.scope) or self._local_scope(spec, e[1])
            groups.setdefault(str(scope), []).append(e)
        for part in _chunks(registry, 1000):
            with self.store.transaction():
                self._applying(True)
                for e in part:
                    self._apply_one(e, pending, report)
                self._applying(False)
        group_list = list(groups.items())
        for part in _chunks(group_list, 200):
            with self.store.transaction():
                self._applying(True)
                for scope, items in part:
                    self.conn.execute("SAVEPOINT grp")
                    try:
                        ok = self._apply_group(scope, items, pending, report)
                    except sqlite3.DatabaseError as err:
                        ok = False
                        self._last_wait = f"cannot apply: {err}"
                    if ok:
                        self.conn.execute("RELEASE grp")
                    else:
                        self.conn.execute("ROLLBACK TO grp")
                        self.conn.execute("RELEASE grp")
                        self._wait(items, self._last_wait or "waiting")
                self._applying(False)

    _last_wait = ""

    def _local_scope(self, spec: TableSpec, row_id: str) -> str | None:
        row = self.conn.execute(f"SELECT {spec.scope} FROM {spec.name} WHERE {spec.key} = ?", (row_id,)).fetchone()
        return row[0] if row else None

    def _wait(self, items: list[tuple[Any, ...]], why: str) -> None:
        self.conn.executemany("UPDATE sync_inbox SET waiting = ? WHERE tbl = ? AND row_id = ?",
                              [(why[:300], e[0], e[1]) for e in items])

    def _done(self, e: tuple[Any, ...]) -> None:
        self.conn.execute("DELETE FROM sync_inbox WHERE tbl = ? AND row_id = ?", (e[0], e[1]))
        self.conn.execute("INSERT INTO sync_rows(tbl, row_id, version) VALUES (?, ?, ?) "
                          "ON CONFLICT(tbl, row_id) DO UPDATE SET version = excluded.version", (e[0], e[1], e[2]))

    def _stale(self, e: tuple[Any, ...]) -> bool:
        row = self.conn.execute("SELECT version FROM sync_rows WHERE tbl = ? AND row_id = ?", (e[0], e[1])).fetchone()
        return row is not None and row[0] >= e[2]

    def _apply_one(self, e: tuple[Any, ...], pending: set[tuple[str, str]], report: ApplyReport) -> bool:
        """Apply a registry row; returns False when it has to wait."""
        if self._stale(e):
            self.conn.execute("DELETE FROM sync_inbox WHERE tbl = ? AND row_id = ?", (e[0], e[1]))
            return True
        if (e[0], e[1]) in pending:
            self._wait([e], "a local change is still to be pushed")
            return False
        spec = BY_NAME[e[0]]
        body = json.loads(e[4]) if e[4] is not None else None
        try:
            self.conn.execute("SAVEPOINT one")
            if body is None:
                self.conn.execute(f"DELETE FROM {spec.name} WHERE {spec.key} = ?", (e[1],))
            else:
                self._clear_natural(spec, e[1], body, pending)
                self._upsert(spec, body)
            self.conn.execute("RELEASE one")
        except sqlite3.DatabaseError as err:
            self.conn.execute("ROLLBACK TO one")
            self.conn.execute("RELEASE one")
            self._wait([e], f"cannot apply: {err}")
            return False
        self._done(e)
        report.applied += 1
        return True

    def _apply_group(self, scope: str, items: list[tuple[Any, ...]], pending: set[tuple[str, str]],
                     report: ApplyReport) -> bool:
        """One inspection and its rows, all or nothing (inside the caller's savepoint)."""
        self._last_wait = ""
        local = self.conn.execute("SELECT status FROM inspections WHERE id = ?", (scope,)).fetchone()
        local_status = local[0] if local else None
        live = []
        for e in items:
            if self._stale(e):
                self.conn.execute("DELETE FROM sync_inbox WHERE tbl = ? AND row_id = ?", (e[0], e[1]))
            elif (e[0], e[1]) in pending:
                self._last_wait = "a local change is still to be pushed"
                return False
            elif not self._closure_waits(e):
                live.append(e)
        if not live:
            return True
        if local_status == "signed":
            # The hub can only hold the same signed content; anything else is reported, never applied —
            # except a finding closed by its re-inspection, which is follow-up, not signed evidence.
            for e in live:
                body = json.loads(e[4]) if e[4] is not None else None
                if follow_up(e[0], body, self.rows(e[0], [e[1]]).get(e[1])):   # a closure (its re-inspection is here), a review
                    self._upsert(BY_NAME[e[0]], body)
                    report.applied += 1
                else:
                    self._check_same(e, report)
                self._done(e)
            return True
        sign_body = None
        for e in live:
            spec = BY_NAME[e[0]]
            body = json.loads(e[4]) if e[4] is not None else None
            if body is not None and not spec.packs:
                for col, parent in spec.parents:
                    value = body.get(col)
                    if value is not None and not self._exists(parent, value) and not (parent == "inspections"
                                                                                        and value == scope):
                        self._last_wait = f"needs {parent} {value} first"
                        return False
                for col in spec.blob_columns:
                    if body.get(col) and not self.store.blobs.has(body[col]):
                        self._last_wait = f"photo {body[col][:12]} not downloaded yet"
                        return False
            if spec.packs:
                self._replace_set(spec, scope, body)
            elif body is None:
                self.conn.execute(f"DELETE FROM {spec.name} WHERE {spec.key} = ?", (e[1],))
            elif spec.name == "inspections" and body.get("status") == "signed":
                sign_body = body
                self._upsert(spec, {**body, "status": "completed"})
            else:
                if not self._clear_natural(spec, e[1], body, pending):
                    self._last_wait = f"a local {spec.name} row with the same key is still to be pushed"
                    return False
                self._upsert(spec, body)
        if sign_body is not None:
            self._drop_unknown_children(scope, live, pending, report)
            cols = [c for c in self.columns("inspections") if c in sign_body and c != "id"]
            self.conn.execute(f"UPDATE inspections SET {', '.join(f'{c} = ?' for c in cols)} WHERE id = ?",
                              (*[sign_body[c] for c in cols], scope))
            if sign_body.get("content_hash") and self.store.inspections.content_hash(scope) != sign_body["content_hash"]:
                report.conflicts.append({"table": "inspections", "row_id": scope, "kind": "apply", "fields": [],
                                         "detail": "this signed inspection's content does not match its signature "
                                                   "hash; report it to the bureau"})
        for e in live:
            self._done(e)
        report.applied += len(live)
        return True

    def _closure_waits(self, e: tuple[Any, ...]) -> bool:
        """A finding closed by a re-inspection that is not on this device yet: left for a later pass.

        The re-inspection names the failed inspection it re-checks and the finding names the
        re-inspection that closed it, so neither group could go first; the inspection goes ahead
        without that finding, the re-inspection follows, and the finding comes last.
        """
        if e[0] != "findings" or e[4] is None:
            return False
        body = json.loads(e[4])
        return body.get("status") == "closed" and bool(body.get("closed_by")) \
            and not self._exists("inspections", body["closed_by"])

    def _replace_set(self, spec: TableSpec, scope: str, body: dict[str, Any] | None) -> None:
        """Make the scope's rows exactly the hub's set: the same members, under the hub's row ids."""
        table, key_col, scope_col = spec.table, PACK_KEY[spec.table], PACK_SCOPE[spec.table]
        rows = unpack(spec, body) if body is not None else []
        wanted = {str(r[key_col]): str(r["id"]) for r in rows}
        for rid, key in self.conn.execute(f"SELECT id, {key_col} FROM {table} WHERE {scope_col} = ?", (scope,)).fetchall():
            if wanted.get(str(key)) != str(rid):   # cleared on the hub, or the same item under another device's id
                self.conn.execute(f"DELETE FROM {table} WHERE id = ?", (rid,))
        if not rows:
            return
        local_cols = self.columns(table)
        cols = [c for c in local_cols if c in rows[0]]
        updates = ", ".join(f"{c} = excluded.{c}" for c in cols if c != "id")
        self.conn.executemany(
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
            f"ON CONFLICT(id) DO UPDATE SET {updates}",
            [[{**r, scope_col: scope}.get(c) for c in cols] for r in rows])

    def _drop_unknown_children(self, scope: str, live: list[tuple[Any, ...]], pending: set[tuple[str, str]],
                               report: ApplyReport) -> None:
        """A draft signed on another device: local rows the hub never had are not part of what was signed."""
        incoming = {(e[0], e[1]) for e in live}
        for spec in TABLES:
            key = (spec.name, scope)
            if spec.packs and key not in incoming and key not in pending and not self.conn.execute(
                    "SELECT 1 FROM sync_rows WHERE tbl = ? AND row_id = ?", key).fetchone():
                # The hub has no set for it: local members it never had are not part of what was signed.
                dropped = self.conn.execute(f"DELETE FROM {spec.table} WHERE {PACK_SCOPE[spec.table]} = ?",
                                            (scope,)).rowcount
                if dropped:
                    report.conflicts.append({"table": spec.name, "row_id": scope, "kind": "apply", "fields": [],
                                             "detail": f"inspection {scope} was signed on another device; this "
                                                       f"device's {dropped} unsent {spec.table} are not part of it"})
                continue
            if spec.scope != "inspection_id" or not spec.pull:
                continue
            for (rid,) in self.conn.execute(f"SELECT {spec.key} FROM {spec.name} WHERE inspection_id = ?",
                                            (scope,)).fetchall():
                key = (spec.name, str(rid))
                known = self.conn.execute("SELECT 1 FROM sync_rows WHERE tbl = ? AND row_id = ?", key).fetchone()
                if key in incoming or known or key in pending:
                    continue
                if spec.name == "issued_numbers":
                    continue  # numbers are never deleted; they stay as issued on this device
                self.conn.execute(f"DELETE FROM {spec.name} WHERE {spec.key} = ?", (rid,))
                report.conflicts.append({"table": spec.name, "row_id": str(rid), "kind": "apply", "fields": [],
                                         "detail": f"inspection {scope} was signed on another device; "
                                                   "this device's unsent row is not part of it"})

    def _check_same(self, e: tuple[Any, ...], report: ApplyReport) -> None:
        spec = BY_NAME[e[0]]
        body = json.loads(e[4]) if e[4] is not None else None
        local = self.rows(spec.name, [e[1]]).get(e[1])
        if body is None and local is None:
            return
        if body is not None and local is not None:
            cols = [c for c in body if c in local and c not in ("rev", "updated_at", "device_id", "created_at")]
            if all(body[c] == local[c] for c in cols):
                return
        report.conflicts.append({"table": spec.name, "row_id": e[1], "kind": "apply", "fields": [],
                                 "detail": "the hub holds a different version of a row of an inspection signed on "
                                           "this device; the signed local version is kept"})

    def _exists(self, tbl: str, key: Any) -> bool:
        spec = BY_NAME[tbl]
        return self.conn.execute(f"SELECT 1 FROM {tbl} WHERE {spec.key} = ?", (key,)).fetchone() is not None

    def _clear_natural(self, spec: TableSpec, row_id: str, body: dict[str, Any], pending: set[tuple[str, str]]) -> bool:
        """Make room for a hub row whose natural key a different local row holds (the hub merged them)."""
        if not spec.natural or natural_key(spec, body) is None:
            return True
        where = " AND ".join(f"{c} = ?" for c in spec.natural)
        clash = self.conn.execute(f"SELECT {spec.key} FROM {spec.name} WHERE {where} AND {spec.key} <> ?",
                                  (*[body[c] for c in spec.natural], row_id)).fetchone()
        if clash is None:
            return True
        if (spec.name, str(clash[0])) in pending:
            return False
        self.conn.execute(f"DELETE FROM {spec.name} WHERE {spec.key} = ?", (clash[0],))
        self.conn.execute("DELETE FROM sync_rows WHERE tbl = ? AND row_id = ?", (spec.name, str(clash[0])))
        return True

    def _upsert(self, spec: TableSpec, body: dict[str, Any]) -> None:
        local_cols = self.columns(spec.name)
        cols = [c for c in local_cols if c in body]
        updates = ", ".join(f"{c} = excluded.{c}" for c in cols if c != spec.key)
        sql = (f"INSERT INTO {spec.name} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
               f"ON CONFLICT({spec.key}) DO UPDATE SET {updates}")
        self.conn.execute(sql, [body[c] for c in cols])

    # -- a fingerprint for comparing devices and hub in tests and `qcity sync --json` -----------------
    def fingerprint(self) -> dict[str, str]:
        out = {}
        for spec in TABLES:
            if not spec.pull:
                continue
            rows = self.conn.execute(f"SELECT * FROM {spec.table} ORDER BY {spec.key}").fetchall()
            out[spec.table] = sha256_hex(json.dumps(rows, ensure_ascii=False, default=str))
        return out
