"""One sync: hello → push (blobs ahead of the rows that use them) → pull → apply.

Resumable at every step because each step's result is stored before the next starts: the
outbox entry is dropped only after the hub acknowledged it (and a re-sent entry is a
"duplicate"), a blob leaves the upload queue only once the hub has it, and a pulled page is
stored together with its cursor. Kill the hub or the client anywhere and the next sync carries on.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

from qcity_desktop.errors import QCityError
from qcity_desktop.store import Store
from qcity_desktop.store.numbering import device_code
from qcity_desktop.store.sync_state import META_DEVICE_CODE, META_HUB_ID, META_HUB_URL, SyncState
from qcity_desktop.sync.client import HubClient, HubRefused
from qcity_desktop.sync.credentials import META_TOKEN_EXPIRES
from qcity_desktop.sync.protocol import BY_NAME, PROTOCOL_VERSION, wire_id

PUSH_ROWS = 1000
PULL_PAGE = 2000
PACKED_WEIGHT = 6         # rows per change a batch may average (an answer set counts as its answers)
BLOB_STREAMS = 4          # photos uploaded at once (docs/performance.md)

Progress = Callable[[str, int, int], None]


@dataclass
class SyncResult:
    pushed: int = 0
    pulled: int = 0
    applied: int = 0
    blobs_up: int = 0
    blobs_down: int = 0
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    refused: int = 0
    waiting: int = 0
    hub_id: str = ""
    token_expires_at: str = ""        # as the hub said at hello; see token_days_left
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["conflict_count"] = len(self.conflicts)
        return d


class Cancelled(QCityError):
    """The user stopped the sync; what was done so far is kept."""


def failure_reason(err: BaseException) -> str:
    """A failed run's reason as one word for the history (the Sync page translates it): the hub's
    code or the environment's kind where there is one."""
    from qcity_desktop.errors import EnvironmentProblem
    from qcity_desktop.sync.client import HubFull, HubUnreachable

    if isinstance(err, Cancelled):
        return "cancelled"
    if isinstance(err, HubFull):
        return "hub_full"
    if isinstance(err, HubUnreachable):
        return err.code or err.kind
    if isinstance(err, HubRefused):
        return err.code
    if isinstance(err, EnvironmentProblem):
        return f"device_{err.kind}" if err.kind else "device"
    return "error"


def build_changes(state: SyncState, entries: list[Any], device_id: str) -> tuple[list[dict[str, Any]], list[Any],
                                                                                    set[str]]:
    """The wire form of some outbox entries; also the entries sent and the blobs they need."""
    by_tbl: dict[str, list[str]] = {}
    for e in entries:
        by_tbl.setdefault(e.tbl, []).append(e.row_id)
    rows = {tbl: state.packed_wire(BY_NAME[tbl], ids) if BY_NAME[tbl].packs else state.rows(tbl, ids)
            for tbl, ids in by_tbl.items()}
    bases = state.bases([(e.tbl, e.row_id) for e in entries])
    scopes = set()
    for e in entries:
        spec = BY_NAME[e.tbl]
        row = rows[e.tbl].get(e.row_id)
        if spec.scope == spec.key:
            scopes.add(e.row_id)
        elif spec.scope and row is not None and row.get(spec.scope):
            scopes.add(str(row[spec.scope]))
    signed = state.signed(scopes)
    changes, sent = [], []
    for e in entries:
        spec = BY_NAME[e.tbl]
        row = rows[e.tbl].get(e.row_id)
        op = e.op
        if spec.packs and row is None:
            # The inspection is gone, so is its set: the hub is told only if it ever had the set.
            op = "delete" if (e.tbl, e.row_id) in bases else "upsert"
        if op == "upsert" and row is None:
            sent.append(e)          # deleted since, without tracking (a hub re-key): nothing to send
            changes.append(None)
            continue
        ch: dict[str, Any] = {"t": e.tbl, "id": wire_id(spec, row, device_id) if row else e.row_id, "op": op,
                              "hlc": e.hlc}
        if op == "upsert":
            ch["body"] = row
        base = bases.get((e.tbl, e.row_id))
        if base is not None:
            ch["base"] = base
        scope = e.row_id if spec.scope == spec.key else (row or {}).get(spec.scope) if spec.scope else None
        if scope in signed:
            ch["final"] = True
        changes.append(ch)
        sent.append(e)
    return changes, sent, _blobs_of(changes)


