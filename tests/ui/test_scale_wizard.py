"""The scale test wizard as an inspector uses it, against the virtual scale on a real pty.

Every test drives the real page (``ScaleWizardPage``) with qtbot while a ``VirtualScale`` speaks a
real protocol on a pseudo-terminal and ``ScaleConnection`` reads it with a real ``serial.Serial``.
The simulator settles fast (0.1 s) and sends 25 frames/s so a full guided test takes seconds.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from qcity_desktop.devices.protocols.toledo import ToledoDecoder
from qcity_desktop.devices.scenarios import ScaleModel
from qcity_desktop.devices.simulator import VirtualScale
from qcity_desktop.metrology import ReferenceInstrument
from qcity_desktop.store import open_store
from ui.scale_wizard import ScaleWizardPage
from ui.settings import Settings

pytestmark = [pytest.mark.timeout(120),
              pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")]

SCALE = {"name": "温泉农贸市场A-01号摊位计价秤", "accuracy_class": "III", "max": "15000", "e": "5", "min": "100",
         "d": "5", "serial_no": "XN2024001", "market": "温泉农贸市场", "stall": "A-01"}


@pytest.fixture
def db(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A database with one scale, a draft inspection of it, a valid weight set and an expired one."""
    path = tmp_path / "qcity.db"
    store = open_store(path)
    sid, _ = store.subjects.add("scale", SCALE)
    iid = store.inspections.create(sid, "scale-market-in-service", inspectors=["张伟"])
    good = ReferenceInstrument(kind="weight_set", name="市局 M1 砝码组 20 kg", accuracy_class="M1",
                               certificate_no="JLZS-2025-0371", expires=date(2099, 12, 31))
    old = ReferenceInstrument(kind="weight_set", name="旧 M1 砝码组", accuracy_class="M1",
                              certificate_no="JLZS-2019-0007", expires=date(2020, 1, 1))
    store.references.add(good)
    store.references.add(old)
    store.close()
    yield {"path": path, "subject": sid, "inspection": iid, "good": good.id, "expired": old.id}


def make_scale(protocol: str = "toledo", scenario: str = "accurate", **model: Any) -> VirtualScale:
    scale = VirtualScale(protocol, ScaleModel(scenario=scenario, settle_s=0.1, **model), rate=25)
    scale.start()
    return scale


@pytest.fixture
def scale() -> Iterator[VirtualScale]:
    s = make_scale()
    yield s
    s.stop()


@pytest.fixture
def page(qtbot, db) -> Iterator[ScaleWizardPage]:  # noqa: ANN001
    p = ScaleWizardPage(str(db["path"]), Settings(inspector_name="张伟"))
    qtbot.addWidget(p)
    p.resize(1280, 800)
    p.show()
    p.activate()
    qtbot.waitUntil(lambda: p.connect_panel.inspection_box.count() == 2 and p.connect_panel.refs_list.count() == 2)
    yield p
    p.shutdown()


def choose_and_connect(qtbot, page: ScaleWizardPage, db: dict[str, Any], scale: VirtualScale,  # noqa: ANN001
                       protocol: str = "auto") -> None:
    c = page.connect_panel
    c.inspection_box.setCurrentIndex(c.inspection_box.findData(db["inspection"]))
    qtbot.waitUntil(lambda: "Max 15 kg" in c.nameplate.text())
    page.connect_scale(scale.path, protocol)
    qtbot.waitUntil(lambda: page.link.state == "connected" and page.link.last is not None, timeout=8000)


def active(page: ScaleWizardPage) -> int:
    return sum(1 for r in page.run.session.readings if r.discarded is None)


def place(qtbot, page: ScaleWizardPage, scale: VirtualScale, grams: D | str, *, display: bool = True) -> None:  # noqa: ANN001
    """Put a load on the pan and wait until the wizard recorded it by itself (confirming the display)."""
    before = active(page)
    scale.command(f"load {grams}g")
    step = page.run.step
    if display and step.kind in ("as_found", "power_cycle"):
        qtbot.waitUntil(lambda: page._pending is not None, timeout=5000)
        qtbot.mouseClick(page.steps_panel.same_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: active(page) > before, timeout=5000)


def press(qtbot, page: ScaleWizardPage, key: Qt.Key) -> None:  # noqa: ANN001
    page.steps_panel.setFocus()
    qtbot.keyClick(page.steps_panel, key)


