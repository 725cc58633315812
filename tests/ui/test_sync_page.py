"""The Sync page against a real hub process: sync on demand, offline shown calmly, automatic sync,
conflicts listed, a refused token shown as an error."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from qcity_desktop.demo import seed_demo
from qcity_desktop.store import open_store
from qcity_desktop.store.sync_state import SyncState
from qcity_desktop.sync.client import HubClient
from qcity_desktop.sync.credentials import save_token
from qcity_desktop.sync.engine import sync
from tests.test_sync_support import (
    HubProcess,
    device_rows,
    fill_disk,
    free_port,
    mounted_small_disk,
    pg_cluster,
    same_rows,
    self_signed_cert,
)
from ui.settings import Settings
from ui.sync_page import SyncPage


@pytest.fixture
def hub(tmp_path: Path):
    proc = HubProcess(tmp_path / "hub").start()
    yield proc
    proc.stop()


def _page(qtbot, db: Path, hub_url: str) -> SyncPage:
    page = SyncPage(str(db), Settings(hub_url=hub_url))
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.pending_text() != "", timeout=10_000)
    return page


def test_sync_now_sends_everything_and_shows_the_result(qtbot, demo_db: Path, hub: HubProcess) -> None:
    token = hub.add_user("ann", "inspector")
    page = _page(qtbot, demo_db, hub.url)
    assert "从未同步" in page.last_label.text()
    assert not page.pending_text().startswith("0 ")
    page.token_edit.setText(token)
    qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.state in ("ok", "error", "offline"), timeout=60_000)
    assert page.state == "ok", page.state_label.text()
    assert page.last_result["pushed"] > 1000
    assert "同步完成" in page.state_label.text()
    assert page.progress.value() == page.progress.maximum()
    qtbot.waitUntil(lambda: page.pending_text().startswith("0 项更改"), timeout=10_000)
    assert "从未同步" not in page.last_label.text()
    assert page.token_edit.text() == "" and "已保存" in page.token_edit.placeholderText()   # kept in the keyring/file
    store = open_store(demo_db)
    assert len([k for k in hub.rows() if k[0] == "subjects"]) == store.subjects.count()


def test_an_unreachable_hub_is_offline_not_an_error_and_nothing_is_lost(qtbot, demo_db: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    save_token(url, "qct_whatever")
    page = _page(qtbot, demo_db, url)
    before = page.pending_text()
    page.sync_now()
    qtbot.waitUntil(lambda: page.state in ("ok", "error", "offline"), timeout=30_000)
    assert page.state == "offline"
    assert "离线" in page.state_label.text() and "b00020" not in page.state_label.styleSheet()
    assert page.sync_button.isEnabled()
    qtbot.waitUntil(lambda: page.pending_text() == before, timeout=10_000)


@pytest.mark.postgres
def test_a_hub_whose_database_is_down_is_told_apart_from_being_offline(qtbot, demo_db: Path, tmp_path: Path) -> None:
    """The network is fine and the hub answers, but its PostgreSQL server is restarting: "离线" would send
    the inspector looking for a network fault. Grey (tried again by the timer), in Chinese, changes kept."""
    cluster = pg_cluster()
    hub = HubProcess(tmp_path / "pghub", cluster.new_database()).start()
    try:
        save_token(hub.url, hub.add_user("ann", "inspector"))
        page = _page(qtbot, demo_db, hub.url)
        before = page.pending_text()
        cluster.stop_server()
        try:
            page.sync_now()
            qtbot.waitUntil(lambda: page.state in ("ok", "error", "offline"), timeout=60_000)
            text = page.state_label.text()
            assert page.state == "offline" and "b00020" not in page.state_label.styleSheet()
            assert "中心服务器暂时无法处理同步" in text and "网络正常" in text and "离线" not in text, text
            assert not re.search(r"[A-Za-z]{4,}", text), text
            qtbot.waitUntil(lambda: page.pending_text() == before, timeout=10_000)
        finally:
            cluster.start_server()
        page.sync_now()                                     # the server is back: the same hub takes the sync
        qtbot.waitUntil(lambda: page.state in ("ok", "error", "offline"), timeout=60_000)
        assert page.state == "ok", page.state_label.text()
    finally:
        hub.stop()


def test_a_hub_taken_over_by_another_is_worded_for_the_administrator() -> None:
    from qcity_desktop.sync.client import HubUnreachable
    from ui.sync_page import _worded

    text = _worded(HubUnreachable("hub x is not reachable (HTTP 503)", 503, "hub_db_taken"))
    assert "另一台中心服务器" in text and "管理员" in text and not re.search(r"[A-Za-z]{4,}", text)
    assert "离线" in _worded(HubUnreachable("hub x is not reachable (connection refused)"))


def test_the_bureaus_own_certificate_is_chosen_on_the_page_and_then_the_sync_works(
        qtbot, demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An intranet hub with a self-signed certificate: the page names the certificate (not "offline"),
    a file that is no certificate is refused in Chinese, the right one is kept (shown by fingerprint)
    and the sync goes through; 清除 goes back to the system's authorities."""
    cert, key = self_signed_cert(tmp_path)
    monkeypatch.setenv("QCITY_HUB_CA", str(cert))           # this test's readiness probe only
    hub = HubProcess(tmp_path / "tlshub")
    hub.extra = ["--certfile", str(cert), "--keyfile", str(key)]
    hub.start()
    monkeypatch.delenv("QCITY_HUB_CA")                      # the page has only what the user gives it
    try:
        save_token(hub.url, hub.add_user("ann", "inspector"))
        page = _page(qtbot, demo_db, hub.url)
        assert "系统默认" in page.cert_row.label.text() and not page.cert_row.clear_button.isEnabled()
        text = _refused(qtbot, page, "")
        assert "证书不受本机信任" in text and "选择证书" in text, text

        notes = tmp_path / "notes.txt"
        notes.write_text("会议纪要", encoding="utf-8")
        assert not page.cert_row.use_file(str(notes))
        assert page.state == "error" and "没有证书" in page.state_label.text()

        assert page.cert_row.use_file(str(cert))
        qtbot.waitUntil(lambda: "局里的证书" in page.cert_row.label.text(), timeout=10_000)
        assert page.cert_row.label.toolTip().startswith("SHA-256 ") and page.cert_row.clear_button.isEnabled()
        page.sync_now()
        qtbot.waitUntil(lambda: page.state in ("ok", "error", "offline"), timeout=60_000)
        assert page.state == "ok", page.state_label.text()

        qtbot.mouseClick(page.cert_row.clear_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "系统默认" in page.cert_row.label.text(), timeout=10_000)
        page.sync_now()
        qtbot.waitUntil(lambda: page.state in ("ok", "error", "offline"), timeout=60_000)
        assert page.state == "error" and "证书" in page.state_label.text()
    finally:
        hub.stop()


