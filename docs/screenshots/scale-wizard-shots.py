"""Screenshots of the scale test wizard in Chinese, driven against the virtual scale on a pty.

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python docs/screenshots/scale-wizard-shots.py

Writes docs/screenshots/scale-wizard-{connect,steps,port-lost,result-cheat}.png. Uses a temporary
database with one market scale, a valid weight set and an expired one.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "xcb")

from PySide6.QtCore import QEventLoop  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from qcity_desktop.devices.scenarios import ScaleModel  # noqa: E402
from qcity_desktop.devices.simulator import VirtualScale  # noqa: E402
from qcity_desktop.metrology import ReferenceInstrument  # noqa: E402
from qcity_desktop.store import open_store  # noqa: E402
from ui.i18n import install_language  # noqa: E402
from ui.scale_wizard import ScaleWizardPage  # noqa: E402
from ui.settings import Settings  # noqa: E402

OUT = Path(__file__).resolve().parent
app = QApplication(sys.argv)


def pump(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        time.sleep(0.005)


def until(predicate, timeout: float = 8.0) -> None:  # noqa: ANN001
    end = time.monotonic() + timeout
    while time.monotonic() < end and not predicate():
        pump(0.02)
    if not predicate():
        raise SystemExit("timed out waiting for the wizard")


def database(folder: Path) -> tuple[Path, str]:
    path = folder / "qcity.db"
    store = open_store(path)
    sid, _ = store.subjects.add("scale", {
        "name": "温泉农贸市场A-01号摊位计价秤", "accuracy_class": "III", "max": "15000", "e": "5", "min": "100", "d": "5",
        "serial_no": "XN2024001", "model": "ACS-15", "market": "温泉农贸市场", "stall": "A-01"})
    iid = store.inspections.create(sid, "scale-market-in-service", inspectors=["张伟"])
    store.references.add(ReferenceInstrument(kind="weight_set", name="市局 M1 砝码组 20 kg", accuracy_class="M1",
                                             certificate_no="JLZS-2025-0371", expires=date(date.today().year + 1, 6, 30),
                                             issued_by="咸宁市计量检定测试所"))
    store.references.add(ReferenceInstrument(kind="weight_set", name="旧 M1 砝码组 10 kg", accuracy_class="M1",
                                             certificate_no="JLZS-2023-0112", expires=date(2024, 12, 31)))
    store.close()
    return path, iid


def place(page: ScaleWizardPage, scale: VirtualScale, grams: Decimal) -> None:
    before = len(page.run.session.readings)
    scale.command(f"load {grams}g")
    until(lambda: page._pending is not None or len(page.run.session.readings) > before)
    if page._pending is not None:
        page.same_as_serial()
    until(lambda: len(page.run.session.readings) > before)


def main() -> None:
    install_language("zh_CN")
    folder = Path(tempfile.mkdtemp(prefix="qcity-shots-"))
    db, iid = database(folder)
    scale = VirtualScale("toledo", ScaleModel(scenario="cheat", cheat_percent=Decimal(5), max_g=Decimal(30000),
                                              settle_s=0.3), rate=20)
    scale.start()
    page = ScaleWizardPage(str(db), Settings(inspector_name="张伟"))
    page.resize(1366, 860)
    page.show()
    page.activate()
    until(lambda: page.connect_panel.inspection_box.count() == 2)
    c = page.connect_panel
    c.inspection_box.setCurrentIndex(1)
    until(lambda: page._subject is not None)
    c.port_box.setEditText(scale.path)
    page.connect_scale(scale.path, "auto")
    until(lambda: page.link.state == "connected" and page.link.last is not None)
    scale.command("load 1500g")
    pump(1.0)
    page.grab().save(str(OUT / "scale-wizard-connect.png"))

    page.start_test()
    for step in [s for s in page.run.session.plan.steps if s.kind == "as_found"][:4]:
        place(page, scale, step.load)
    scale.command("load 15000g")
    until(lambda: page._pending is not None)
    pump(0.3)
    page.grab().save(str(OUT / "scale-wizard-steps.png"))
    page.same_as_serial()
    pump(0.3)

    scale.unplug()
    until(lambda: "串口断开" in page.last_message)
    pump(0.5)
    page.grab().save(str(OUT / "scale-wizard-port-lost.png"))
    scale.plug()
    until(lambda: page.link.state == "connected")

    page.show_result()
    pump(0.3)
    page.grab().save(str(OUT / "scale-wizard-result-cheat.png"))
    page.shutdown()
    scale.stop()
    print("screenshots written to", OUT)


if __name__ == "__main__":
    main()