def wait_stable_at(qtbot, page: ScaleWizardPage, grams: D) -> None:  # noqa: ANN001
    def ok() -> bool:
        r = page.link.latest()
        return r is not None and r.stable and r.grams() == grams
    qtbot.waitUntil(ok, timeout=5000)


def play_honest_test(qtbot, page: ScaleWizardPage, scale: VirtualScale) -> None:  # noqa: ANN001
    """Every step of the plan, the way an inspector does it at the stall."""
    while page.run.step is not None:
        step = page.run.step
        load = step.load
        if step.kind == "after_keys":
            scale.command(f"load {load}g")
            wait_stable_at(qtbot, page, load)
            for n in range(1, 4):
                page.steps_panel.display_edit.setText(str(load / 1000))   # a bare number: the display's unit
                press(qtbot, page, Qt.Key.Key_Space)
                qtbot.waitUntil(lambda n=n: page.run.active_count("after_keys") == n)
            assert page.steps_panel.key_edit.text() == "M4"
            press(qtbot, page, Qt.Key.Key_N)
        elif step.kind == "price":
            scale.command(f"load {load}g")
            wait_stable_at(qtbot, page, load)
            page.steps_panel.price_edit.setText("18")
            page.steps_panel.amount_edit.setText(str((load / 1000 * 18).quantize(D("0.01"))))
            qtbot.keyClick(page.steps_panel.amount_edit, Qt.Key.Key_Return)    # Enter in a field records
            qtbot.waitUntil(lambda: page.run.active_count("price") == 1)
            press(qtbot, page, Qt.Key.Key_N)
        elif step.kind == "discrimination":
            scale.command(f"load {load}g")
            qtbot.waitUntil(lambda: page.run.before is not None, timeout=5000)
            place(qtbot, page, scale, load + D(7))                          # 1.4 d
        elif step.kind == "tare_zero":
            tare = D(step.extra["tare_g"])
            scale.command(f"load {tare}g")
            wait_stable_at(qtbot, page, tare)
            scale.command("tare")
            place(qtbot, page, scale, tare + load)
        elif step.kind == "tare":
            place(qtbot, page, scale, D(step.extra["tare_g"]) + load)
            scale.command("cleartare")
        elif step.kind == "repeatability":
            for _ in range(step.min_readings):
                place(qtbot, page, scale, load)
        else:
            place(qtbot, page, scale, load)
    scale.command("remove")


def test_an_honest_scale_is_tested_step_by_step_and_the_result_flows_into_the_inspection(qtbot, page, db, scale):  # noqa: ANN001
    choose_and_connect(qtbot, page, db, scale)
    assert page.connect_panel.live.light_state == "stable"
    assert page.connect_panel.live.detail.text().startswith("toledo 9600")       # auto-detected
    qtbot.mouseClick(page.connect_panel.start_button, Qt.MouseButton.LeftButton)
    assert page.stack.currentWidget() is page.steps_panel
    first = page.run.step
    assert first.kind == "as_found" and "100 g" in page.steps_panel.load.text() and "20 e" in page.steps_panel.load.text()

    play_honest_test(qtbot, page, scale)

    # all steps done: the result page shows the verdict without asking
    assert page.stack.currentWidget() is page.result_panel
    session = page.run.session
    verdict = session.verdict()
    assert (verdict.result, verdict.suspected_cheat, verdict.missing_steps) == ("pass", False, [])
    assert page.result_panel.verdict.text() == page.tr("Pass")
    assert page.steps_panel.table.rowCount() == len(session.readings)
    weighed = [r for r in session.readings if r.price is None]
    assert all(r.source == "serial" for r in weighed)                     # no weight typed by hand
    price = next(r for r in session.readings if r.price is not None)
    assert price.evidence["serial"]["value"] == "1.500" and price.price["shown"] == "27.00"
    first_reading = session.readings[0]
    assert first_reading.evidence["capture"] == "auto" and len(first_reading.evidence["frames"]) == 3
    assert first_reading.display == first_reading.indication == D(100)

    qtbot.mouseClick(page.result_panel.write_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.run.written_at is not None, timeout=5000)
    assert not page.result_panel.write_button.isEnabled()                  # written once

    store = open_store(db["path"])
    try:
        rows = store.measurements.for_inspection(db["inspection"])
        assert len(rows) == len(session.readings)
        w = next(r for r in rows if r["kind"] == "weighing" and r["load"] == "2500")
        assert (w["indication"], w["error"], w["mpe"], w["passed"], w["item_id"]) == ("2500", "0", "5", True, "S2.2")
        raw = w["data"]["reading"]["evidence"]["serial"]["raw"]
        decoded = ToledoDecoder().feed(bytes.fromhex(raw))                  # the evidence decodes again
        assert [(r.value, r.unit, r.stable) for r in decoded] == [(D("2.500"), "kg", True)]
        assert w["data"]["reading"]["evidence"]["decoder"] == "toledo"
        keys = [r["data"]["reading"]["note"] for r in rows if r["kind"] == "after_keys"]
        assert keys == ["M1", "M2", "M3"]
        answers = store.inspections.answers(db["inspection"])
        for item in ("S2.1", "S2.2", "S2.3", "S2.4", "S2.5", "S2.6", "S3.1", "S3.2", "S3.3", "S4.1", "S4.2", "S4.3"):
            assert answers[item].result == "pass", item
        assert answers["S2.2-m1"].value == "0"
        # the inspector answers the rest in the editor, then the inspection completes as 合格
        for item in ("S1.1", "S1.2", "S1.3", "S1.4", "S1.5", "S4.4"):
            store.inspections.answer(db["inspection"], item, result="pass")
        store.attachments.add(db["inspection"], b"\x89PNG seal photo", "image/png", item_id="S1.3")
        assert store.inspections.complete(db["inspection"]).verdict == "合格"
    finally:
        store.close()


