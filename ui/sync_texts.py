"""The Sync page's words, in Chinese and English, and a conflict told in them.

The page follows the app's language (Settings) at once; the texts live here so the page itself
is only the widget and its work.
"""

from __future__ import annotations

from typing import Any

# (中文, English): Chinese first, English when the user chose it.
TEXTS: dict[str, tuple[str, str]] = {
    "title": ("同步", "Sync"),
    "hub": ("中心服务器地址", "Hub address"),
    "token": ("令牌", "Token"),
    "token_stored": ("已保存（留空则沿用）", "stored (leave empty to keep)"),
    "certificate": ("中心服务器证书", "Hub certificate"),
    "cert_choose": ("选择证书…", "Choose certificate…"),
    "cert_clear": ("清除", "Clear"),
    "cert_own": ("局里的证书（SHA-256 {short}）", "The bureau's certificate (SHA-256 {short})"),
    "cert_system": ("系统默认（公共证书机构）", "System default (public certificate authorities)"),
    "cert_title": ("选择中心服务器证书", "Choose the hub's certificate"),
    "cert_files": ("证书文件 (*.pem *.crt *.cer);;所有文件 (*)", "Certificate files (*.pem *.crt *.cer);;All files (*)"),
    "cert_bad": ("所选文件里没有证书：请选局里发的中心服务器证书文件（.pem、.crt 或 .cer）",
                 "That file holds no certificate: choose the hub certificate file from the bureau (.pem, .crt or .cer)"),
    "refused_certificate": ("中心服务器的证书不受本机信任（可能是局里自签的证书，或地址与证书不符）：请向局里索取中心服务器的证书文件，"
                            "点“选择证书…”选中后再同步",
                            "This computer does not trust the hub's certificate (the bureau's own, or the address does "
                            "not match it): get the hub's certificate file from the bureau, pick it with "
                            "\u201cChoose certificate…\u201d and sync again"),
    "token_missing": ("粘贴局里发的注册令牌", "paste the enrolment token from the bureau"),
    "last": ("上次同步", "Last sync"),
    "never": ("从未同步", "never"),
    "pending": ("待同步", "Waiting to sync"),
    "pending_fmt": ("{changes} 项更改，{blobs} 张照片", "{changes} change(s), {blobs} photo(s)"),
    "waiting_fmt": ("；{inbox} 项已下载、待应用", "; {inbox} downloaded, waiting to apply"),
    "state": ("状态", "State"),
    "sync_now": ("立即同步", "Sync now"),
    "cancel": ("取消", "Cancel"),
    "mark_read": ("标记为已读", "Mark as read"),
    "history": ("同步记录", "Sync history"),
    "run_at": ("时间", "Time"), "run_via": ("方式", "Via"), "run_result": ("结果", "Result"),
    "run_pushed": ("上传", "Sent"), "run_pulled": ("下载", "Received"), "run_photos": ("照片", "Photos"),
    "run_conflicts": ("冲突", "Conflicts"),
    "via_network": ("网络", "network"), "via_bundle": ("离线包", "bundle"),
    "run_ok": ("成功", "Done"), "run_running": ("进行中（或被中断）", "Running (or interrupted)"),
    "why_offline": ("离线：连不上中心服务器", "Offline: the hub could not be reached"),
    "why_hub_unavailable": ("中心服务器暂时无法处理", "The hub could not take it just then"),
    "why_hub_db_unavailable": ("中心服务器的数据库不可用", "The hub's database was down"),
    "why_hub_db_taken": ("另一台中心服务器占用了数据库", "Another hub had taken the database"),
    "why_hub_full": ("中心服务器磁盘已满", "The hub's disk was full"),
    "why_certificate": ("中心服务器证书不受信任", "The hub's certificate was not trusted"),
    "why_token": ("令牌无效", "The token was refused"),
    "why_token_expired": ("令牌已过期", "The token had expired"),
    "why_device_taken": ("本机登记在另一位检验员名下", "This computer belongs to another inspector"),
    "why_forbidden": ("账号无权操作", "Not allowed for this account"),
    "why_other_hub": ("不是本机的中心服务器", "Not this computer's hub"),
    "why_protocol": ("同步协议版本不同", "Different sync protocol versions"),
    "why_cancelled": ("已取消", "Cancelled"),
    "why_device_disk_full": ("本机磁盘已满", "This computer's disk was full"),
    "why_device_locked": ("本机数据库被占用", "The local database was in use"),
    "why_error": ("失败（详见提示）", "Failed (see the tooltip)"),
    "conflicts": ("冲突与拒绝", "Conflicts and refusals"),
    "col_at": ("时间", "Time"), "col_kind": ("类型", "Kind"), "col_table": ("数据", "Data"),
    "col_row": ("编号", "Row"), "col_detail": ("说明", "What happened"),
    "idle": ("就绪", "Ready"),
    "no_hub": ("尚未设置中心服务器地址", "No hub address yet"),
    "bad_hub": ("中心服务器地址应以 http:// 或 https:// 开头，例如 https://hub.example.gov.cn（向局里确认）",
                "The hub address must start with http:// or https://, e.g. https://hub.example.gov.cn (ask the bureau)"),
    "checking": ("正在连接中心服务器…", "Contacting the hub…"),
    "push": ("正在上传更改…", "Sending changes…"),
    "upload": ("正在上传更改和照片…", "Sending changes and photos…"),
    "pull": ("正在下载更改…", "Receiving changes…"),
    "download": ("正在下载照片…", "Downloading photos…"),
    "token_expiring": ("；注意：令牌将于 {date} 过期（还有 {days} 天），请尽快向局里申请新令牌",
                       "; note: the token expires on {date} ({days} day(s) left) — ask the bureau for a new one"),
    "done_fmt": ("同步完成：上传 {pushed}，下载 {pulled}，冲突 {conflicts}",
                 "Synced: sent {pushed}, received {pulled}, conflicts {conflicts}"),
    "offline": ("离线：中心服务器暂时无法连接，更改保存在本机，联网后自动同步",
                "Offline: the hub cannot be reached; changes stay on this device and sync when it answers"),
    "hub_unavailable": ("中心服务器暂时无法处理同步（服务器或其数据库可能正在重启）：网络正常，更改保存在本机，稍后自动重试",
                        "The hub cannot take a sync just now (it or its database may be restarting); the network "
                        "is fine, changes stay on this device and the sync is retried automatically"),
    "hub_db_taken": ("中心服务器已暂停存储：另一台中心服务器占用了它的数据库。更改保存在本机；请联系局里的管理员停掉其中一台",
                     "The hub has stopped storing: another hub took over its database. Changes stay on this "
                     "device; ask the bureau's administrator to stop one of the two hubs"),
    "error_fmt": ("同步失败：{0}", "Sync failed: {0}"),
    "hub_full": ("同步暂停：中心服务器磁盘已满，未上传的更改仍保存在本机；请联系管理员清理中心服务器空间后再同步",
                 "Sync paused: the hub's disk is full; changes not yet sent stay on this device — ask the "
                 "administrator to free space on the hub, then sync again"),
    "refused_token": ("中心服务器不认这个令牌（令牌有误、已停用或不是这个中心服务器发的）：请向局里索取新的注册令牌，粘贴到“令牌”栏后再同步",
                      "The hub does not accept this token (wrong, disabled or from another hub): ask the bureau for "
                      "a new enrolment token, paste it under Token and sync again"),
    "refused_token_expired": ("令牌已于 {date} 过期：请向局里索取新的注册令牌，粘贴到“令牌”栏后再同步；未上传的更改仍保存在本机",
                              "The token expired on {date}: ask the bureau for a new enrolment token, paste it under "
                              "Token and sync again; changes not yet sent stay on this device"),
    "refused_device_taken": ("这台电脑已登记在另一位检验员名下：请用本人的令牌同步；如需换人使用，请联系局里",
                             "This computer is enrolled by another inspector: sync with their token, or ask the bureau "
                             "to hand it over"),
    "refused_forbidden": ("中心服务器不允许这个账号做这项操作", "The hub does not allow this account to do that"),
    "refused_other_hub": ("本机一直与另一个中心服务器同步，而 {url} 是另一个中心服务器：请核对地址（换中心服务器需使用新的数据库）",
                          "This device syncs with another hub than {url}: check the address (another hub needs a "
                          "fresh database)"),
    "refused_protocol": ("中心服务器与本软件的同步协议版本不同（中心服务器 {hub}，本机 {app}）：请把两者升级到同一版本",
                         "The hub speaks sync protocol {hub}, this app {app}: update both to the same release"),
    "refused_photo_hash": ("从中心服务器下载的照片 {sha}… 与其校验值不符，已丢弃；下次同步会重新下载",
                           "A photo from the hub ({sha}…) did not match its hash and was dropped; the next sync "
                           "downloads it again"),
    "refused_status": ("中心服务器拒绝了请求（HTTP {status}）：{detail}", "The hub refused the request (HTTP {status}): {detail}"),
    "device_disk_full": ("同步暂停：本机磁盘已满，已完成的部分已保存；请释放磁盘空间后再同步",
                         "Sync paused: this computer's disk is full; what was done is kept — free some space and "
                         "sync again"),
    "device_locked": ("本机数据库正被其他程序占用（另一个 QCity 窗口、备份或同步软件）：关闭它后再同步",
                      "The database is in use by another program (another QCity window, a backup or sync tool): "
                      "close it and sync again"),
    "device_read_only": ("本机数据库是只读的：请检查文件权限后再同步",
                         "The database is read-only: check the file's permissions, then sync again"),
    "cancelled": ("已取消；已发送的部分已保存", "Cancelled; what was sent is kept"),
    "kind_lww": ("后写入者生效", "later change kept"), "kind_refused": ("被拒绝", "refused"),
    "table_subjects": ("检验对象", "subject"), "table_templates": ("检验模板", "template"),
    "table_inspections": ("检验记录", "inspection"), "table_answers": ("检验项目", "answer"),
    "table_answer_sets": ("检验项目", "answers"),
    "table_measurements": ("测量数据", "measurement"), "table_attachments": ("照片", "photo"),
    "table_signatures": ("签名", "signature"), "table_findings": ("问题", "finding"),
    "table_issued_numbers": ("编号", "number"),
    "lww_fmt": ("双方都修改了{fields}，已保留时间较晚的修改", "both sides changed {fields}; the later change was kept"),
    "item_fmt": ("第 {item} 项", "item {item}"), "item_col_fmt": ("第 {item} 项的{col}", "{col} of item {item}"),
    "answer_result": ("结果", "result"), "answer_note": ("备注", "note"), "answer_value": ("数值", "value"),
    "answer_deduction": ("扣分", "deduction"), "answer_clauses": ("扣分条款", "deduction clauses"),
    "field_sep": ("、", ", "),
    "kind_rekeyed": ("已合并", "merged"), "kind_apply": ("未应用", "not applied"), "kind_merged": ("已合并", "merged"),
    "export_bundle": ("导出离线包…", "Export bundle…"),
    "import_bundle": ("导入离线包…", "Import bundle…"),
    "bundle_files": ("离线包 (*.zip)", "Bundles (*.zip)"),
    "export_title": ("导出离线包（带到局里导入中心服务器）", "Export a bundle (to import into the hub at the office)"),
    "import_title": ("导入中心服务器离线包", "Import a bundle from the hub"),
    "exported_fmt": ("已导出 {changes} 项更改、{blobs} 个文件到 {file}", "Exported {changes} change(s) and {blobs} file(s) to {file}"),
    "imported_fmt": ("已导入中心服务器离线包：{changes} 项更改，已应用 {applied}，新文件 {blobs}",
                     "Imported the hub's bundle: {changes} change(s), {applied} applied, {blobs} new file(s)"),
    "bundle_busy": ("正在处理离线包…", "Working on the bundle…"),
    "bundle_invalid": ("这不是有效的 QCity 离线包", "This is not a valid QCity bundle"),
    "bundle_altered": ("离线包在传递途中被改动过，已拒绝导入", "The bundle was changed on the way; not imported"),
    "bundle_token": ("这个离线包不是为您的令牌制作的（属于其他检验员，或文件被改动）",
                     "This bundle was not made for your token (another inspector's, or the file was changed)"),
    "bundle_hub": ("这个离线包来自另一个中心服务器", "This bundle comes from another hub"),
    "bundle_device": ("这个离线包是为另一台设备制作的", "This bundle was made for another device"),
    "bundle_gap": ("离线包缺少本机尚未收到的更改：请在局里用 --since {cursor} 重新导出",
                   "The bundle misses changes this device has not received: export it again with --since {cursor}"),
    "bundle_kind": ("这是本机导出给中心服务器的离线包，应在局里导入中心服务器",
                    "This is a device's bundle for the hub: import it into the hub at the office"),
}


