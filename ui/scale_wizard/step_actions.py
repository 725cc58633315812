"""What the step page does with a reading or a key: capture, discard, skip, move on, redraw.

A mixin of ``ScaleWizardPage`` (it uses the page's ``run``, ``capture``, ``link`` and panels), kept
apart so the page module stays about wiring and connection. Every action ends in ``refresh_steps``
so the table, the step list and the findings always show the session as saved.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt

from qcity_desktop.devices.reading import Reading
from qcity_desktop.errors import InputError, QCityError
from qcity_desktop.metrology.procedures import Step
from qcity_desktop.metrology.units import format_mass, in_e, plain
from ui.scale_wizard.capture import Decision
from ui.scale_wizard.run import MANUAL_KINDS, evidence_for, parse_grams

if TYPE_CHECKING:
    from ui.scale_wizard.run import WizardRun
    from ui.scale_wizard.step_panel import StepPanel

DISPLAY_KINDS = ("as_found", "power_cycle", "after_keys")


class StepActions:
    run: WizardRun | None
    steps_panel: StepPanel
    lang: str
    _pending: tuple[Reading, tuple[Reading, ...]] | None

    # -- helpers ------------------------------------------------------------------------------
    def _t(self, step: Step, zh_attr: str = "zh", en_attr: str = "en") -> str:
        return getattr(step, zh_attr) if self.lang == "zh" else getattr(step, en_attr)

    def _unit(self) -> str:
        """The unit the scale shows (a bare number typed by the inspector means this unit)."""
        last = self.link.last  # type: ignore[attr-defined]
        return last.unit if last is not None and last.unit in ("g", "kg", "mg", "t") else "g"

    def _auto(self, step: Step) -> bool:
        if step.kind in MANUAL_KINDS:
            return False
        return not (step.change_point and self.steps_panel.change_point.isChecked())

    # -- entering a step ----------------------------------------------------------------------
    def begin_step(self) -> None:
        """Show the step on screen (or the result when none is left) and arm the auto-capture."""
        run = self.run
        self._pending = None
        if run is None:
            return
        step = run.step
        if step is None:
            self.refresh_steps()
            self.show_result()  # type: ignore[attr-defined]
            return
        p = self.steps_panel
        e = run.session.plan.scale.e
        expected = step.load
        if step.kind == "discrimination" and run.before is not None:
            expected = run.before + Decimal(step.extra.get("added_g", "0"))
        self.capture.start_step(expected, e, enabled=self._auto(step))  # type: ignore[attr-defined]
        inputs = {"manual"}
        if step.kind in DISPLAY_KINDS:
            inputs.add("display")
        if step.kind == "after_keys":
            inputs.add("key")
            p.key_edit.setText(f"M{run.active_count(step.id) + 1}")
        if step.change_point:
            inputs.add("added")
        if step.kind == "price":
            inputs |= {"price", "amount"}
        p.show_inputs(inputs)
        for edit in (p.display_edit, p.added_edit, p.manual_edit, p.amount_edit):
            edit.clear()
        self._show_step_texts(step)
        p.set_capture_state(self._waiting_text(step))
        self.refresh_steps()
        p.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_step_texts(self, step: Step) -> None:
        run = self.run
        assert run is not None
        p = self.steps_panel
        plan = run.session.plan
        index = next(i for i, s in enumerate(plan.steps) if s.id == step.id) + 1
        p.counter.setText(self.tr("Step {0} of {1}").format(index, len(plan.steps)))  # type: ignore[attr-defined]
        p.title.setText(self._t(step))
        p.instruction.setText(self._t(step, "instruction_zh", "instruction_en"))
        e = plan.scale.e
        if step.kind == "discrimination" and run.before is not None:
            added = Decimal(step.extra.get("added_g", "0"))
            p.load.setText(self.tr("Now add {0} gently ({1} d)").format(  # type: ignore[attr-defined]
                format_mass(added), step.extra.get("factor", "1.4")))
        elif step.load is not None:
            p.load.setText(self.tr("Place {0}  ({1} e)").format(format_mass(step.load), plain(in_e(step.load, e))))  # type: ignore[attr-defined]
        else:
            p.load.setText("")
        if step.kind == "discrimination":
            p.limit.setText(self.tr("The indication must rise by at least d = {0}").format(format_mass(plan.scale.d)))  # type: ignore[attr-defined]
        elif step.kind == "price":
            p.limit.setText(self.tr("Amount = weight × unit price, rounded to 0.01 CNY"))  # type: ignore[attr-defined]
        elif step.limit is not None:
            text = self.tr("Limit ±{0} ({1} e)").format(format_mass(step.limit), plain(in_e(step.limit, e)))  # type: ignore[attr-defined]
            if step.weights_limit is not None:
                text += " · " + self.tr("weights' error ≤ {0}").format(format_mass(step.weights_limit))  # type: ignore[attr-defined]
            p.limit.setText(text)
        else:
            p.limit.setText("")

    def _waiting_text(self, step: Step) -> str:
        if step.kind == "after_keys":
            return self.tr("Press a memory / unit-price key on the scale, note it, then record with Space.")  # type: ignore[attr-defined]
        if step.kind == "price":
            return self.tr("Enter the unit price and the amount the scale shows, then record with Enter.")  # type: ignore[attr-defined]
        if not self._auto(step):
            return self.tr("Add the small weights, enter ΔL, then record with Space.")  # type: ignore[attr-defined]
        return self.tr("Waiting for the load: it is recorded by itself when the reading is stable.")  # type: ignore[attr-defined]

    # -- readings -----------------------------------------------------------------------------
    def feed_capture(self, reading: Reading) -> None:
        run = self.run
        if run is None or run.step is None or self._pending is not None:
            return
        step = run.step
        decision: Decision = self.capture.feed(reading)  # type: ignore[attr-defined]
        p = self.steps_panel
        unit_value = f"{reading.value} {reading.unit}" if reading.value is not None else ""
        if decision.state == "capture":
            self._auto_record(step, decision)
        elif decision.state == "overload":
            p.set_capture_state(self.tr("Overload: nothing is recorded. Remove the load."), "error")  # type: ignore[attr-defined]
        elif decision.state == "negative":
            p.set_capture_state(self.tr("Negative reading ({0}): empty the pan and zero the scale; "  # type: ignore[attr-defined]
                                        "nothing is recorded.").format(unit_value), "error")
        elif decision.state == "motion":
            p.set_capture_state(self.tr("Moving… waiting for a stable reading."))  # type: ignore[attr-defined]
        elif decision.state == "settling":
            p.set_capture_state(self.tr("Stable {0} — confirming…").format(unit_value))  # type: ignore[attr-defined]
        elif decision.state == "off_target":
            p.set_capture_state(self.tr("Reading {0} is {1} away from the planned load: not recorded by itself. "  # type: ignore[attr-defined]
                                        "Check the weights; press Space to record it anyway.").format(
                unit_value, format_mass(decision.deviation or Decimal(0), signed=True)), "warn")
        # waiting_change: the last capture is still on the pan; its "recorded" line stays on screen

    def _auto_record(self, step: Step, decision: Decision) -> None:
        reading = decision.reading
        assert reading is not None
        grams = reading.grams()
        assert grams is not None
        self.capture.captured(grams)  # type: ignore[attr-defined]
        if step.kind in DISPLAY_KINDS and not self.steps_panel.display_edit.text().strip():
            self._pending = (reading, decision.frames)
            self.steps_panel.set_capture_state(self.tr(  # type: ignore[attr-defined]
                "Serial value {0} {1} captured. Type what the customer display shows and press Enter "
                "(or tap “= serial value”).").format(reading.value, reading.unit), "warn")
            self.steps_panel.display_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self._record(grams, source="serial", evidence=evidence_for(reading, decision.frames, "auto"))

    # -- actions ------------------------------------------------------------------------------
    def capture_now(self) -> None:
        """Space / Enter / the Record button: record the pending or the live value, or the typed one."""
        run = self.run
        if run is None or run.step is None:
            self.show_message(self.tr("Choose an inspection and start the test first."), "warn")  # type: ignore[attr-defined]
            return
        step = run.step
        p = self.steps_panel
        try:
            if step.kind == "price":
                self._record_price()
                return
            if self._pending is not None:
                reading, frames = self._pending
                grams = reading.grams()
                assert grams is not None
                self._record(grams, source="serial", evidence=evidence_for(reading, frames, "auto"))
                return
            typed = p.manual_edit.text().strip()
            if typed:
                grams = parse_grams(typed, self._unit(), what="示值 indication")
                self._record(grams, source="manual", evidence=evidence_for(self.link.latest(), (), "typed"))  # type: ignore[attr-defined]
                return
            live = self.link.latest()  # type: ignore[attr-defined]
            if live is None or not live.usable:
                raise InputError("没有可用的串口读数（未连接、超载或数据中断）：可在“手动示值”中输入 / "
                                 "no usable serial reading: type the indication by hand")
            grams = live.grams()
            assert grams is not None
            self._record(grams, source="serial", evidence=evidence_for(live, (live,), "manual"))
        except QCityError as err:
            self.show_message(str(err), "error")  # type: ignore[attr-defined]

    def _record(self, grams: Decimal, *, source: str, evidence: dict[str, Any]) -> None:
        run = self.run
        assert run is not None and run.step is not None
        step = run.step
        p = self.steps_panel
        display = None
        if step.kind in DISPLAY_KINDS:
            text = p.display_edit.text().strip()
            if not text:
                p.display_edit.setFocus(Qt.FocusReason.OtherFocusReason)
                raise InputError("请输入顾客显示屏上的读数（防作弊核对）/ type what the customer display shows")
            display = parse_grams(text, self._unit(), what="顾客显示值 customer display")
        added = None
        if step.change_point and p.added_edit.text().strip():
            added = parse_grams(p.added_edit.text(), "g", what="ΔL")
        note = p.key_edit.text().strip() if step.kind == "after_keys" else ""
        if step.kind == "after_keys" and not note:
            raise InputError("请注明所按的键（如 M1）/ note the key that was pressed")
        if source == "manual":
            note = (note + " " if note else "") + "手动输入 typed"
        result = run.record(grams, display=display, added=added, note=note, source=source, evidence=evidence)
        self._pending = None
        self.capture.captured(grams)  # type: ignore[attr-defined]
        if result is None:  # discrimination: the "before" indication is in, now the 1.4 d weight
            self.begin_step()
            p.set_capture_state(self.tr("Indication before: {0}. Now add the 1.4 d weight.").format(  # type: ignore[attr-defined]
                format_mass(grams)), "ok")
            return
        verdict = self.tr("pass") if result.passed else self.tr("FAIL") if result.passed is False else ""  # type: ignore[attr-defined]
        done = self.tr("Recorded {0} for “{1}” {2}").format(format_mass(grams), self._t(step), verdict)  # type: ignore[attr-defined]
        self._after_record(step, done, result.passed)

    def _record_price(self) -> None:
        run = self.run
        assert run is not None
        p = self.steps_panel
        typed = p.manual_edit.text().strip()
        if typed:
            weight, evidence = parse_grams(typed, self._unit(), what="重量 weight"), evidence_for(None, (), "typed")
        else:
            live = self.link.latest()  # type: ignore[attr-defined]
            if live is None or not live.usable or not live.stable:
                raise InputError("计价核对需要稳定的重量读数，或在“手动示值”中输入重量 / the price check needs a stable weight")
            weight, evidence = live.grams(), evidence_for(live, (live,), "manual")
        try:
            unit_price = Decimal(p.price_edit.text().strip().replace("，", "."))
            shown = Decimal(p.amount_edit.text().strip().replace("，", "."))
        except InvalidOperation:
            raise InputError("请输入单价（元/kg）和秤上显示的金额（元），例如 18 和 27.00 / "
                             "enter the unit price and the amount shown, e.g. 18 and 27.00") from None
        result = run.record_price(weight, unit_price, shown, evidence=evidence)  # type: ignore[arg-type]
        p.amount_edit.clear()
        state = self.tr("pass") if result.passed else self.tr("FAIL")  # type: ignore[attr-defined]
        self._after_record(run.step, self.tr("Price check recorded: {0}").format(state), result.passed)  # type: ignore[arg-type, attr-defined]

    def _after_record(self, step: Step, text: str, passed: bool | None) -> None:
        run = self.run
        assert run is not None
        if run.step_done(step):
            run.advance()
            self.begin_step()
        else:
            self.refresh_steps()
            if step.kind == "after_keys":
                self.steps_panel.key_edit.setText(f"M{run.active_count(step.id) + 1}")
            for edit in (self.steps_panel.display_edit, self.steps_panel.manual_edit, self.steps_panel.added_edit):
                edit.clear()
        self.steps_panel.set_capture_state(text, "ok" if passed is not False else "error")

    def same_as_serial(self) -> None:
        """The customer display shows the serial value: fill it in (and record a pending capture)."""
        source = self._pending[0] if self._pending else self.link.latest()  # type: ignore[attr-defined]
        if source is None or source.value is None:
            self.show_message(self.tr("No serial value to copy."), "warn")  # type: ignore[attr-defined]
            return
        self.steps_panel.display_edit.setText(f"{source.value}{source.unit}")
        if self._pending is not None:
            self.capture_now()

    def discard_last(self) -> None:
        run = self.run
        if run is None or run.step is None:
            return
        reason = self.steps_panel.reason_box.currentText().strip() or self.tr("wrong reading")  # type: ignore[attr-defined]
        try:
            if self._pending is not None:
                self._pending = None
                step_id = run.step.id
            else:
                step_id = run.discard_last(reason)
        except QCityError as err:
            self.show_message(str(err), "error")  # type: ignore[attr-defined]
            return
        self.capture.last_captured = None  # type: ignore[attr-defined]
        self.begin_step()
        step = run.session.plan.step(step_id)
        self.steps_panel.set_capture_state(self.tr("Last reading of “{0}” discarded ({1}); it stays in the "  # type: ignore[attr-defined]
                                                   "evidence. Measure again.").format(self._t(step), reason), "warn")

    def skip_step(self) -> None:
        run = self.run
        if run is None or run.step is None:
            return
        step = run.step
        reason = self.steps_panel.reason_box.currentText().strip() or self.tr("no weights for this load")  # type: ignore[attr-defined]
        try:
            run.skip(reason)
        except QCityError as err:
            self.show_message(str(err), "error")  # type: ignore[attr-defined]
            return
        run.advance()
        self.begin_step()
        self.steps_panel.set_capture_state(self.tr("Skipped “{0}”: {1}").format(self._t(step), reason), "warn")  # type: ignore[attr-defined]

    def next_step(self) -> None:
        run = self.run
        if run is None or run.step is None:
            return
        run.advance()
        run.save()
        self.begin_step()

    def choose_step(self, step_id: str) -> None:
        run = self.run
        if run is None or not step_id:
            return
        run.go_to(step_id)
        run.save()
        self.begin_step()

    # -- drawing ------------------------------------------------------------------------------
    def refresh_steps(self) -> None:
        run = self.run
        if run is None:
            return
        session = run.session
        rows = []
        for res in session.results():
            step = res.step
            state = ("skipped" if res.skipped else "pass" if res.passed else "fail" if res.passed is False
                     else "partial" if res.readings else "todo")
            load = f" · {format_mass(step.load)}" if step.load is not None else ""
            rows.append((step.id, f"{step.seq}. {self._t(step)}{load}", state))
        self.steps_panel.set_steps(rows, run.step_id)
        points = []
        for m in session.measurements():
            data = m["data"]
            reading = data.get("reading", {})
            title = data["step"]["zh" if self.lang == "zh" else "en"]
            if m["kind"] == "price":
                price = data.get("price", {})
                cells = [title, format_mass(Decimal(m["load"])), f"{price.get('shown_cny') or ''} ¥", "",
                         f"{m['error'] or ''} ¥", ""]
            else:
                display = reading.get("display_g")
                cells = [title, format_mass(Decimal(m["load"])), format_mass(Decimal(m["indication"])),
                         format_mass(Decimal(display)) if display is not None else "",
                         format_mass(Decimal(m["error"]), signed=True) if m["error"] is not None else "",
                         format_mass(Decimal(m["mpe"])) if m["mpe"] is not None else ""]
            how = self._how(reading)
            points.append([*cells, m["passed"], how, reading.get("discarded")])
        self.steps_panel.set_points(points)
        self.steps_panel.set_findings([(f.severity, f.zh if self.lang == "zh" else f.en) for f in session.findings()])

    def _how(self, reading: dict[str, Any]) -> str:
        capture = (reading.get("evidence") or {}).get("capture")
        if reading.get("source") == "manual" or capture == "typed":
            return self.tr("typed")  # type: ignore[attr-defined]
        if capture == "auto":
            return self.tr("serial, auto")  # type: ignore[attr-defined]
        return self.tr("serial, by hand")  # type: ignore[attr-defined]