def test_a_proportional_cheat_is_flagged_while_the_as_found_readings_come_in(qtbot, page, db):  # noqa: ANN001
    # the chip sits behind the display: a 30 kg load cell, so 15.75 kg is no overload
    scale = make_scale("ad", "cheat", cheat_percent=D(5), cheat_threshold_g=D(1000), max_g=D(30000))
    on_gui_thread: list[bool] = []
    page.link.reading.connect(lambda _r: on_gui_thread.append(threading.current_thread() is threading.main_thread()))
    try:
        choose_and_connect(qtbot, page, db, scale, "ad")
        page.start_test()
        for step in [s for s in page.run.session.plan.steps if s.kind == "as_found"]:
            assert page.run.step.id == step.id
            place(qtbot, page, scale, step.load)
    finally:
        scale.stop()
    assert len(on_gui_thread) > 20 and all(on_gui_thread)          # readings reach widgets on the GUI thread only
    # +5 % above 1 kg: 15 kg shows 15.75 kg, still inside the capture window, so recorded by itself
    top = [r for r in page.run.session.readings if r.load == D(15000)][0]
    assert top.indication == D(15750) and top.source == "serial"
    codes = {f.code for f in page.run.session.findings()}
    assert "proportional_error" in codes
    shown = [page.steps_panel.findings.item(i).text() for i in range(page.steps_panel.findings.count())]
    assert any(t.startswith("⚠") and "5" in t for t in shown), shown
    fails = [page.steps_panel.table.item(r, 6).text() for r in range(page.steps_panel.table.rowCount())]
    assert fails.count(page.steps_panel.tr("FAIL")) >= 3                 # 5 kg, 10 kg, 15 kg
    page.show_result()
    assert page.result_panel.cheat.isVisible()
    assert page.result_panel.verdict.text() == page.tr("Fail")
    answers = page.run.answers()
    assert answers["S4.3"]["result"] == "fail" and D(answers["S4.3-m1"]["value"]) == D("5.00")


def test_the_port_vanishing_mid_test_keeps_the_points_and_says_so(qtbot, page, db, scale):  # noqa: ANN001
    choose_and_connect(qtbot, page, db, scale)
    page.start_test()
    place(qtbot, page, scale, D(100))
    place(qtbot, page, scale, D(1500))
    scale.unplug()
    qtbot.waitUntil(lambda: "串口断开" in page.last_message, timeout=5000)
    assert page.banner.isVisible() and "2" in page.last_message             # "(2 readings … are saved)"
    assert page.steps_panel.live.light_state == "error"
    assert page.steps_panel.table.rowCount() == 2
    saved = json.loads(page.run.path.read_text(encoding="utf-8"))
    assert [r["indication_g"] for r in saved["session"]["readings"]] == ["100", "1500"]
    # plugged back: the connection resumes by itself and the test carries on
    scale.plug()
    qtbot.waitUntil(lambda: page.link.state == "connected", timeout=8000)
    place(qtbot, page, scale, D(5000))
    assert active(page) == 3 and page.run.step.id == "as_found-4"


