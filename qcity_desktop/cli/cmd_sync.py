"""``qcity sync``: push this device's changes to the hub and pull what is new (docs/sync.md)."""

from __future__ import annotations

import argparse
import os
import sys
import time

from qcity_desktop.cli.context import open_from_args, wants_json
from qcity_desktop.cli.output import print_json, print_table
from qcity_desktop.errors import InputError


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("sync", parents=[common], help="sync with the bureau's hub (push, then pull)")
    p.add_argument("--hub", metavar="URL", default=None,
                   help="hub address, e.g. https://hub.example.gov.cn (remembered after the first sync)")
    p.add_argument("--token", default=None,
                   help="enrolment token from `qcity hub add-user` (stored in the OS keyring, asked only once)")
    p.add_argument("--ca", metavar="FILE", default=None,
                   help="the hub's certificate (PEM/DER) when the bureau signs its own; remembered after a sync works")
    p.add_argument("--full", action="store_true", help="pull everything again (after restoring a backup)")
    p.add_argument("--status", action="store_true", help="show pending changes, last sync and conflicts; no network")
    p.set_defaults(handler=cmd_sync)


def cmd_sync(args: argparse.Namespace) -> int:
    from qcity_desktop.store.sync_state import META_HUB_URL, SyncState

    store = open_from_args(args)
    state = SyncState(store)
    if args.status:
        return _status(args, state)
    from qcity_desktop.sync.credentials import load_token, normalise_url, save_token
    from qcity_desktop.sync.engine import sync

    hub = args.hub or state.get(META_HUB_URL)
    if not hub:
        raise InputError("no hub address yet: run `qcity sync --hub https://… --token …` once")
    hub = normalise_url(hub)
    token = args.token or os.environ.get("QCITY_HUB_TOKEN") or load_token(hub)
    if not token:
        raise InputError(f"no token for {hub}: run `qcity sync --hub {hub} --token …` with the token from the bureau")
    from qcity_desktop.sync.trust import read_ca_file

    ca_pem = read_ca_file(args.ca) if args.ca else None
    progress = None if wants_json(args) else _progress_line()
    try:
        result = sync(store, hub, token, progress=progress, ca_pem=ca_pem)
    finally:
        if progress is not None:
            progress.done()
    if args.token:
        save_token(hub, args.token)
    from qcity_desktop.sync.credentials import token_days_left

    days = token_days_left(result.token_expires_at)
    if wants_json(args):
        print_json({**result.as_dict(), "token_days_left": days})
        return 0
    print(f"已推送 {result.pushed} 条，已拉取 {result.pulled} 条，冲突 {len(result.conflicts)} 个 / "
          f"pushed {result.pushed}, pulled {result.pulled}, conflicts {len(result.conflicts)}"
          + (f", refused {result.refused}" if result.refused else "")
          + (f", photos up {result.blobs_up} down {result.blobs_down}" if result.blobs_up or result.blobs_down else ""))
    for c in result.conflicts[:20]:
        print(f"  {c['kind']}: {c['table']} {c['row_id']} — {c['detail']}")
    if result.waiting:
        print(f"  {result.waiting} pulled change(s) wait for rows not yet on this device (they apply at the next sync)")
    if days is not None:
        when = result.token_expires_at[:10]
        print(f"注意：中心服务器令牌将于 {when} 过期（还有 {days} 天），请尽快向局里申请新令牌 / note: your hub token "
              f"expires on {when} ({days} day(s) left): ask the bureau for a new one")
    return 0


class _ProgressLine:
    """One line on a terminal's stderr, redrawn at most five times a second: a first sync over a slow link
    takes minutes, and a silent terminal looks hung. Nothing is written where stderr is a file or a pipe.
    Old text is blanked with spaces (not an escape code a Windows console would print as is), counting
    Chinese characters as two columns."""

    LABELS = {"push": "上传更改 sending changes", "upload": "上传更改和照片 sending changes and photos",
              "pull": "下载更改 receiving changes",
              "download": "下载照片 receiving photos"}

    def __init__(self) -> None:
        self.last = 0.0
        self.width = 0

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.2 and done < total:
            return
        self.last = now
        share = f" ({done * 100 // total}%)" if total else ""
        figures = f"{done / 1024:.1f}/{total / 1024:.1f} MB" if phase == "upload" else f"{done}/{total}"   # KiB
        self._draw(f"{self.LABELS.get(phase, phase)} {figures}{share}")

    def _draw(self, text: str) -> None:
        width = _columns(text)
        sys.stderr.write("\r" + text + " " * max(0, self.width - width))
        sys.stderr.flush()
        self.width = width

    def done(self) -> None:
        if self.width:
            sys.stderr.write("\r" + " " * self.width + "\r")
            sys.stderr.flush()
            self.width = 0


def _columns(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _progress_line() -> _ProgressLine | None:
    return _ProgressLine() if sys.stderr.isatty() else None


def _status(args: argparse.Namespace, state) -> int:  # noqa: ANN001 - SyncState, imported lazily
    from qcity_desktop.store.sync_state import META_HUB_URL
    from qcity_desktop.sync.credentials import META_TOKEN_EXPIRES
    from qcity_desktop.sync.trust import META_HUB_CA, fingerprint

    pem = state.get(META_HUB_CA)
    info = {"hub": state.get(META_HUB_URL), "hub_certificate_sha256": fingerprint(pem) if pem else None,
            "token_expires_at": state.get(META_TOKEN_EXPIRES) or None,
            "pending": state.pending(), "last_success": state.last_success(),
            "cursor": state.cursor(), "device_id": state.store.device_id,
            "unseen_conflicts": state.conflicts(unseen_only=True), "runs": state.last_runs(5)}
    if wants_json(args):
        print_json(info)
        return 0
    pend = info["pending"]
    print(f"hub: {info['hub'] or '(not set)'}")
    if pem:
        print(f"中心服务器证书 hub certificate (SHA-256): {info['hub_certificate_sha256']}")
    if info["token_expires_at"]:
        print(f"令牌有效期至 token valid until: {info['token_expires_at'][:10]}")
    print(f"待同步 pending: {pend['changes']} change(s), {pend['blobs']} photo(s); waiting to apply: {pend['inbox']}")
    print(f"上次同步 last sync: {info['last_success'] or 'never'}")
    print(f"本机 device: {info['device_id']}; 已收到中心服务器更改至 hub changes seen up to: {info['cursor']}")
    if info["unseen_conflicts"]:
        print("冲突 conflicts:")
        print_table(info["unseen_conflicts"], ["at", "kind", "tbl", "row_id", "detail"])
    return 0