def lang_index() -> int:
    try:
        from ui.i18n import current_language

        return 1 if current_language() == "en" else 0
    except ImportError:  # pragma: no cover - the shell always has it
        return 0


def t(key: str, *args: Any, **kw: Any) -> str:
    text = TEXTS[key][lang_index()]
    return text.format(*args, **kw) if (args or kw) else text


def describe_conflict(c: dict[str, Any]) -> str:
    """A conflict in the page's language: a clash on named fields is worded here (an answer set's
    ``items.<item>.<column>`` as "第 <item> 项的结果"); anything else keeps the engine's detail."""
    if c["kind"] != "lww" or not c.get("fields"):
        return c["detail"]
    names = []
    for field in c["fields"]:
        if field.startswith("items."):
            item, _, col = field[len("items."):].rpartition(".")
            if f"answer_{col}" in TEXTS and item:
                names.append(t("item_col_fmt", item=item, col=t(f"answer_{col}")))
            else:
                names.append(t("item_fmt", item=field[len("items."):]))
        else:
            names.append(field)
    return t("lww_fmt", fields=t("field_sep").join(dict.fromkeys(names)))


def local_time(iso: str) -> str:
    """A stored UTC time as the user's local "YYYY-MM-DD HH:MM" (unparseable text shown as is)."""
    from datetime import datetime

    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")