def test_a_status_reading_that_finishes_late_never_overwrites_a_newer_one(qtbot, demo_db: Path) -> None:
    from ui.sync_page import _read_status

    page = _page(qtbot, demo_db, "")
    reading = _read_status(str(demo_db))
    fingerprint = ":".join(["AB"] * 32)
    page._show_status({**reading, "seq": page._status_seq + 2, "certificate": fingerprint})
    page._show_status({**reading, "seq": page._status_seq + 1, "certificate": None})   # started earlier
    assert "局里的证书" in page.cert_row.label.text() and page.cert_row.clear_button.isEnabled()


def test_an_address_without_http_is_explained_before_anything_is_tried(qtbot, demo_db: Path) -> None:
    page = _page(qtbot, demo_db, "hub.example.gov.cn:8765")
    before = page.pending_text()
    assert page.sync_now() is False
    assert page.state == "error" and "http:// 或 https://" in page.state_label.text()
    assert page.sync_button.isEnabled() and page.pending_text() == before


def test_a_token_about_to_expire_is_announced_in_orange_after_the_sync(qtbot, demo_db: Path, hub: HubProcess) -> None:
    save_token(hub.url, hub.add_user("ann", "inspector", days=3.5))
    page = _page(qtbot, demo_db, hub.url)
    page.sync_now()
    qtbot.waitUntil(lambda: page.state in ("ok", "warn", "error", "offline"), timeout=60_000)
    text = page.state_label.text()
    assert page.state == "warn" and "同步完成" in text and "令牌将于" in text and "还有 3 天" in text, text
    assert "a35200" in page.state_label.styleSheet() and page.last_result["pushed"] > 0


