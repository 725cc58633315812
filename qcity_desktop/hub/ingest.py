"""Applying a device's pushed changes on the hub — idempotently, in one write transaction.

Per change the outcome is one of:
- ``ok``: stored as the row's next version (new row, or the device's edit was based on the
  hub's current version);
- ``duplicate``: the hub already has exactly this row (a retried push) — nothing is written,
  which is what makes every push safe to repeat;
- ``merged``: the row changed on the hub since the device's base; the three-way merge of
  qcity_desktop/sync/merge.py decides, the device's version is kept in the history and the
  merged row is published for everyone (including the pusher) to pull;
- ``refused``: not allowed (a different version of a signed inspection, another inspector's
  inspection, a report number already used, a template from an inspector). Recorded and reported.

Changes are processed in the order sent (the device's write order), against an in-batch view of
the rows, so a batch may create an inspection, its answers and sign it.
"""

from __future__ import annotations

import json
import queue
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from qcity_desktop.hub.accounts import User, now_iso
from qcity_desktop.hub.blobs import clean_mime
from qcity_desktop.hub.db import Conn, HubDb
from qcity_desktop.hub.errors import disk_full, full_disk_error
from qcity_desktop.hub.validate import Change
from qcity_desktop.sync.merge import three_way
from qcity_desktop.sync.protocol import (
    BY_NAME,
    TableSpec,
    as_items,
    canonical_body,
    follow_up,
    from_items,
    hlc_key,
    natural_key,
    scope_of,
)

NUMBER_COLUMNS = ("report_no", "certificate_no")
_UNSET: Any = object()


@dataclass
class RowState:
    version: int
    text: str | None
    hlc: str
    origin: str
    vis: str
    scope: str | None
    status: str | None
    nkey: str | None
    _body: Any = field(default=None, repr=False)

    @property
    def body(self) -> dict[str, Any] | None:
        if self._body is None and self.text is not None:
            self._body = json.loads(self.text)
        return self._body

    @property
    def writer(self) -> str:
        b = self.body
        return (b or {}).get("device_id") or self.origin


class _Job:
    __slots__ = ("user", "device", "changes", "result", "error", "done", "on_done", "blob")

    def __init__(self, user: User, device: str, changes: list[Change],
                 on_done: Callable[[_Job], None] | None = None) -> None:
        self.user = user
        self.device = device
        self.changes = changes
        self.result: dict[str, Any] | None = None
        self.error: BaseException | None = None
        self.done = threading.Event()
        self.on_done = on_done
        self.blob: tuple[str, int, str] | None = None   # a finished photo to record (finish_blob)

    def finish(self) -> None:
        self.done.set()
        if self.on_done is not None:
            self.on_done(self)