def test_bad_input_gives_a_message_and_never_a_traceback(qtbot, page, db, scale):  # noqa: ANN001
    page.connect_scale(scale.path, "nonsense")
    assert "未知协议" in page.last_message and not page.link.is_open
    page.connect_scale("", "auto")
    assert page.last_message == page.tr("Choose or type the serial port the scale is on.")
    page.connect_scale(scale.path, "toledo", 2400)                          # the scale sends at 9600
    # garbage: "wrong baud rate or protocol?"; when one frame slipped through before the pty took the
    # new rate (a simulator race the devices part knows about) the same garbage reads as "stale"
    qtbot.waitUntil(lambda: "数据无法识别" in page.last_message or "数据中断" in page.last_message, timeout=8000)
    assert page.connect_panel.live.light_state == "error"
    page.disconnect_scale()

    choose_and_connect(qtbot, page, db, scale, "toledo")
    page.start_test()
    scale.command("load 20kg")                                              # above Max + 9 e
    qtbot.waitUntil(lambda: page.steps_panel.live.light_state == "error"
                    and page.steps_panel.live.value.text() == "OL", timeout=5000)
    qtbot.waitUntil(lambda: "Overload" in page.steps_panel.capture_state.text(), timeout=3000)
    press(qtbot, page, Qt.Key.Key_Space)                                    # by hand: refused too
    assert "超载" in page.last_message or "no usable" in page.last_message
    scale.command("load 30g")                                               # the step wants 100 g
    qtbot.waitUntil(lambda: "not recorded by itself" in page.steps_panel.capture_state.text(), timeout=5000)
    assert "-70 g" in page.steps_panel.capture_state.text()
    scale.command("zero")
    scale.command("remove")                                                 # shows -0.030 kg
    qtbot.waitUntil(lambda: "-0.030" in page.steps_panel.capture_state.text(), timeout=5000)
    assert page.steps_panel.live.value.text() == "-0.030"
    assert page.run.session.readings == []                                  # nothing recorded by itself

    page.steps_panel.manual_edit.setText("abc")
    press(qtbot, page, Qt.Key.Key_Space)
    assert "abc" in page.last_message and page.run.session.readings == []


def test_an_expired_reference_keeps_the_readings_but_gives_no_verdict_and_writes_nothing(qtbot, page, db, scale):  # noqa: ANN001
    c = page.connect_panel
    for i in range(c.refs_list.count()):
        item = c.refs_list.item(i)
        item.setCheckState(Qt.CheckState.Checked)                           # the old set too
    assert "过期" in page.last_message and "JLZS-2019-0007" in page.last_message
    choose_and_connect(qtbot, page, db, scale)
    page.start_test()
    place(qtbot, page, scale, D(100))
    page.show_result()
    assert page.result_panel.blocked.isVisible() and "2020-01-01" in page.result_panel.blocked.text()
    assert not page.result_panel.write_button.isEnabled()
    page.write_result()
    assert "过期" in page.last_message
    store = open_store(db["path"])
    try:
        assert store.measurements.for_inspection(db["inspection"]) == []
    finally:
        store.close()
    assert len(json.loads(page.run.path.read_text(encoding="utf-8"))["session"]["readings"]) == 1


