"""``qcity bundle export|import``: carry a device's changes to the hub on a USB stick, and the hub's back (docs/sync.md)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from qcity_desktop.cli.context import change_number, open_from_args, output_file, wants_json
from qcity_desktop.cli.output import print_json
from qcity_desktop.errors import EnvironmentProblem, InputError


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("bundle", parents=[common], help="offline sync through a signed file (no network)")
    sub = p.add_subparsers(dest="bundle_command", metavar="ACTION", required=True)

    e = sub.add_parser("export", parents=[common], help="write this device's pending changes and photos to FILE")
    e.add_argument("file")
    e.add_argument("--token", default=None, help="your hub token (default: the one stored at the last sync)")
    e.add_argument("--hub", default=None, metavar="URL", help="hub whose stored token signs the file")
    e.set_defaults(handler=cmd_export)

    f = sub.add_parser("fetch", parents=[common],
                       help="download your hub bundle to FILE (at the office), for a laptop at a site without network")
    f.add_argument("file")
    f.add_argument("--hub", default=None, metavar="URL", help="the hub (default: the one this device syncs with)")
    f.add_argument("--token", default=None, help="your token (default: the one stored at the last sync)")
    f.add_argument("--since", type=int, default=0, metavar="N",
                   help="only the hub's changes after N (`qcity sync --status` on the site laptop shows it)")
    f.add_argument("--device", default=None, metavar="ID", help="leave out what that laptop sent itself")
    f.add_argument("--ca", metavar="FILE", default=None,
                   help="the hub's certificate (default: the one this device was given at `qcity sync --ca`)")
    f.set_defaults(handler=cmd_fetch)

    i = sub.add_parser("import", parents=[common],
                       help="import a device's bundle into the hub (--hub/--data), or a hub's bundle into this device")
    i.add_argument("file")
    i.add_argument("--hub", default=None, metavar="URL", help="send it to this running hub")
    i.add_argument("--token", default=None,
                   help="token for --hub (the bundle's owner or a supervisor); for a hub's bundle, your own token")
    i.add_argument("--data", default=None, metavar="DIR", help="or import straight into this hub data folder")
    i.add_argument("--database-url", default=None, metavar="URL", help="with --data: the hub's PostgreSQL database")
    i.add_argument("--ca", metavar="FILE", default=None, help="with --hub: the hub's certificate, if the bureau signs its own")
    i.set_defaults(handler=cmd_import)


def _token(args: argparse.Namespace, hub: str | None) -> str | None:
    from qcity_desktop.sync.credentials import load_token

    return args.token or os.environ.get("QCITY_HUB_TOKEN") or (load_token(hub) if hub else None)


def cmd_export(args: argparse.Namespace) -> int:
    from qcity_desktop.store.sync_state import META_HUB_URL, SyncState
    from qcity_desktop.sync.bundle import export_bundle

    store = open_from_args(args, create=False)
    hub = args.hub or SyncState(store).get(META_HUB_URL)
    token = _token(args, hub)
    if not token:
        raise InputError("signing a bundle needs your hub token: give --token (or sync once so it is stored)")
    target = output_file(args.file, "qcity-bundle.zip")
    info = export_bundle(store, target, token)
    if wants_json(args):
        print_json(info)
    else:
        print(f"已导出 {info['changes']} 条更改、{info['blobs']} 个文件到 {info['file']} / "
              f"exported {info['changes']} change(s) and {info['blobs']} file(s) to {info['file']}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    source = Path(args.file)
    if not source.is_file():
        raise InputError(f"no bundle file {source}")
    if args.hub and args.data:
        raise InputError("give either --hub URL (send to a running hub) or --data DIR (import into the hub's folder)")
    if not args.hub and not args.data:
        return _into_device(args, source)
    if args.data:
        from qcity_desktop.hub.service import Hub
        from qcity_desktop.sync.bundle import import_into_hub

        hub = Hub(Path(args.data), args.database_url)
        try:
            info = import_into_hub(hub, source)
        finally:
            hub.close()
    else:
        info = _send(args, source)
    if wants_json(args):
        print_json(info)
    else:
        counts = ", ".join(f"{k} {v}" for k, v in sorted(info["results"].items())) or "nothing"
        print(f"已导入 imported {info['changes']} change(s) from device {info['device_id'][:8]}… of {info['user']}: "
              f"{counts}; new photos {info['blobs_new']}")
        for c in info["conflicts"][:20]:
            print(f"  {c['status']}: {c['table']} {c['row_id']} — {c['detail']}")
    return 0


def cmd_fetch(args: argparse.Namespace) -> int:
    from qcity_desktop.store.sync_state import META_HUB_URL, SyncState
    from qcity_desktop.sync.credentials import normalise_url
    from qcity_desktop.sync.engine import client_for
    from qcity_desktop.sync.trust import read_ca_file

    target = output_file(args.file, "qcity-hub-bundle.zip")
    change_number(args.since)
    store = open_from_args(args)
    hub = args.hub or SyncState(store).get(META_HUB_URL)
    if not hub:
        raise InputError("no hub address: give --hub URL")
    hub = normalise_url(hub)
    token = _token(args, hub)
    if not token:
        raise InputError(f"no token for {hub}: give --token")
    params: dict[str, str | int] = {"since": args.since}
    if args.device:
        params["device"] = args.device
    ca_pem = read_ca_file(args.ca) if args.ca else None
    with client_for(store, hub, token, timeout=600, ca_pem=ca_pem) as client:
        size = client.download("/v1/bundles/mine", target, params)
    info = {"file": str(target), "bytes": size, "hub": hub}
    if wants_json(args):
        print_json(info)
    else:
        print(f"已下载离线包 {target}（{size} 字节）/ downloaded the hub bundle to {target}")
    return 0


def _into_device(args: argparse.Namespace, source: Path) -> int:
    """A hub's bundle applied to this device, as a pull would (a site without network)."""
    from qcity_desktop.store.sync_state import META_HUB_URL, SyncState
    from qcity_desktop.sync.bundle_pull import import_into_device

    store = open_from_args(args)
    token = _token(args, SyncState(store).get(META_HUB_URL))
    if not token:
        raise InputError("opening a hub's bundle needs your hub token: give --token (the one the bureau issued you)")
    info = import_into_device(store, source, token)
    if wants_json(args):
        print_json(info)
    else:
        print(f"已导入 {info['changes']} 条更改（应用 {info['applied']}，等待 {info['waiting']}）、"
              f"{info['blobs_new']} 个新文件 / imported {info['changes']} change(s) from the hub "
              f"(applied {info['applied']}, waiting {info['waiting']}), new files {info['blobs_new']}")
        for c in info["conflicts"][:20]:
            print(f"  {c.get('kind', '')}: {c.get('table', '')} {c.get('row_id', '')} — {c.get('detail', '')}")
    return 0


def _send(args: argparse.Namespace, source: Path) -> dict:
    from qcity_desktop.sync.client import HubClient
    from qcity_desktop.sync.credentials import normalise_url
    from qcity_desktop.sync.trust import context_for, read_ca_file

    hub = normalise_url(args.hub)
    token = _token(args, hub)
    if not token:
        raise InputError(f"no token for {hub}: give --token")
    verify = context_for(read_ca_file(args.ca)) if args.ca else None
    with HubClient(hub, token, timeout=600, verify=verify) as client:
        try:
            with open(source, "rb") as fh:
                # No automatic retry (the stream is consumed); importing again is harmless.
                resp = client.request("POST", "/v1/bundles", retries=0, content=fh,
                                      headers={"Content-Type": "application/octet-stream"})
        except OSError as err:
            raise EnvironmentProblem(f"cannot read {source}: {err.strerror or err}") from None
    return resp.json()