class Ingest:
    """Push batches against the hub database, with group commit.

    One writer thread takes whatever batches are waiting and stores them in one transaction,
    each batch inside its own savepoint (a bad batch fails alone). A device gets its answer only
    after the COMMIT, so an acknowledged change is on disk; and with 100 devices pushing at once
    one disk flush serves many of them instead of one each.
    """

    GROUP_CHANGES = 20_000

    def __init__(self, db: HubDb) -> None:
        self.db = db
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    @staticmethod
    def prepare(changes: list[Change]) -> None:
        """The per-change work that needs no database (canonical text, keys), done off the writer thread."""
        for ch in changes:
            ch.text = canonical_body(ch.body)
            spec = BY_NAME[ch.tbl]
            ch.nkey = natural_key(spec, ch.body)
            ch.scope = scope_of(spec, ch.id, ch.body)

    def submit(self, user: User, device: str, changes: list[Change], on_done: Callable[[_Job], None]) -> None:
        """Queue prepared changes for the writer; ``on_done(job)`` is called on the writer thread after COMMIT."""
        self._ensure_writer()
        self._queue.put(_Job(user, device, changes, on_done))

    def _run(self, job: _Job) -> _Job:
        """Queue a job and wait for the commit that stores it."""
        self._ensure_writer()
        self._queue.put(job)
        job.done.wait()
        if job.error is not None:
            raise job.error
        return job

    def push(self, user: User, device: str, changes: list[Change]) -> dict[str, Any]:
        self.prepare(changes)
        result = self._run(_Job(user, device, changes)).result
        assert result is not None
        return result

    def finish_blob(self, sha: str, size: int, mime: str) -> None:
        """Record a photo whose file is complete, in the next group commit; returns once it is durable.

        Photos uploaded side by side (and the pushes stored meanwhile) share one disk flush of the
        database instead of one each.
        """
        job = _Job(None, "", [])  # type: ignore[arg-type]
        job.blob = (sha, size, mime)
        self._run(job)

    def close(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(30)

    def _ensure_writer(self) -> None:
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._writer, name="qcity-hub-writer", daemon=True)
                self._thread.start()

    def _writer(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            jobs, size, stop = [job], len(job.changes), False
            while size < self.GROUP_CHANGES:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stop = True
                    break
                jobs.append(more)
                size += len(more.changes)
            self._store(jobs)
            if stop:
                return

    def _store(self, jobs: list[_Job]) -> None:
        blobs = [job for job in jobs if job.blob is not None]
        try:
            with self.db.write() as c:
                c.many("INSERT INTO blobs(sha256, size, mime, created_at) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT (sha256) DO NOTHING",
                       [(sha, size, clean_mime(mime), now_iso()) for sha, size, mime in (j.blob for j in blobs)])
                for job in blobs:
                    job.result = {}
                for job in jobs:
                    if job.blob is not None:
                        continue
                    c.x("SAVEPOINT push_batch")
                    try:
                        batch = _Batch(c, job.user, job.device)
                        batch.prefetch(job.changes)
                        results = [batch.apply(ch) for ch in job.changes]
                        batch.flush()
                    except Exception as err:  # noqa: BLE001 - this batch fails alone, the others go on
                        if disk_full(err):
                            raise   # no batch can be stored now: the whole group fails, below
                        c.x("ROLLBACK TO SAVEPOINT push_batch")
                        c.x("RELEASE SAVEPOINT push_batch")
                        job.error = err
                        continue
                    c.x("RELEASE SAVEPOINT push_batch")
                    conflicts = sum(1 for r in results if r["status"] in ("merged", "refused") or r.get("fields"))
                    job.result = {"results": results, "conflicts": conflicts, "seq": batch.seq}
        except BaseException as err:  # the COMMIT itself failed: nobody's batch is stored
            if disk_full(err):
                err = full_disk_error("its database could not grow")
            for job in jobs:
                job.result = None
                job.error = job.error or err
        finally:
            for job in jobs:
                if job.result is None and job.error is None:
                    job.error = RuntimeError("push was not stored")
                job.finish()


class _Batch:
    def __init__(self, c: Conn, user: User, device: str) -> None:
        self.c = c
        self.user = user
        self.device = device
        self.state: dict[tuple[str, str], RowState | None] = {}
        self.by_nkey: dict[tuple[str, str], str] = {}
        self.numbers: dict[str, str] = {}
        self.db_nkey: dict[tuple[str, str], str] = {}
        self.writes: dict[tuple[str, str], tuple[RowState, int]] = {}
        self.history: list[tuple[Any, ...]] = []
        self.new_numbers: list[tuple[str, str, str]] = []
        self.conflicts: list[tuple[Any, ...]] = []
        row = c.one("SELECT value FROM hub_meta WHERE key = 'seq'")
        self.seq = int(row[0]) if row else 0
        self.start_seq = self.seq

    # -- reading the rows the batch touches, in a few queries ---------------------------------
    def prefetch(self, changes: list[Change]) -> None:
        keys: dict[str, set[str]] = {}
        nkeys: dict[str, set[str]] = {}
        numbers: set[str] = set()
        for ch in changes:
            keys.setdefault(ch.tbl, set()).add(ch.id)
            if ch.scope:
                keys.setdefault("inspections", set()).add(ch.scope)
            if ch.nkey:
                nkeys.setdefault(ch.tbl, set()).add(ch.nkey)
            if ch.body:
                if ch.tbl == "inspections":
                    numbers.update(str(ch.body[k]) for k in NUMBER_COLUMNS if ch.body.get(k))
                elif ch.tbl == "issued_numbers":
                    numbers.add(ch.id)
        cols = "tbl, id, version, body, hlc, origin, vis, scope, status, nkey"
        for tbl, ids in keys.items():
            for part in _chunks(sorted(ids)):
                marks = ",".join("?" * len(part))
                for r in self.c.q(f"SELECT {cols} FROM rows WHERE tbl = ? AND id IN ({marks})", (tbl, *part)):
                    self._remember(r)
                for i in part:
                    self.state.setdefault((tbl, i), None)
        for tbl, nks in nkeys.items():
            for part in _chunks(sorted(nks)):
                marks = ",".join("?" * len(part))
                for r in self.c.q(f"SELECT {cols} FROM rows WHERE tbl = ? AND nkey IN ({marks})", (tbl, *part)):
                    self._remember(r)
        for part in _chunks(sorted(numbers)):
            marks = ",".join("?" * len(part))
            for number, insp in self.c.q(f"SELECT number, inspection_id FROM numbers WHERE number IN ({marks})", part):
                self.numbers[number] = insp

    def _remember(self, r: tuple[Any, ...]) -> None:
        st = RowState(version=r[2], text=r[3], hlc=r[4], origin=r[5], vis=r[6], scope=r[7], status=r[8], nkey=r[9])
        self.state[(r[0], r[1])] = st
        if st.nkey is not None:
            self.by_nkey[(r[0], st.nkey)] = r[1]
            self.db_nkey[(r[0], r[1])] = st.nkey

    def _get(self, tbl: str, rid: str) -> RowState | None:
        key = (tbl, rid)
        if key not in self.state:
            r = self.c.one("SELECT tbl, id, version, body, hlc, origin, vis, scope, status, nkey FROM rows "
                           "WHERE tbl = ? AND id = ?", key)
            if r is None:
                self.state[key] = None
            else:
                self._remember(r)
        return self.state[key]

    # -- one change -----------------------------------------------------------------------------
    def apply(self, ch: Change) -> dict[str, Any]:
        spec = BY_NAME[ch.tbl]
        refusal = self._check(spec, ch)
        if refusal:
            kind, reason = refusal
            self._conflict(ch.tbl, ch.id, "refused", [], f"{kind}: {reason}", self._vis(spec, ch))
            return {"i": ch.index, "status": "refused", "reason": reason, "kind": kind}
        target = ch.id
        cur = self._get(ch.tbl, ch.id)
        nk = ch.nkey
        rekeyed = None
        if cur is None and nk is not None:
            other = self.by_nkey.get((ch.tbl, nk))
            if other is not None and other != ch.id and self._get(ch.tbl, other) is not None \
                    and self._get(ch.tbl, other).text is not None:
                if ch.final:
                    # The row belongs to a signed inspection: the signed content wins, the other
                    # device's row with the same natural key is retired.
                    self._tombstone(ch.tbl, other)
                else:
                    rekeyed, target = other, other
                    cur = self._get(ch.tbl, other)
        if cur is None:
            if ch.op == "delete":
                return {"i": ch.index, "status": "ok", "version": None}
            version = self._write(spec, target, ch.text, ch.hlc, self.device, base_state=None, body=ch.body, nkey=nk)
            return {"i": ch.index, "status": "ok", "version": version}
        if rekeyed is None and ch.text == cur.text:
            return {"i": ch.index, "status": "duplicate", "version": cur.version}
        if rekeyed is None and (ch.base == cur.version or ch.final):
            version = self._write(spec, target, ch.text, ch.hlc, self.device, base_state=cur, body=ch.body, nkey=nk)
            res: dict[str, Any] = {"i": ch.index, "status": "ok", "version": version}
            if ch.final and ch.base != cur.version and cur.text is not None:
                fields = (_differing(as_items(spec, cur.body), as_items(spec, ch.body)) if spec.packs
                          else _differing(cur.body, ch.body))
                self._conflict(ch.tbl, ch.id, "lww", fields, "signed inspection: its signed content replaced "
                               "the hub's version", cur.vis)
                res["fields"] = fields
            return res
        return self._merge(spec, ch, target, cur, rekeyed)

    def _merge(self, spec: TableSpec, ch: Change, target: str, cur: RowState, rekeyed: str | None) -> dict[str, Any]:
        base_body = None
        if rekeyed is None and ch.base is not None:
            row = self.c.one("SELECT body FROM history WHERE tbl = ? AND id = ? AND version = ?", (ch.tbl, target, ch.base))
            if row is not None and row[0] is not None:
                base_body = json.loads(row[0])
        local = None if ch.body is None else dict(ch.body)
        if local is not None and rekeyed is not None:
            local[spec.key] = target
        remote = cur.body
        if spec.packs:   # a packed set merges member by member (docs/sync.md, conflict rule 4)
            base_body, local, remote = (as_items(spec, b) for b in (base_body, local, remote))
        try:
            m = three_way(base_body, local, remote, hlc_key(ch.hlc, self.device), hlc_key(cur.hlc, cur.writer))
        except (TypeError, ValueError) as err:   # values no device writes (a hand-made request)
            self._conflict(ch.tbl, ch.id, "refused", [], f"invalid: cannot merge ({err})", cur.vis)
            return {"i": ch.index, "status": "refused", "reason": f"cannot merge: {err}", "kind": "invalid"}
        if spec.packs:
            m.body = from_items(spec, m.body)
        merged_text = canonical_body(m.body)
        newest = max(ch.hlc, cur.hlc)
        if rekeyed is None and merged_text == ch.text:
            version = self._write(spec, target, ch.text, ch.hlc, self.device, base_state=cur)
            status = "ok"
        else:
            # Keep the device's version as the base of its next edit, publish the merge on top.
            if rekeyed is None:
                self.history.append((ch.tbl, target, cur.version + 1, ch.text, ch.hlc, self.device))
                self.history.append((ch.tbl, target, cur.version, cur.text, cur.hlc, cur.origin))
                cur = RowState(cur.version + 1, ch.text, ch.hlc, self.device, cur.vis, cur.scope, cur.status, cur.nkey)
                self.state[(ch.tbl, target)] = cur
                version = cur.version
            else:
                version = None
            self._write(spec, target, merged_text, newest, "", base_state=cur, keep_history=rekeyed is not None)
            status = "merged"
        fields = m.conflicts
        if fields or rekeyed:
            detail = "; ".join(filter(None, [
                f"kept this device's value: {', '.join(m.local_won)}" if m.local_won else "",
                f"kept the hub's value: {', '.join(m.remote_won)}" if m.remote_won else "",
                f"same {'/'.join(spec.natural)} as row {rekeyed}: merged into it" if rekeyed else ""]))
            self._conflict(ch.tbl, ch.id, "rekeyed" if rekeyed else "lww", fields, detail, cur.vis)
        res = {"i": ch.index, "status": "rekeyed" if rekeyed else status, "version": version, "fields": fields}
        if m.merged_fields:
            res["merged"] = m.merged_fields
        if rekeyed:
            res["id"] = rekeyed
        return res

    # -- rules -----------------------------------------------------------------------------------
    def _vis(self, spec: TableSpec, ch: Change) -> str:
        if spec.registry:
            return "*"
        if not spec.pull:
            return "-"
        if ch.scope:
            insp = self._get("inspections", ch.scope)
            if insp is not None:
                return insp.vis
        cur = self._get(ch.tbl, ch.id)
        return cur.vis if cur is not None else self.user.name

    def _check(self, spec: TableSpec, ch: Change) -> tuple[str, str] | None:
        """Why this change may not be stored, or None."""
        cur = self._get(ch.tbl, ch.id)
        if ch.tbl == "audit_log":
            owner = ch.body.get("device_id") if ch.body else None
            if not ch.id.startswith(f"{self.device}:") or (owner is not None and owner != self.device):
                return "forbidden", "a device pushes only its own audit log"
            if cur is not None and cur.text is not None and cur.text != ch.text:
                return "audit", f"audit entry {ch.id} differs from the one already on the hub (the log is append-only)"
            return None
        if spec.supervisor_push and not self.user.supervisor:
            return "forbidden", f"only supervisors may change {ch.tbl}"
        scope = ch.scope or (cur.scope if cur is not None else None)
        insp = self._get("inspections", scope) if scope else None
        if not self.user.supervisor and not spec.registry:
            owner = insp.vis if insp is not None else (cur.vis if cur is not None else self.user.name)
            if owner != self.user.name:
                return "forbidden", f"{ch.tbl} {ch.id} belongs to another inspector's inspection"
        if ch.tbl == "inspections":
            if cur is not None and cur.status == "signed" and cur.text != ch.text:
                return "signed", f"inspection {ch.id} is already signed on the hub with different content"
        elif insp is not None and insp.status == "signed" and (cur.text if cur else None) != ch.text \
                and not follow_up(ch.tbl, ch.body, cur.body if cur is not None else None):
            return "signed", f"inspection {scope} is signed on the hub; its {ch.tbl} can no longer change"
        if ch.body is not None:
            numbers = ([(str(ch.body[k]), ch.id) for k in NUMBER_COLUMNS if ch.body.get(k)] if ch.tbl == "inspections"
                       else [(ch.id, str(ch.body.get("inspection_id")))] if ch.tbl == "issued_numbers" else [])
            for number, insp_id in numbers:
                holder = self.numbers.get(number)
                if holder is not None and holder != insp_id:
                    return "number", f"number {number} is already used by inspection {holder}"
            for number, insp_id in numbers:
                if number not in self.numbers:
                    self.numbers[number] = insp_id
                    self.new_numbers.append((number, insp_id, self.device))
        return None

    # -- writing ----------------------------------------------------------------------------------
    def _write(self, spec: TableSpec, rid: str, text: str | None, hlc: str, origin: str,
               base_state: RowState | None, keep_history: bool = True, body: Any = _UNSET, nkey: Any = _UNSET) -> int:
        if body is _UNSET:
            body = None if text is None else json.loads(text)
        version = 1 if base_state is None else base_state.version + 1
        if base_state is not None and keep_history:
            self.history.append((spec.name, rid, base_state.version, base_state.text, base_state.hlc, base_state.origin))
        scope = scope_of(spec, rid, body) if body is not None else (base_state.scope if base_state else None)
        vis = self._vis_for(spec, rid, scope, base_state)
        status = body.get("status") if (body is not None and spec.name == "inspections") else None
        if nkey is _UNSET:
            nkey = natural_key(spec, body)
        st = RowState(version, text, hlc, origin, vis, scope, status, nkey, body)
        if base_state is not None and base_state.nkey is not None and base_state.nkey != nkey:
            self.by_nkey.pop((spec.name, base_state.nkey), None)
        if nkey is not None:
            self.by_nkey[(spec.name, nkey)] = rid
        self.state[(spec.name, rid)] = st
        self.seq += 1
        self.writes[(spec.name, rid)] = (st, self.seq)
        return version

    def _vis_for(self, spec: TableSpec, rid: str, scope: str | None, base: RowState | None) -> str:
        if spec.registry:
            return "*"
        if not spec.pull:
            return "-"
        if scope and scope != rid:
            insp = self._get("inspections", scope)
            if insp is not None:
                return insp.vis
        if base is not None:
            return base.vis
        return self.user.name

    def _tombstone(self, tbl: str, rid: str) -> None:
        cur = self._get(tbl, rid)
        if cur is None or cur.text is None:
            return
        self._write(BY_NAME[tbl], rid, None, cur.hlc, "", base_state=cur)
        self._conflict(tbl, rid, "rekeyed", [], "replaced by the row of a signed inspection with the same key", cur.vis)

    def _conflict(self, tbl: str, rid: str, kind: str, fields: list[str], detail: str, vis: str) -> None:
        self.conflicts.append((str(uuid.uuid4()), now_iso(), self.device, self.user.name, tbl, rid, kind,
                               json.dumps(fields), detail[:2000], vis))

    def flush(self) -> None:
        c = self.c
        # Free natural keys first (a row that changed its key, or was retired, before another takes it).
        moved = [key for key, (st, _) in self.writes.items() if key in self.db_nkey and self.db_nkey[key] != st.nkey]
        c.many("UPDATE rows SET nkey = NULL WHERE tbl = ? AND id = ?", moved)
        # Consecutive sequence numbers in write order (a row written twice in the batch keeps its last).
        ordered = sorted(self.writes.items(), key=lambda kv: kv[1][1])
        self.seq = self.start_seq + len(ordered)
        c.many(
            "INSERT INTO rows(tbl, id, version, seq, body, hlc, origin, vis, scope, status, nkey) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tbl, id) DO UPDATE SET "
            "version = excluded.version, seq = excluded.seq, body = excluded.body, hlc = excluded.hlc, "
            "origin = excluded.origin, vis = excluded.vis, scope = excluded.scope, status = excluded.status, "
            "nkey = excluded.nkey",
            [(tbl, rid, st.version, self.start_seq + n, st.text, st.hlc, st.origin, st.vis, st.scope, st.status, st.nkey)
             for n, ((tbl, rid), (st, _)) in enumerate(ordered, start=1)])
        c.many("INSERT INTO history(tbl, id, version, body, hlc, origin) VALUES (?, ?, ?, ?, ?, ?) "
               "ON CONFLICT (tbl, id, version) DO NOTHING", self.history)
        c.many("INSERT INTO numbers(number, inspection_id, device_id) VALUES (?, ?, ?) ON CONFLICT (number) DO NOTHING",
               self.new_numbers)
        c.many("INSERT INTO conflicts(id, at, device_id, user_name, tbl, row_id, kind, fields, detail, vis) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", self.conflicts)
        if self.seq != self.start_seq:
            c.x("UPDATE hub_meta SET value = ? WHERE key = 'seq'", (str(self.seq),))


def _differing(a: dict[str, Any] | None, b: dict[str, Any] | None) -> list[str]:
    a, b = a or {}, b or {}
    from qcity_desktop.sync.protocol import META_COLUMNS

    return sorted(k for k in set(a) | set(b) if k not in META_COLUMNS and a.get(k) != b.get(k))


def _chunks(items: list[str], size: int = 400) -> list[list[str]]:
    return [items[i:i + size] for i in range(0, len(items), size)]