def test_keys_discard_skip_and_resume_after_the_window_is_closed(qtbot, page, db, scale):  # noqa: ANN001
    choose_and_connect(qtbot, page, db, scale)
    page.start_test()
    place(qtbot, page, scale, D(100))
    place(qtbot, page, scale, D(1500))
    press(qtbot, page, Qt.Key.Key_Backspace)                                # the 1.5 kg was wrong
    assert page.run.step.id == "as_found-2" and active(page) == 1
    table = page.steps_panel.table
    assert table.rowCount() == 2 and table.item(1, 2).font().strikeOut()    # kept, struck through
    assert page.run.session.readings[1].discarded
    # the same load still on the pan: after a discard it is captured again without lifting it
    qtbot.waitUntil(lambda: page._pending is not None, timeout=5000)
    page.steps_panel.display_edit.setText("1.5")
    qtbot.keyClick(page.steps_panel.display_edit, Qt.Key.Key_Return)
    assert active(page) == 2 and page.run.step.id == "as_found-3"
    page.steps_panel.reason_box.setEditText("没有 5 kg 砝码")
    press(qtbot, page, Qt.Key.Key_S)
    assert page.run.session.skipped == {"as_found-3": "没有 5 kg 砝码"} and page.run.step.id == "as_found-4"
    page.shutdown()

    again = ScaleWizardPage(str(db["path"]), Settings())
    qtbot.addWidget(again)
    again.activate()
    qtbot.waitUntil(lambda: again.connect_panel.inspection_box.count() == 2)
    again.connect_panel.inspection_box.setCurrentIndex(1)
    qtbot.waitUntil(lambda: again._subject is not None)
    again.start_test()
    assert again.run.step.id == "as_found-4" and len(again.run.session.readings) == 3
    assert again.steps_panel.table.rowCount() == 3
    again.shutdown()


def test_the_wizard_speaks_chinese_with_its_own_catalogue(qtbot, db) -> None:  # noqa: ANN001
    """Chinese is the default UI language: every tr() string of the wizard has its translation."""
    import re
    import xml.etree.ElementTree as ET

    from PySide6.QtCore import QCoreApplication, QTranslator

    root = Path(__file__).resolve().parents[2]
    ts = root / "resources" / "i18n" / "scale_wizard_zh_CN.ts"
    sources = {}
    for msg in ET.parse(ts).getroot().iter("message"):
        tr = msg.find("translation")
        assert tr is not None and tr.get("type") != "unfinished" and (tr.text or "").strip(), msg.findtext("source")
        sources[msg.findtext("source") or ""] = tr.text
    pattern = re.compile(r'\.tr\(\s*"((?:[^"\\]|\\.)*)"')
    for path in sorted((root / "ui" / "scale_wizard").glob("*.py")):
        for first in pattern.findall(path.read_text(encoding="utf-8")):
            assert any(s.startswith(first) for s in sources), f"{path.name}: {first!r} is not in {ts.name}"
    translator = QTranslator()
    assert translator.load(str(ts.with_suffix(".qm")))
    QCoreApplication.installTranslator(translator)
    try:
        page = ScaleWizardPage(str(db["path"]), Settings())
        qtbot.addWidget(page)
        assert page.result_panel.write_button.text() == "写入检查记录"
        assert page.steps_panel.capture_button.text() == "记录  [空格]"
        assert page.title.text() == "计价秤检测向导"
        page.shutdown()
    finally:
        QCoreApplication.removeTranslator(translator)


def test_a_draft_is_created_for_a_chosen_scale_and_ports_show_their_usb_identity(qtbot, page, db) -> None:  # noqa: ANN001
    from qcity_desktop.devices.transport import PortInfo

    c = page.connect_panel
    c.subject_box.setEditText(c.subject_box.itemText(0))
    qtbot.mouseClick(c.new_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: c.inspection_box.count() == 3, timeout=5000)
    new_id = c.inspection_box.currentData()
    assert new_id and new_id != db["inspection"]
    qtbot.waitUntil(lambda: page._subject is not None and page._subject["id"] == db["subject"])
    store = open_store(db["path"])
    try:
        row = store.inspections.row(new_id)
        assert (row["status"], row["template_id"], row["inspectors"]) == ("draft", "scale-market-in-service", ["张伟"])
    finally:
        store.close()

    c.set_ports([PortInfo(device="/dev/ttyUSB0", description="USB Serial", hwid="USB VID:PID=1a86:7523",
                          vid="1a86", pid="7523", serial_number=None, manufacturer="QinHeng", product=None,
                          location="1-1", chip="WCH CH340")])
    assert c.port_box.itemText(0) == "/dev/ttyUSB0 — USB Serial [1a86:7523 WCH CH340]"
    c.port_box.setCurrentIndex(0)
    assert c.port() == "/dev/ttyUSB0"
    c.port_box.setEditText("/dev/serial/by-id/usb-scale")          # typed paths work too
    assert c.port() == "/dev/serial/by-id/usb-scale"
    # touch: finger-sized buttons that never steal Space from the step page
    for button in (c.connect_button, c.start_button, page.steps_panel.capture_button, page.result_panel.write_button):
        assert button.minimumHeight() >= 48 and button.focusPolicy() == Qt.FocusPolicy.NoFocus