def test_the_history_tab_lists_each_run_newest_first_with_why_it_failed(qtbot, demo_db: Path, hub: HubProcess) -> None:
    """"It said it synced": when, how, what went up and down, and why a run failed, in Chinese."""
    dead = f"http://127.0.0.1:{free_port()}"
    save_token(dead, "qct_whatever")
    save_token(hub.url, hub.add_user("ann", "inspector"))
    page = _page(qtbot, demo_db, dead)
    page.sync_now()
    qtbot.waitUntil(lambda: page.state == "offline", timeout=30_000)
    page.hub_edit.setText(hub.url)
    page.sync_now()
    qtbot.waitUntil(lambda: page.state in ("ok", "error", "offline") and not page._busy, timeout=60_000)
    assert page.state == "ok", page.state_label.text()
    table = page.history
    qtbot.waitUntil(lambda: table.rowCount() == 2, timeout=10_000)
    cells = [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(2)]
    assert cells[0][1:3] == ["网络", "成功"] and int(cells[0][3]) == page.last_result["pushed"] > 0
    assert cells[1][1:3] == ["网络", "离线：连不上中心服务器"] and cells[1][3] == "0"
    assert "not reachable" in table.item(1, 2).toolTip()          # the core's line, for the bureau's IT
    assert page.tabs.tabText(1) == "同步记录"


def test_it_syncs_by_itself_when_the_hub_answers(qtbot, demo_db: Path, hub: HubProcess) -> None:
    save_token(hub.url, hub.add_user("ann", "inspector"))
    page = _page(qtbot, demo_db, hub.url)
    with qtbot.waitSignal(page.bridge.finished, timeout=60_000) as first:
        page.auto_timer.setInterval(100)
    # Checked as the first sync ends: 100 ms later the timer may already be starting the next one.
    state = page.state
    page.auto_timer.stop()
    assert first.args[0]["pushed"] > 0 and state == "ok"


def _refused(qtbot, page: SyncPage, token: str) -> str:
    before = page.pending_text()
    page.token_edit.setText(token)
    page.sync_now()
    qtbot.waitUntil(lambda: page.state in ("ok", "error", "offline"), timeout=30_000)
    assert page.state == "error" and "b00020" in page.state_label.styleSheet()
    assert page.pending_text() == before                       # nothing marked as sent
    text = page.state_label.text()
    assert not re.search(r"[A-Za-z]{4,}", text.replace("HTTP", "")), text   # worded in Chinese, no core English
    return text


def test_a_refused_token_is_an_error_told_in_chinese(qtbot, demo_db: Path, hub: HubProcess) -> None:
    page = _page(qtbot, demo_db, hub.url)
    assert "不认这个令牌" in _refused(qtbot, page, "qct_not-issued-by-this-hub")


def test_an_expired_token_names_its_date(qtbot, demo_db: Path, hub: HubProcess) -> None:
    old = hub.add_user("old", "inspector", days=-2)
    page = _page(qtbot, demo_db, hub.url)
    text = _refused(qtbot, page, old)
    assert "过期" in text and re.search(r"已于 \d{4}-\d{2}-\d{2} 过期", text)