class _BlobUploader(threading.Thread):
    """Uploads queued blobs on their own connections while rows are pushed; rows wait only for their own blobs.

    Several photos go up at once (``streams``): the hub hashes, writes and flushes each one to
    disk before confirming it, and with one stream the link sat idle during every flush.
    """

    def __init__(self, db_path: str, client: HubClient, todo: list[tuple[str, int, str, int]], streams: int = 1) -> None:
        super().__init__(daemon=True, name="qcity-blob-upload")
        self.db_path = db_path
        self.client = client
        self.todo = todo
        self.streams = max(1, min(streams, len(todo) or 1))
        self.done: set[str] = set()
        self.done_bytes = 0                 # of the photos in ``done``: what the progress shows
        self.error: BaseException | None = None
        self.cond = threading.Condition()
        self.stop = threading.Event()
        self._next = iter(todo)
        self._next_lock = threading.Lock()

    def run(self) -> None:
        workers = [threading.Thread(target=self._work, daemon=True, name=f"qcity-blob-upload-{n}")
                   for n in range(self.streams)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        with self.cond:
            self.cond.notify_all()

    def _work(self) -> None:
        conn = sqlite3.connect(self.db_path, timeout=30)
        try:
            while not self.stop.is_set() and self.error is None:
                with self._next_lock:     # photos start in the order rows need them
                    item = next(self._next, None)
                if item is None:
                    return
                sha, size, mime, offset = item
                data = bytes(conn.execute("SELECT data FROM blobs WHERE sha256 = ?", (sha,)).fetchone()[0])
                self.client.put_blob(sha, data, mime, offset=offset)
                with self.cond:
                    self.done.add(sha)
                    self.done_bytes += max(0, size - offset)
                    self.cond.notify_all()
        except BaseException as err:  # noqa: BLE001 - handed to the pushing thread
            self.error = self.error or err
            self.stop.set()
        finally:
            conn.close()
            with self.cond:
                self.cond.notify_all()

    def wait_for(self, shas: set[str], cancel: threading.Event | None, tick: Callable[[], None] | None = None) -> None:
        """Until ``shas`` are on the hub; ``tick`` is called after every wake-up (to show photos going up)."""
        with self.cond:
            while not shas <= self.done:
                if self.error is not None:
                    raise self.error
                if not self.is_alive():
                    raise QCityError("photo upload stopped before all photos were sent; sync again")
                if cancel is not None and cancel.is_set():
                    raise Cancelled("sync cancelled")
                self.cond.wait(0.5)
                if tick is not None:
                    tick()


class _PushMeter:
    """How much of the push is done, in KiB: changes acknowledged plus photo bytes uploaded, out of both.

    Counted in changes alone, the bar stalled near its end for as long as the photos took (they are
    most of the bytes, and attachments are pushed only after their photos), which on a slow link
    looked like a stuck upload. A change counts as ``CHANGE_BYTES``, about its size on the wire.
    """

    CHANGE_BYTES = 4096

    def __init__(self, report: Progress, rows: int, uploader: _BlobUploader | None) -> None:
        self.report = report
        self.rows_total = rows
        self.rows_done = 0
        self.uploader = uploader
        self.photo_bytes = sum(max(0, t[1] - t[3]) for t in uploader.todo) if uploader is not None else 0
        self.photos = uploader is not None and bool(uploader.todo)

    def rows(self, done: int) -> None:
        self.rows_done = done
        self.show()

    def show(self) -> None:
        if not self.photos or self.uploader is None:
            self.report("push", min(self.rows_done, self.rows_total), self.rows_total)
            return
        done = min(self.rows_done, self.rows_total) * self.CHANGE_BYTES + self.uploader.done_bytes
        self.report("upload", done // 1024, (self.rows_total * self.CHANGE_BYTES + self.photo_bytes) // 1024)


class Syncer:
    def __init__(self, store: Store, client: HubClient, progress: Progress | None = None,
                 cancel: threading.Event | None = None) -> None:
        self.store = store
        self.state = SyncState(store)
        self.client = client
        self.progress = progress or (lambda phase, done, total: None)
        self.cancel = cancel
        self.result = SyncResult()
        self.device = store.device_id
        # Batch sizes can be lowered for slow links (and tests) without a new build.
        self.push_rows = _env_int("QCITY_SYNC_PUSH_ROWS", PUSH_ROWS)
        self.pull_page = _env_int("QCITY_SYNC_PULL_PAGE", PULL_PAGE)
        self.blob_streams = _env_int("QCITY_SYNC_BLOB_STREAMS", BLOB_STREAMS)

    def _check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled("sync cancelled; what was sent so far is kept")

    def run(self, full: bool = False) -> SyncResult:
        started = time.monotonic()
        run_id = self.state.start_run(self.client.url)
        error = reason = ""
        try:
            self.hello()
            self.push()
            self.pull(full)
            self.apply()
        except BaseException as err:
            error, reason = str(err) or type(err).__name__, failure_reason(err)
            raise
        finally:
            r = self.result
            r.seconds = round(time.monotonic() - started, 3)
            self.state.record_conflicts(r.conflicts)
            self.state.finish_run(run_id, r.pushed, r.pulled, r.blobs_up + r.blobs_down, len(r.conflicts), error,
                                  reason)
        return self.result

    # -- steps ---------------------------------------------------------------------------------------
    def hello(self) -> None:
        before = time.time()
        info = self.client.hello(self.device, device_code(self.store.conn, self.device))
        after = time.time()
        known = self.state.get(META_HUB_ID)
        if known and known != info["hub_id"]:
            raise HubRefused(f"this device syncs with hub {known[:8]}…, but {self.client.url} is hub "
                             f"{info['hub_id'][:8]}…; use the right address (or a fresh database for another hub)",
                             "other_hub", url=self.client.url)
        if int(info.get("protocol", 0)) != PROTOCOL_VERSION:
            raise HubRefused(f"{self.client.url} speaks sync protocol {info.get('protocol')}, this app speaks "
                             f"{PROTOCOL_VERSION}; update the hub and the app to the same release",
                             "protocol", hub=info.get("protocol"), app=PROTOCOL_VERSION)
        self.result.hub_id = info["hub_id"]
        offset = int(info["server_time_ms"] - (before + after) / 2 * 1000)
        with self.store.transaction():
            self.store.meta_set(META_HUB_ID, info["hub_id"])
            self.store.meta_set(META_HUB_URL, self.client.url)
            self.store.meta_set(META_TOKEN_EXPIRES, str(info.get("token_expires_at") or ""))
            if info.get("device_code") and self.store.meta_get(META_DEVICE_CODE) != info["device_code"]:
                self.store.meta_set(META_DEVICE_CODE, info["device_code"])
        self.state.set_clock_offset(offset if abs(offset) > 500 else 0)
        self.result.token_expires_at = str(info.get("token_expires_at") or "")

    def push(self) -> None:
        state = self.state
        upto = state.last_outbox_seq()
        total = state.pending()["rows"]
        queue = state.blob_queue()
        uploader = None
        if queue:
            missing = self.client.missing([q[0] for q in queue])
            present = [q[0] for q in queue if q[0] not in missing]
            if present:
                state.blob_sent(present)
            todo = [(sha, size, mime, missing[sha]) for sha, size, mime in queue if sha in missing]
            if todo:
                uploader = _BlobUploader(self.store.path, self.client, todo, self.blob_streams)
                uploader.start()
        meter = _PushMeter(self.progress, total, uploader)
        try:
            self._push_rows(upto, meter, uploader)
            if uploader is not None:
                uploader.wait_for({t[0] for t in uploader.todo}, self.cancel, meter.show)
                uploader.join()
                if uploader.error is not None:
                    raise uploader.error
        finally:
            if uploader is not None:
                uploader.stop.set()
                sent = sorted(uploader.done)
                if sent:
                    state.blob_sent(sent)
                self.result.blobs_up += len(sent)

    def _push_rows(self, upto: int, meter: _PushMeter, uploader: _BlobUploader | None) -> None:
        """Send batches in write order, preparing the next batch while the hub stores the previous one.

        One sending thread keeps the batches in order; acknowledgements are written here, on the
        thread that owns the database connection, only after the hub has answered.
        """
        after = 0
        done = 0
        meter.show()
        in_flight: tuple[Future[dict[str, Any]], list[Any], list[Any]] | None = None
        built: list[tuple[dict[str, Any] | None, Any]] = []   # built, not sent yet (in write order)
        exhausted = False
        budget = self.push_rows * PACKED_WEIGHT
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="qcity-push") as sender:
            try:
                while True:
                    self._check_cancel()
                    while not exhausted and len(built) < self.push_rows and sum(_rows_in(c) for c, _ in built) < budget:
                        entries = self.state.outbox(after, upto, self.push_rows)
                        if not entries:
                            exhausted = True
                            break
                        changes, sent, _blobs = build_changes(self.state, entries, self.device)
                        built += zip(changes, sent, strict=True)
                        after = entries[-1].seq
                    if not built:
                        break
                    # A batch is at most push_rows changes and about push_rows x PACKED_WEIGHT rows, an
                    # answer set counting as its answers, so one push stays a few megabytes.
                    take, weight = 0, 0
                    for ch, _entry in built:
                        w = _rows_in(ch)
                        if take and (take >= self.push_rows or weight + w > budget):
                            break
                        take, weight = take + 1, weight + w
                    batch, built = built[:take], built[take:]
                    changes = [b[0] for b in batch]
                    sent = [b[1] for b in batch]
                    if uploader is not None:
                        uploader.wait_for(_blobs_of(changes) & {t[0] for t in uploader.todo}, self.cancel, meter.show)
                    wire = [c for c in changes if c is not None]
                    future = sender.submit(self.client.push, self.device, wire) if wire else _done({"results": []})
                    if in_flight is not None:
                        done += self._settle(in_flight)
                        meter.rows(done)
                    in_flight = (future, changes, sent)
                if in_flight is not None:
                    done += self._settle(in_flight)
                    in_flight = None
                    meter.rows(done)
            finally:
                if in_flight is not None:   # an error above: still record what the hub did accept
                    try:
                        self._settle(in_flight)
                    except Exception:  # noqa: BLE001 - the first error is the one to report
                        pass

    def _settle(self, in_flight: tuple[Future[dict[str, Any]], list[Any], list[Any]]) -> int:
        future, changes, sent = in_flight
        reply = future.result()
        self._handle_results(changes, sent, reply["results"])
        return len(sent)

    def _handle_results(self, changes: list[dict[str, Any] | None], sent: list[Any],
                        results: list[dict[str, Any]]) -> None:
        acks: list[tuple[int, str, str, int | None]] = []
        it = iter(results)
        for ch, entry in zip(changes, sent, strict=True):
            if ch is None:
                acks.append((entry.seq, entry.tbl, entry.row_id, None))
                continue
            res = next(it)
            status = res["status"]
            if status in ("ok", "duplicate", "merged"):
                acks.append((entry.seq, entry.tbl, entry.row_id, res.get("version")))
                self.result.pushed += 1
            elif status == "rekeyed":
                acks.append((entry.seq, entry.tbl, entry.row_id, None))
                self.state.forget_local(entry.tbl, entry.row_id)
                self.result.pushed += 1
            else:
                acks.append((entry.seq, entry.tbl, entry.row_id, None))
                self.result.refused += 1
            if status in ("merged", "rekeyed", "refused") and (res.get("fields") or status != "merged"):
                self.result.conflicts.append({
                    "table": entry.tbl, "row_id": entry.row_id,
                    "kind": "refused" if status == "refused" else "rekeyed" if status == "rekeyed" else "lww",
                    "fields": res.get("fields", []),
                    "detail": res.get("reason") or _describe_merge(res)})
            elif res.get("fields"):
                self.result.conflicts.append({"table": entry.tbl, "row_id": entry.row_id, "kind": "lww",
                                              "fields": res["fields"], "detail": _describe_merge(res)})
        self.state.acknowledge(acks)

    def pull(self, full: bool = False) -> None:
        cursor = 0 if full else self.state.cursor()
        newest = ""
        while True:
            self._check_cancel()
            page = self.client.changes(self.device, cursor, self.pull_page, own=full)
            changes = page["changes"]
            self.state.stash(changes, int(page["next"]))
            self.result.pulled += len(changes)
            for c in changes:
                if c.get("hlc", "") > newest:
                    newest = c["hlc"]
            cursor = int(page["next"])
            self.progress("pull", cursor, int(page.get("hub_seq", cursor)) or cursor)
            if not page["more"]:
                break
        if newest:
            self.state.observe_hlc(newest)

    def apply(self) -> None:
        missing = self.state.missing_blobs()
        for n, sha in enumerate(missing, 1):
            self._check_cancel()
            data, mime = self.client.get_blob(sha)
            self.state.put_blob(data, mime)
            self.result.blobs_down += 1
            self.progress("download", n, len(missing))
        report = self.state.apply_inbox()
        self.result.applied = report.applied
        self.result.waiting = report.waiting
        self.result.conflicts.extend(report.conflicts)


def _rows_in(ch: dict[str, Any] | None) -> int:
    """Rows in one built change, an answer set counting as its answers."""
    if ch is None:
        return 0
    body = ch.get("body")
    return 1 + (len(body.get("rows") or ()) if body and BY_NAME[ch["t"]].packs else 0)


def _blobs_of(changes: list[dict[str, Any] | None]) -> set[str]:
    out = set()
    for ch in changes:
        if ch is None or not ch.get("body"):
            continue
        for col in BY_NAME[ch["t"]].blob_columns:
            if ch["body"].get(col):
                out.add(ch["body"][col])
    return out


def _done(value: dict[str, Any]) -> Future[dict[str, Any]]:
    future: Future[dict[str, Any]] = Future()
    future.set_result(value)
    return future


def _env_int(name: str, default: int) -> int:
    try:
        value = int(os.environ.get(name, default))
    except ValueError:
        return default
    return max(1, value)


def _describe_merge(res: dict[str, Any]) -> str:
    parts = []
    if res.get("fields"):
        parts.append("both sides changed " + ", ".join(res["fields"]) + " — the later change (by clock) was kept")
    if res.get("merged"):
        parts.append("merged: " + ", ".join(res["merged"]))
    if res.get("id"):
        parts.append(f"same key as hub row {res['id']}: merged into it")
    return "; ".join(parts) or str(res.get("status"))


def client_for(store: Store, hub_url: str, token: str, timeout: float = 60.0, ca_pem: str | None = None) -> HubClient:
    """A client for this device's hub, trusting the certificate it was given (trust.py) or the usual ones."""
    from qcity_desktop.sync.trust import context_for, verify_setting

    verify = context_for(ca_pem) if ca_pem else verify_setting(SyncState(store))
    return HubClient(hub_url, token, timeout=timeout, verify=verify)


def sync(store: Store, hub_url: str, token: str, progress: Progress | None = None,
         cancel: threading.Event | None = None, full: bool = False, ca_pem: str | None = None) -> SyncResult:
    """Run one sync against ``hub_url`` with ``token``; raises HubUnreachable when offline.

    ``ca_pem``: trust this certificate for the hub, and remember it once the sync has worked.
    """
    from qcity_desktop.sync.trust import META_HUB_CA

    with client_for(store, hub_url, token, ca_pem=ca_pem) as client:
        result = Syncer(store, client, progress, cancel).run(full)
    if ca_pem:
        SyncState(store).set(META_HUB_CA, ca_pem)
    return result
