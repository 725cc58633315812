"""``qcity hub serve|add-user|disable-user|enable-user|users|devices|release-device|bundle-export|backup``:
run the bureau's hub, manage its accounts and devices, carry its changes offline, back it up while it serves."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any, TypeVar

from qcity_desktop.cli.context import wants_json
from qcity_desktop.cli.output import print_json, print_table

T = TypeVar("T")


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    hub = subparsers.add_parser("hub", parents=[common], help="the bureau's sync hub (server side)")
    sub = hub.add_subparsers(dest="hub_command", metavar="ACTION", required=True)

    def data_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--data", required=True, metavar="DIR", help="hub data folder (SQLite database and photos)")
        p.add_argument("--database-url", metavar="URL", default=None,
                       help="PostgreSQL instead of SQLite, e.g. postgresql://qcity@db.example/qcity")

    s = sub.add_parser("serve", parents=[common], help="run the hub (HTTP API with OpenAPI at /docs)")
    data_options(s)
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    s.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 picks a free one)")
    s.add_argument("--certfile", default=None, help="TLS certificate (PEM) to serve HTTPS directly")
    s.add_argument("--keyfile", default=None, help="TLS private key (PEM)")
    s.add_argument("--log-level", default="warning", choices=["critical", "error", "warning", "info", "debug"])
    s.set_defaults(handler=cmd_serve)

    a = sub.add_parser("add-user", parents=[common], help="create an account and print its enrolment token once")
    a.add_argument("name")
    a.add_argument("--role", required=True, choices=["inspector", "supervisor"])
    a.add_argument("--days", type=float, default=365, help="token lifetime in days (default 365)")
    a.add_argument("--replace", action="store_true", help="issue a new token for an existing user (the old one stops)")
    data_options(a)
    a.set_defaults(handler=cmd_add_user)

    for verb, flag, text in (("disable-user", True, "stop an account's token (an inspector who left, a lost laptop)"),
                             ("enable-user", False, "allow a disabled account's token again")):
        d = sub.add_parser(verb, parents=[common], help=text)
        d.add_argument("name")
        data_options(d)
        d.set_defaults(handler=cmd_set_disabled, disabled=flag)

    v = sub.add_parser("devices", parents=[common], help="list enrolled devices, the longest silent first")
    data_options(v)
    v.set_defaults(handler=cmd_devices)

    r = sub.add_parser("release-device", parents=[common],
                       help="unbind a device from its inspector (a laptop handed over); its next sync enrolls it anew")
    r.add_argument("device_id", metavar="ID")
    data_options(r)
    r.set_defaults(handler=cmd_release_device)

    u = sub.add_parser("users", parents=[common], help="list accounts")
    data_options(u)
    u.set_defaults(handler=cmd_users)

    st = sub.add_parser("status", parents=[common],
                        help="is it serving, what it holds, tokens running out, silent devices, disk left")
    data_options(st)
    st.set_defaults(handler=cmd_status)

    b = sub.add_parser("bundle-export", parents=[common],
                       help="write what an inspector would pull (registry, templates, their inspections) to FILE, "
                            "signed, for a site without network")
    b.add_argument("file")
    b.add_argument("--user", required=True, help="the inspector the bundle is for (only their token opens it)")
    b.add_argument("--since", type=int, default=0, metavar="N",
                   help="only changes after the hub's change N (`qcity sync --status` on the device shows it)")
    b.add_argument("--device", default=None, metavar="ID", help="leave out what this device sent itself")
    data_options(b)
    b.set_defaults(handler=cmd_bundle_export)

    k = sub.add_parser("backup", parents=[common],
                       help="copy a SQLite hub's data folder to DEST while it keeps serving (restore: serve --data DEST)")
    k.add_argument("dest", metavar="DEST", help="a new (or empty) folder")
    k.add_argument("--verify", action="store_true", help="also check every photo against its hash")
    data_options(k)
    k.set_defaults(handler=cmd_backup)


def cmd_backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from qcity_desktop.hub.backup import backup_hub

    if args.database_url:
        from qcity_desktop.errors import InputError

        raise InputError("a PostgreSQL hub is backed up with pg_dump (and a copy of --data's blobs/ folder)")
    done = backup_hub(Path(args.data), Path(args.dest), verify=args.verify)
    if wants_json(args):
        print_json(done)
        return 0
    print(f"已备份到 {done['dest']}：{done['rows']} 行，{done['photos']} 张照片（{done['bytes'] / 1e6:.1f} MB；"
          f"硬链接 {done['linked']}，复制 {done['copied']}） / backed up {done['rows']} rows and {done['photos']} "
          f"photos to {done['dest']}; restore with `qcity hub serve --data {done['dest']}`")
    return 0


def _with_db(args: argparse.Namespace, work: Callable[[Any], T]) -> T:
    """``work(db)`` on the hub database of ``--data``/``--database-url``, closed afterwards."""
    from pathlib import Path

    from qcity_desktop.hub.db import HubDb

    db = HubDb(Path(args.data), args.database_url)
    try:
        return work(db)
    finally:
        db.close()


def cmd_serve(args: argparse.Namespace) -> int:
    from qcity_desktop.hub.server import serve

    return serve(args.data, args.host, args.port, args.database_url, args.certfile, args.keyfile, args.log_level)


def cmd_add_user(args: argparse.Namespace) -> int:
    from qcity_desktop.hub.accounts import add_user

    token = _with_db(args, lambda db: add_user(db, args.name, args.role, days=args.days, replace=args.replace))
    if wants_json(args):
        print_json({"user": args.name, "role": args.role, "token": token})
    else:
        print(f"用户 {args.name}（{args.role}）已创建 / user created. Enrolment token (shown only once):")
        print(token)
    return 0


def cmd_set_disabled(args: argparse.Namespace) -> int:
    from qcity_desktop.hub.accounts import Authenticator, set_disabled

    _with_db(args, lambda db: set_disabled(db, args.name, args.disabled))
    if wants_json(args):
        print_json({"user": args.name, "disabled": args.disabled})
    elif args.disabled:
        print(f"用户 {args.name} 已停用 / {args.name} disabled: a running hub refuses the token within "
              f"{Authenticator.TTL:g} s; `qcity hub enable-user {args.name}` allows it again")
    else:
        print(f"用户 {args.name} 已恢复 / {args.name} enabled again (the same token)")
    return 0


def _listing(args: argparse.Namespace, read: Callable[[Any], list[dict[str, object]]], columns: list[str]) -> int:
    """A hub list (users, devices) as JSON or as a table."""
    rows = _with_db(args, read)
    if wants_json(args):
        print_json(rows)
    else:
        print_table(rows, columns)
    return 0


def cmd_devices(args: argparse.Namespace) -> int:
    from qcity_desktop.hub.accounts import list_devices

    return _listing(args, list_devices, ["device_id", "user", "code", "first_seen", "last_seen"])


def cmd_release_device(args: argparse.Namespace) -> int:
    from qcity_desktop.hub.accounts import release_device

    was = _with_db(args, lambda db: release_device(db, args.device_id))
    if wants_json(args):
        print_json({"device_id": args.device_id, "released_from": was})
    else:
        print(f"设备 {args.device_id} 已从 {was} 名下解除 / released from {was}: its next sync enrolls it to whoever "
              "signs in there")
    return 0


def cmd_users(args: argparse.Namespace) -> int:
    from qcity_desktop.hub.accounts import list_users

    return _listing(args, list_users, ["name", "role", "created_at", "expires_at", "disabled"])


def cmd_status(args: argparse.Namespace) -> int:
    from pathlib import Path

    from qcity_desktop.hub.status import SILENT_DAYS, hub_status

    st = hub_status(Path(args.data), args.database_url)
    if wants_json(args):
        print_json(st)
        return 0
    serving = f"是，进程 {st['serving_pid']} / yes, process {st['serving_pid']}" if st["serving_pid"] else "否 / no"
    size = f"（{st['database_bytes'] / 1e6:.1f} MB）" if st["database_bytes"] is not None else ""
    print(f"正在服务 serving: {serving}")
    print(f"数据目录 data: {st['data']}    数据库 database: {st['database']}{size}")
    print(f"更改序号 change seq: {st['seq']}    照片 photos: {st['photos']}（{st['photo_bytes'] / 1e6:.1f} MB）    "
          f"冲突记录 conflicts: {st['conflicts']}")
    print("行数 rows: " + ("，".join(f"{t} {n}" for t, n in st["rows"].items()) or "0"))
    print(f"用户 users: {st['users']}" + (f"（停用 disabled: {', '.join(st['users_disabled'])}）" if st["users_disabled"] else ""))
    for u in st["tokens_expiring"]:
        print(f"  令牌即将过期 token expiring: {u['name']} {str(u['expires_at'])[:10]}")
    print(f"设备 devices: {st['devices']}，{SILENT_DAYS} 天以上未同步 silent for {SILENT_DAYS}+ days: {len(st['devices_silent'])}")
    for d in st["devices_silent"][:10]:
        print(f"  {d['device_id']} {d['user']} 最后同步 last seen {str(d['last_seen'])[:10]}")
    low = "  ← 空间不足 low" if st["disk_low"] else ""
    print(f"磁盘剩余 disk free: {st['disk_free_bytes'] / 1e9:.1f} GB{low}")
    return 0


def cmd_bundle_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from qcity_desktop.cli.context import change_number, output_file
    from qcity_desktop.hub.service import Hub
    from qcity_desktop.sync.bundle_pull import export_for_device

    target = output_file(args.file, "qcity-hub-bundle.zip")
    change_number(args.since)
    hub = Hub(Path(args.data), args.database_url)
    try:
        info = export_for_device(hub, args.user, target, since=args.since, device_id=args.device)
    finally:
        hub.close()
    if wants_json(args):
        print_json(info)
    else:
        print(f"已为 {info['user']} 导出 {info['changes']} 条更改、{info['blobs']} 个文件到 {info['file']} / "
              f"exported {info['changes']} change(s) and {info['blobs']} file(s) for {info['user']} "
              f"(hub changes {info['since']}–{info['next']})")
    return 0