def test_another_inspectors_computer_is_refused_in_chinese(qtbot, demo_db: Path, hub: HubProcess) -> None:
    ann, bob = hub.add_user("ann", "inspector"), hub.add_user("bob", "inspector")
    store = open_store(demo_db)
    device = store.device_id
    store.close()
    with HubClient(hub.url, ann) as client:     # ann enrolled this laptop first
        client.hello(device, "A1")
    page = _page(qtbot, demo_db, hub.url)
    assert "另一位检验员" in _refused(qtbot, page, bob)


def test_this_computers_disk_filling_during_a_sync_is_told_in_chinese_and_the_next_sync_finishes(
        qtbot, tmp_path: Path, hub: HubProcess, monkeypatch) -> None:
    sue, ann = hub.add_user("sue", "supervisor"), hub.add_user("ann", "inspector")
    office = open_store(tmp_path / "office.db")
    seed_demo(office)
    for n in range(40):                                   # a registry worth several pages
        office.subjects.add("elevator", {"name": f"新登记电梯{n}号", "address": "温泉路" * 40})
    sync(office, hub.url, sue)
    with mounted_small_disk(tmp_path) as disk:
        laptop_db = disk / "laptop.db"
        open_store(laptop_db).close()
        save_token(hub.url, ann)
        monkeypatch.setenv("QCITY_SYNC_PULL_PAGE", "50")
        filler = fill_disk(disk, 256 * 1024)
        page = _page(qtbot, laptop_db, hub.url)
        page.sync_now()
        qtbot.waitUntil(lambda: page.state in ("ok", "error", "offline"), timeout=60_000)
        assert page.state == "error" and "本机磁盘已满" in page.state_label.text(), page.state_label.text()
        assert "disk" not in page.state_label.text()

        filler.unlink()
        page.sync_now()
        qtbot.waitUntil(lambda: page.state in ("ok", "error", "offline"), timeout=60_000)
        assert page.state == "ok", page.state_label.text()
        ids = "SELECT id, name FROM subjects ORDER BY id"
        laptop = open_store(laptop_db)
        assert laptop.query(ids) == office.query(ids)
        laptop.close()


def test_a_full_hub_disk_pauses_the_sync_with_a_chinese_line_and_keeps_the_changes(qtbot, demo_db: Path,
                                                                                    tmp_path: Path) -> None:
    with mounted_small_disk(tmp_path) as disk:
        hub = HubProcess(disk / "hub").start()
        try:
            save_token(hub.url, hub.add_user("ann", "inspector"))
            page = _page(qtbot, demo_db, hub.url)
            filler = fill_disk(disk, 256 * 1024)
            page.sync_now()
            qtbot.waitUntil(lambda: page.state in ("ok", "error", "offline"), timeout=60_000)
            assert page.state == "error"
            assert "中心服务器磁盘已满" in page.state_label.text() and "保存在本机" in page.state_label.text()
            assert "Traceback" not in page.state_label.text() and page.sync_button.isEnabled()
            qtbot.wait(500)
            assert not page.pending_text().startswith("0 ")          # what did not fit waits on the device
            filler.unlink()
            page.sync_now()
            qtbot.waitUntil(lambda: page.state in ("ok", "error", "offline"), timeout=60_000)
            assert page.state == "ok", page.state_label.text()
            qtbot.waitUntil(lambda: page.pending_text().startswith("0 项更改"), timeout=10_000)
            assert same_rows(device_rows(open_store(demo_db)), hub.rows()) == []
        finally:
            hub.stop()


