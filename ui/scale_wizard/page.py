"""The scale test wizard page: connect, guided steps, result — on the main window's Scales page.

Threads: the serial port is read on the connection's own thread, readings hop to the GUI thread
through ``ScaleLink`` (queued signals); database work (lists, creating the draft inspection,
writing the result) runs on this page's own ``DbWorker``. The session is saved to a JSON file
after every change, so problems — a pulled cable, garbage at the wrong baud rate, an overload, an
expired reference — are shown as one line on the banner and never lose a recorded point.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from qcity_desktop.checklists.templates import get_template
from qcity_desktop.devices.protocols import decoders
from qcity_desktop.devices.reading import Reading
from qcity_desktop.errors import QCityError, StateError
from qcity_desktop.metrology.units import format_mass
from ui.pages.common import heading
from ui.scale_wizard.capture import AutoCapture
from ui.scale_wizard.connect_panel import ConnectPanel
from ui.scale_wizard.link import ScaleLink
from ui.scale_wizard.result_panel import ResultPanel
from ui.scale_wizard.run import TEMPLATE_ID, WizardRun, plan_for_subject, sessions_dir, write_payload
from ui.scale_wizard.step_actions import StepActions
from ui.scale_wizard.step_panel import StepPanel

log = logging.getLogger(__name__)
TONES = {"info": "background: #e8f0fe; color: #1a3e72;", "ok": "background: #e6f4ea; color: #1e5e2c;",
         "warn": "background: #fff4e0; color: #7a4a00;", "error": "background: #fdecea; color: #a31515;"}


def _default_settings() -> Any:
    from ui.settings import Settings

    return Settings()


def load_choices(store: Any) -> dict[str, Any]:
    """Draft scale inspections, scale subjects and reference standards (worker thread)."""
    return {"inspections": store.inspections.list(kind="scale", status="draft", limit=500),
            "subjects": store.subjects.list(kind="scale", limit=5000),
            "references": store.references.list()}


class ScaleWizardPage(StepActions, QWidget):
    def __init__(self, store_path: str, settings: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scaleWizard")
        self.store_path = str(store_path)
        self.settings = settings if settings is not None else _default_settings()
        self.lang = getattr(self.settings, "lang", "zh") or "zh"
        self.link = ScaleLink(self)
        self.capture = AutoCapture(consecutive=3)
        self.run: WizardRun | None = None
        self._pending = None
        self._worker = None
        self._loaded = False
        self._subject: dict[str, Any] | None = None
        self._inspection_id = ""
        self.last_message = ""
        self._confirm_incomplete = False

        self.title = heading()
        self.crumbs = QLabel()
        self.crumbs.setObjectName("wizardCrumbs")
        self.banner = QLabel()
        self.banner.setObjectName("wizardMessage")
        self.banner.setWordWrap(True)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner.setVisible(False)
        protocols = {name: cls.title for name, cls in decoders().items()}
        self.connect_panel = ConnectPanel(protocols)
        self.steps_panel = StepPanel()
        self.result_panel = ResultPanel()
        self.stack = QStackedWidget()
        for panel in (self.connect_panel, self.steps_panel, self.result_panel):
            self.stack.addWidget(panel)
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.crumbs)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.banner)
        lay.addWidget(self.stack, 1)

        self.link.reading.connect(self._on_reading)
        self.link.error.connect(self._on_error)
        self.link.status.connect(self._on_status)
        self.link.connectedChanged.connect(self.connect_panel.set_connected)
        c = self.connect_panel
        c.connectRequested.connect(self.connect_scale)
        c.disconnectRequested.connect(self.disconnect_scale)
        c.refreshRequested.connect(self.refresh_ports)
        c.newInspectionRequested.connect(self.new_inspection)
        c.inspectionChosen.connect(self.choose_inspection)
        c.referencesChanged.connect(self._references_changed)
        c.startRequested.connect(self.start_test)
        s = self.steps_panel
        s.captureRequested.connect(self.capture_now)
        s.discardRequested.connect(self.discard_last)
        s.skipRequested.connect(self.skip_step)
        s.nextRequested.connect(self.next_step)
        s.resultRequested.connect(self.show_result)
        s.backRequested.connect(lambda: self._show(self.connect_panel))
        s.stepChosen.connect(self.choose_step)
        s.sameAsSerialRequested.connect(self.same_as_serial)
        s.change_point.toggled.connect(lambda _on: self.begin_step() if self.run else None)
        r = self.result_panel
        r.backRequested.connect(self._back_to_steps)
        r.writeRequested.connect(self.write_result)
        r.openRequested.connect(self.open_in_editor)
        self.retranslate()
        self._show(self.connect_panel)
        app = QCoreApplication.instance()
        if app is not None:  # a child page gets no closeEvent when the main window closes
            app.aboutToQuit.connect(self.shutdown)

    # -- the shell's page protocol ------------------------------------------------------------
    def activate(self) -> None:
        """Called by the main window each time the page is shown: lists load on first show."""
        if not self._loaded:
            self._loaded = True
            self.refresh_ports()
            self.reload()

    def focus_search(self) -> bool:
        return False

    @property
    def worker(self) -> Any:
        if self._worker is None:
            from ui.workers import DbWorker

            self._worker = DbWorker(self.store_path, "scale-wizard")
        return self._worker

    def shutdown(self) -> None:
        """Stop the port thread and the database worker (the page is going away)."""
        self.link.close()
        if self.run is not None:
            self._save_quietly()
        if self._worker is not None:
            self._worker.close()
            self._worker = None

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)

    # -- messages -----------------------------------------------------------------------------
    def show_message(self, text: str, tone: str = "info") -> None:
        """One line on the banner; the wizard never shows a traceback for a problem it expects."""
        self.last_message = text
        self.banner.setStyleSheet(TONES.get(tone, TONES["info"]) + "padding: 8px; border-radius: 4px;")
        self.banner.setText(text)
        self.banner.setVisible(bool(text))
        if tone in ("warn", "error"):
            log.info("scale wizard: %s", text)

    def _failed(self, err: BaseException) -> None:
        if isinstance(err, QCityError | OSError):
            self.show_message(str(err), "error")
        else:
            from ui.errors import present_error

            present_error(err, self)

    # -- lists --------------------------------------------------------------------------------
    def reload(self, select: str | None = None) -> None:
        self.worker.submit(load_choices, lambda data: self._choices_arrived(data, select), self._failed, owner=self)

    def _choices_arrived(self, data: dict[str, Any], select: str | None) -> None:
        c = self.connect_panel
        c.set_subjects(data["subjects"])
        c.set_references(data["references"], date.today())
        c.set_inspections(data["inspections"], select or self._inspection_id or None)
        self._references_changed()

    def refresh_ports(self) -> None:
        from qcity_desktop.devices.transport import list_ports

        try:
            self.connect_panel.set_ports(list_ports())
        except Exception as err:  # noqa: BLE001 - enumerating ports must never take the page down
            self.show_message(self.tr("Cannot list serial ports: {0}").format(err), "warn")

    def choose_inspection(self, inspection_id: str) -> None:
        self._inspection_id = inspection_id
        self._subject = None
        self.connect_panel.set_nameplate("")
        if not inspection_id:
            return

        def job(store: Any) -> dict[str, Any]:
            row = store.inspections.row(inspection_id)
            return {"inspection": row, "subject": store.subjects.get(row["subject_id"])}

        self.worker.submit(job, self._inspection_arrived, self._failed, owner=self)

    def _inspection_arrived(self, data: dict[str, Any]) -> None:
        if data["inspection"]["id"] != self._inspection_id:
            return
        subject = data["subject"]
        self._subject = subject
        d = subject.get("data") or {}
        try:
            scale = plan_for_subject(subject).scale
            text = self.tr("{0}: class {1}, Max {2}, Min {3}, e = {4}, d = {5}").format(
                subject["name"], scale.accuracy_class, format_mass(scale.max), format_mass(scale.min),
                format_mass(scale.e), format_mass(scale.d))
        except QCityError as err:
            text = str(err)
        saved = sessions_dir(self.store_path) / f"{self._inspection_id}.json"
        if saved.exists():
            text += "\n" + self.tr("A test of this inspection was saved; starting continues where it stopped.")
        if d.get("serial_no"):
            text += "\n" + self.tr("Serial number: {0}").format(d["serial_no"])
        self.connect_panel.set_nameplate(text)

    def new_inspection(self, subject_id: str) -> None:
        if not subject_id:
            self.show_message(self.tr("Choose a scale from the list first."), "warn")
            return
        inspector = str(getattr(self.settings, "inspector_name", "") or "").strip()

        def job(store: Any) -> str:
            return store.inspections.create(subject_id, TEMPLATE_ID, inspectors=[inspector] if inspector else [])

        def done(iid: str) -> None:
            self.show_message(self.tr("Draft inspection created."), "ok")
            self.reload(select=iid)

        self.worker.submit(job, done, self._failed, owner=self)

    def _references_changed(self) -> None:
        refs = self.connect_panel.chosen_references()
        if self.run is not None:
            self.run.session.references = refs
            self._save_quietly()
        expired = [r for r in refs if not r.is_valid_on(date.today())]
        if expired:
            try:
                expired[0].require_valid(date.today())
            except StateError as err:  # the core's own one-line message names the certificate and date
                self.show_message(f"{err}  " + self.tr("Readings are still recorded and kept."), "error")
        elif refs and not any(r.kind == "weight_set" for r in refs):
            self.show_message(self.tr("No weight set chosen: readings are kept, but no verdict can be given."), "warn")

    # -- the connection -----------------------------------------------------------------------
    def connect_scale(self, port: str, protocol: str = "auto", baud: int | None = None) -> None:
        if not port.strip():
            self.show_message(self.tr("Choose or type the serial port the scale is on."), "warn")
            return
        try:
            self.link.open(port.strip(), protocol or "auto", baud)
        except QCityError as err:
            self.show_message(str(err), "error")
            return
        if self.run is not None:
            self.run.connection = {"port": port.strip(), "protocol": protocol, "baud": baud}
            self._save_quietly()
        self.show_message(self.tr("Connecting to {0}…").format(port.strip()), "info")

    def disconnect_scale(self) -> None:
        self.link.close()
        for live in (self.connect_panel.live, self.steps_panel.live):
            live.show_idle()

    def _on_reading(self, reading: Reading) -> None:
        for live in (self.connect_panel.live, self.steps_panel.live):
            live.show_reading(reading)
        if self.stack.currentWidget() is self.steps_panel:
            self.feed_capture(reading)

    def _on_error(self, err: Exception) -> None:
        text = str(err)
        if self.run is not None:
            self._save_quietly()
            n = sum(1 for r in self.run.session.readings if r.discarded is None)
            text += "  " + self.tr("({0} readings recorded so far are saved.)").format(n)
        self.show_message(text, "error")
        for live in (self.connect_panel.live, self.steps_panel.live):
            live.show_problem(str(err).split(" ", 1)[0])

    def _on_status(self, status: str) -> None:
        texts = {"connecting": self.tr("Connecting…"), "detecting": self.tr("Detecting the protocol…"),
                 "disconnected": self.tr("Port lost — reconnecting…"), "no-signal": self.tr("No valid data"),
                 "stale": self.tr("Data stopped: the last value is stale")}
        if status == "connected":
            self.show_message(self.tr("Connected: {0}").format(self.link.describe()), "ok")
            return
        lives = (self.connect_panel.live, self.steps_panel.live)
        if status in ("disconnected", "no-signal", "stale"):
            for live in lives:  # the last value stays, greyed, so the inspector sees what it was
                live.show_problem(texts[status])
        elif status == "stopped":
            for live in lives:
                live.show_idle()
        elif status in texts:
            for live in lives:
                if not live.has_problem:  # "reconnecting…" stays while the retries run
                    live.state_text.setText(texts[status])

    # -- the test -----------------------------------------------------------------------------
    def start_test(self) -> None:
        if not self._inspection_id or self._subject is None:
            self.show_message(self.tr("Choose a draft scale inspection (or create one for a scale) first."), "warn")
            return
        refs = self.connect_panel.chosen_references()
        try:
            if self.run is None or self.run.inspection_id != self._inspection_id:
                self.run = WizardRun.start(self.store_path, self._inspection_id, self._subject, refs)
            self.run.session.references = refs or self.run.session.references
            if self.link.is_open:
                self.run.connection = {"port": self.link.connection.port, "protocol": self.link.connection.requested_protocol}
            self.run.save()
        except (QCityError, OSError) as err:
            self.show_message(str(err), "error")
            return
        self._references_changed()
        if self.run.written_at:
            self.show_result()
            return
        self._show(self.steps_panel)
        self.begin_step()

    def _back_to_steps(self) -> None:
        self._show(self.steps_panel)
        if self.run is not None and self.run.step is None:
            nxt = self.run.session.next_step()
            if nxt is not None:
                self.run.go_to(nxt.id)
        self.begin_step()

    def show_result(self) -> None:
        run = self.run
        if run is None:
            return
        session = run.session
        r = self.result_panel
        blocked = None
        try:
            verdict = session.verdict()
            words = {"pass": self.tr("Pass"), "fail": self.tr("Fail"), "incomplete": self.tr("Incomplete")}
            r.show_verdict(verdict.result, words[verdict.result], verdict.suspected_cheat, None)
            missing = len(verdict.missing_steps)
        except StateError as err:
            blocked = str(err)
            r.show_verdict(None, self.tr("No verdict"), any(f.severity == "cheat" for f in session.findings()), blocked)
            missing = sum(1 for res in session.results() if not res.complete)
        active = sum(1 for x in session.readings if x.discarded is None)
        r.stats.setText(self.tr("{0} readings recorded, {1} discarded, {2} step(s) skipped, {3} step(s) not done.").format(
            active, len(session.readings) - active, len(session.skipped), missing))
        r.set_findings([(f.severity, f.zh if self.lang == "zh" else f.en) for f in session.findings()])
        template = get_template(TEMPLATE_ID)
        rows = []
        for item_id, answer in run.answers().items():
            item = template.items.get(item_id)
            title = item.label(self.lang) if item is not None else item_id
            if "value" in answer:
                unit = f" {item.unit}" if item is not None and item.unit else ""
                rows.append((item_id, title, f"{answer['value']}{unit}", None))
            else:
                ok = answer.get("result") == "pass"
                text = (self.tr("pass") if ok else self.tr("FAIL")) + (f" — {answer['note']}" if answer.get("note") else "")
                rows.append((item_id, title, text, ok))
        r.set_answers(rows)
        r.written.setText(self.tr("Written to the inspection on {0}. Complete and sign it in the checklist editor.")
                          .format(run.written_at) if run.written_at else "")
        r.write_button.setEnabled(not run.written_at and blocked is None)
        r.retranslate()
        self._confirm_incomplete = False
        self._show(r)

    def write_result(self) -> None:
        run = self.run
        if run is None:
            return
        try:
            rows, answers = run.payload()
        except QCityError as err:
            self.show_message(str(err), "error")
            return
        missing = sum(1 for res in run.session.results() if not res.complete)
        if missing and not self._confirm_incomplete:
            # a test is written once: an unfinished one needs a second, deliberate press (no modal dialog)
            self._confirm_incomplete = True
            self.result_panel.write_button.setText(self.tr("Confirm: write the unfinished test"))
            self.show_message(self.tr("{0} step(s) are not done. A test is written only once: press again to write "
                                      "what was measured so far.").format(missing), "warn")
            return
        iid = run.inspection_id
        self.result_panel.write_button.setEnabled(False)

        def done(counts: dict[str, int]) -> None:
            run.mark_written()
            self.show_message(self.tr("Written: {0} measurements and {1} checklist answers. Complete and sign the "
                                      "inspection in the checklist editor.").format(counts["measurements"],
                                                                                    counts["answers"]), "ok")
            self.show_result()

        def failed(err: BaseException) -> None:
            self.result_panel.write_button.setEnabled(True)
            self._failed(err)

        self.worker.submit(lambda store: write_payload(store, iid, rows, answers), done, failed, owner=self)

    def open_in_editor(self) -> None:
        if self.run is None:
            return
        opener = getattr(self.window(), "open_inspection", None)
        if callable(opener):
            opener(self.run.inspection_id)
        else:
            self.show_message(self.tr("Open the inspection from the Inspections page."), "info")

    def _save_quietly(self) -> None:
        try:
            if self.run is not None:
                self.run.save()
        except OSError as err:
            self.show_message(self.tr("Cannot save the test to {0}: {1}").format(self.run.path, err), "error")

    # -- navigation and language --------------------------------------------------------------
    def _show(self, panel: QWidget) -> None:
        self.stack.setCurrentWidget(panel)
        names = [self.tr("① Connect"), self.tr("② Steps"), self.tr("③ Result")]
        current = self.stack.currentIndex()
        self.crumbs.setText("   ".join(f"<b>{n}</b>" if i == current else n for i, n in enumerate(names)))
        if panel is self.steps_panel:
            panel.setFocus(Qt.FocusReason.OtherFocusReason)

    def retranslate(self) -> None:
        self.lang = getattr(self.settings, "lang", "zh") or "zh"  # the core's zh/en step titles follow
        self.title.setText(self.tr("Scale test"))
        self._show(self.stack.currentWidget())
        if self.run is not None and self.stack.currentWidget() is self.steps_panel:
            self.begin_step()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "stack"):
            self.retranslate()
        super().changeEvent(event)