def test_conflicts_are_listed_until_marked_read(qtbot, demo_db: Path) -> None:
    store = open_store(demo_db)
    sid = store.conn.execute("SELECT id FROM subjects LIMIT 1").fetchone()[0]
    SyncState(store).record_conflicts([{"table": "subjects", "row_id": sid, "kind": "lww", "fields": ["name"],
                                        "detail": "both sides changed name — the later change was kept"}])
    store.close()
    page = _page(qtbot, demo_db, "")
    qtbot.waitUntil(lambda: page.conflicts.rowCount() == 1, timeout=10_000)
    assert page.conflicts.item(0, 1).text() == "后写入者生效"
    assert "name" in page.conflicts.item(0, 4).text()
    qtbot.mouseClick(page.mark_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.conflicts.rowCount() == 0, timeout=10_000)


def test_a_clash_on_one_answer_is_told_in_chinese_naming_the_item(qtbot, demo_db: Path) -> None:
    store = open_store(demo_db)
    iid = store.conn.execute("SELECT id FROM inspections LIMIT 1").fetchone()[0]
    detail = "both sides changed items.1.4(1).note, items.1.4(1).result — the later change (by clock) was kept"
    SyncState(store).record_conflicts([{"table": "answer_sets", "row_id": iid, "kind": "lww",
                                        "fields": ["items.1.4(1).note", "items.1.4(1).result", "items.2.1"],
                                        "detail": detail}])
    store.close()
    page = _page(qtbot, demo_db, "")
    qtbot.waitUntil(lambda: page.conflicts.rowCount() == 1, timeout=10_000)
    assert page.conflicts.item(0, 2).text() == "检验项目"
    shown = page.conflicts.item(0, 4)
    assert shown.text() == "双方都修改了第 1.4(1) 项的备注、第 1.4(1) 项的结果、第 2.1 项，已保留时间较晚的修改"
    assert shown.toolTip() == detail                      # the engine's words stay one hover away


def test_bundles_carry_work_both_ways_without_a_network(qtbot, demo_db: Path, tmp_path: Path, monkeypatch) -> None:
    from PySide6.QtWidgets import QFileDialog

    from qcity_desktop.hub.accounts import add_user
    from qcity_desktop.hub.service import Hub
    from qcity_desktop.sync.bundle import import_into_hub
    from qcity_desktop.sync.bundle_pull import export_for_device

    hub = Hub(tmp_path / "hub")
    try:
        token = add_user(hub.db, "ann", "inspector")
        # Site → office: the export button writes the device's pending changes, signed with the typed token.
        page = _page(qtbot, demo_db, "")
        page.token_edit.setText(token)
        target = tmp_path / "usb" / "site.zip"
        target.parent.mkdir()
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
        qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.state in ("ok", "error"), timeout=60_000)
        assert page.state == "ok" and "已导出" in page.state_label.text(), page.state_label.text()
        imported = import_into_hub(hub, target)
        assert imported["user"] == "ann" and imported["results"].get("ok", 0) > 100

        # Office → another site: the hub's bundle for ann, opened by the import button on a new laptop.
        back = tmp_path / "usb" / "for-ann.zip"
        export_for_device(hub, "ann", back)
        fresh = tmp_path / "fresh.db"
        open_store(fresh).close()
        other = _page(qtbot, fresh, "")
        other.token_edit.setText("qct_not-ann")
        other.import_bundle_from(str(back))
        qtbot.waitUntil(lambda: other.state in ("ok", "error"), timeout=60_000)
        assert other.state == "error" and "不是为您的令牌制作的" in other.state_label.text()
        other.token_edit.setText(token)
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(back), ""))
        qtbot.mouseClick(other.import_button, Qt.MouseButton.LeftButton)
        assert other.state == "busy"                                      # started at once, works on a thread
        qtbot.waitUntil(lambda: other.state in ("ok", "error"), timeout=60_000)
        assert other.state == "ok" and "已导入中心服务器离线包" in other.state_label.text(), other.state_label.text()
        site, laptop = open_store(demo_db), open_store(fresh)
        assert laptop.subjects.count() == site.subjects.count()          # the registry arrived
        assert len(laptop.query("SELECT id FROM inspections")) == len(site.query("SELECT id FROM inspections"))
    finally:
        hub.close()
