"""Statistics: the pass rate against the city's target, by kind, month and district; repeat offenders.

What a supervisor looks at in the office (docs/statistics.md). The figures come from
``qcity_desktop.store.stats`` on the worker thread, the same numbers ``qcity stats`` prints, so a
screen and a report handed upwards never disagree.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QDate, QEvent, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext
from ui.labels import kind_label
from ui.models.rows import Column, RowsModel
from ui.pages.common import apply_widths, heading, subheading, table_view

_RED = QBrush(QColor("#b3261e"))
_GREEN = QColor("#1b7f3b")
PERIODS = ("month", "quarter", "year", "last12", "custom")


def period_range(preset: str, today: date) -> tuple[date, date]:
    """The dates a period preset covers, up to ``today``."""
    if preset == "month":
        return today.replace(day=1), today
    if preset == "quarter":
        return date(today.year, (today.month - 1) // 3 * 3 + 1, 1), today
    if preset == "last12":
        return today - timedelta(days=364), today
    return date(today.year, 1, 1), today


def _rate_text(row: dict[str, Any]) -> str:
    return "—" if row["rate"] is None else f"{row['rate']}%"




class MonthChart(QWidget):
    """Monthly pass rates as bars with the target as a dashed line: a trend is read at a glance."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("monthChart")
        self.setMinimumHeight(170)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.months: list[dict[str, Any]] = []
        self.target = Decimal("95")

    def set_data(self, months: list[dict[str, Any]], target: Decimal) -> None:
        self.months, self.target = months, target
        self.update()

    def paintEvent(self, _event: Any) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = p.fontMetrics()
        left, bottom, top = fm.horizontalAdvance("100%") + 8, fm.height() + 6, 8
        h = self.height() - bottom - top
        w = self.width() - left - 6
        p.setPen(QPen(QColor("#9ca3af")))
        for pct in (0, 50, 100):
            y = top + h - h * pct / 100
            p.drawLine(left, int(y), left + w, int(y))
            p.drawText(0, int(y) - fm.height() // 2, left - 4, fm.height(), Qt.AlignmentFlag.AlignRight, f"{pct}%")
        if not self.months:
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("No signed inspections in this period"))
            return
        slot = w / len(self.months)
        bar = max(4.0, min(48.0, slot * 0.6))
        for n, m in enumerate(self.months):
            x = left + slot * n + (slot - bar) / 2
            if m["rate"] is not None:
                rate = float(m["rate"])
                colour = _GREEN if Decimal(m["rate"]) >= self.target else QColor("#b3261e")
                height = max(2.0, h * rate / 100)      # a month at 0 % still shows a mark
                p.fillRect(QRectF(x, top + h - height, bar, height), colour)
                p.setPen(colour)
                label_y = max(0.0, top + h - height - fm.height() - 1)
                p.drawText(QRectF(left + slot * n, label_y, slot, fm.height()), Qt.AlignmentFlag.AlignCenter,
                           f"{m['rate']}%")
            p.setPen(QColor("#374151"))
            p.drawText(QRectF(left + slot * n, top + h + 3, slot, fm.height()), Qt.AlignmentFlag.AlignCenter,
                       m["key"][2:] if slot < fm.horizontalAdvance(m["key"]) + 4 else m["key"])
        y = top + h - h * float(self.target) / 100
        pen = QPen(QColor("#1d4ed8"))
        pen.setStyle(Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.drawLine(left, int(y), left + w, int(y))
        p.drawText(QRectF(left, y - fm.height() - 1, w, fm.height()), Qt.AlignmentFlag.AlignRight,
                   self.tr("target %1%").replace("%1", str(self.target)))


class StatsPage(QWidget):
    refreshed = Signal()      # new figures are on screen

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statsPage")
        self.ctx = ctx
        self.stats: Any = None
        self._seq = 0
        self._title = heading()
        self.period = QComboBox()
        self.period.setObjectName("statsPeriod")
        self.date_from, self.date_to = QDateEdit(), QDateEdit()
        for edit, name in ((self.date_from, "statsFrom"), (self.date_to, "statsTo")):
            edit.setObjectName(name)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.kind = QComboBox()
        self.kind.setObjectName("statsKind")
        self.refresh_button = QPushButton()
        self.export_button = QPushButton()
        self.export_button.setObjectName("statsExport")
        self.pdf_button = QPushButton()
        self.pdf_button.setObjectName("statsPdf")
        self.summary = QLabel()
        self.summary.setObjectName("statsSummary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("statsMessage")

        rate = Column(QT_TRANSLATE_NOOP("StatsPage", "Pass rate"), "StatsPage", _rate_text,
                      foreground=self._rate_brush, align_right=True)
        counts = (Column(QT_TRANSLATE_NOOP("StatsPage", "Inspected"), "StatsPage", lambda r: str(r["inspected"]),
                         align_right=True),
                  Column(QT_TRANSLATE_NOOP("StatsPage", "Passed"), "StatsPage", lambda r: str(r["passed"]), align_right=True),
                  Column(QT_TRANSLATE_NOOP("StatsPage", "Failed"), "StatsPage", lambda r: str(r["failed"]), align_right=True),
                  rate)
        self.kind_model = RowsModel((Column(QT_TRANSLATE_NOOP("StatsPage", "Kind"), "StatsPage",
                                            lambda r: kind_label(r["key"])), *counts), id_key="key", parent=self)
        self.district_model = RowsModel((Column(QT_TRANSLATE_NOOP("StatsPage", "District"), "StatsPage",
                                                lambda r: r["key"] or "—"), *counts), id_key="key", parent=self)
        self.offender_model = RowsModel((
            Column(QT_TRANSLATE_NOOP("StatsPage", "Subject"), "StatsPage", lambda r: r["name"]),
            Column(QT_TRANSLATE_NOOP("StatsPage", "Kind"), "StatsPage", lambda r: kind_label(r["kind"])),
            Column(QT_TRANSLATE_NOOP("StatsPage", "District"), "StatsPage", lambda r: r["district"] or ""),
            Column(QT_TRANSLATE_NOOP("StatsPage", "Failures"), "StatsPage", lambda r: str(r["failures"]),
                   foreground=lambda _r: _RED, align_right=True),
            Column(QT_TRANSLATE_NOOP("StatsPage", "Last failed"), "StatsPage", lambda r: r["last_failed"]),
            Column(QT_TRANSLATE_NOOP("StatsPage", "Open findings"), "StatsPage", lambda r: str(r["open_findings"]),
                   align_right=True),
        ), id_key="subject_id", parent=self)
        self.kind_view = self._view("statsByKind", self.kind_model, (110, 70, 60, 60, 70))
        self.district_view = self._view("statsByDistrict", self.district_model, (110, 70, 60, 60, 70))
        self.offender_view = self._view("statsOffenders", self.offender_model, (170, 60, 60, 70, 95, 60))
        self.chart = MonthChart()
        self._month_title, self._kind_title = subheading(), subheading()
        self._district_title, self._offender_title = subheading(), subheading()

        top = QHBoxLayout()
        top.addWidget(self._title, 1)
        for w in (self.period, self.date_from, QLabel("—"), self.date_to, self.kind, self.refresh_button,
                  self.export_button, self.pdf_button):
            top.addWidget(w)
        grid = QGridLayout()
        for (title, body), (row, col) in zip(
                (((self._month_title, self.chart)), (self._kind_title, self.kind_view),
                 (self._district_title, self.district_view), (self._offender_title, self.offender_view)),
                ((0, 0), (0, 1), (2, 0), (2, 1)), strict=True):
            grid.addWidget(title, row, col)
            grid.addWidget(body, row + 1, col)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addLayout(grid, 1)
        layout.addWidget(self.message)

        self.period.currentIndexChanged.connect(self._preset_changed)
        self.date_from.dateChanged.connect(self._dates_edited)
        self.date_to.dateChanged.connect(self._dates_edited)
        self.kind.currentIndexChanged.connect(lambda _i: self.refresh())
        self.refresh_button.clicked.connect(self.refresh)
        self.export_button.clicked.connect(self.choose_export)
        self.pdf_button.clicked.connect(self.choose_pdf)
        ctx.dataChanged.connect(self.refresh)
        self._loaded = False
        self._setting_dates = False
        self.retranslate()
        self.period.setCurrentIndex(PERIODS.index("year"))
        self._preset_changed()

    def _rate_brush(self, row: dict[str, Any]) -> QBrush | None:
        """Red for a rate below the target of the figures on screen."""
        below = self.stats is not None and row["rate"] is not None and Decimal(row["rate"]) < self.stats.target
        return _RED if below else None

    def _view(self, name: str, model: RowsModel, widths: tuple[int, ...]) -> Any:
        view = table_view(self, widths)
        view.setObjectName(name)
        view.setModel(model)
        apply_widths(view)
        return view

    # -- period -----------------------------------------------------------------------------
    def _preset_changed(self, *_args: Any) -> None:
        preset = PERIODS[max(0, self.period.currentIndex())]
        custom = preset == "custom"
        self.date_from.setEnabled(custom)
        self.date_to.setEnabled(custom)
        if self._setting_dates:
            return
        if not custom:
            start, end = period_range(preset, date.today())
            self._setting_dates = True
            self.date_from.setDate(QDate(start.year, start.month, start.day))
            self.date_to.setDate(QDate(end.year, end.month, end.day))
            self._setting_dates = False
        if self._loaded:
            self.refresh()

    def _dates_edited(self, *_args: Any) -> None:
        if not self._setting_dates and self._loaded:
            self.refresh()

    def set_period(self, start: date, end: date) -> None:
        """A custom period (what a supervisor picks in the two date fields)."""
        self._setting_dates = True
        self.period.setCurrentIndex(PERIODS.index("custom"))
        self.date_from.setDate(QDate(start.year, start.month, start.day))
        self.date_to.setDate(QDate(end.year, end.month, end.day))
        self._setting_dates = False
        self.refresh()

    def current_query(self) -> tuple[date, date, str | None]:
        start = self.date_from.date().toPython()
        end = self.date_to.date().toPython()
        return start, end, self.kind.currentData()

    # -- data ------------------------------------------------------------------------------
    def activate(self) -> None:
        if not self._loaded:
            self.refresh()

    def refresh(self) -> None:
        from qcity_desktop.store.stats import statistics

        self._loaded = True
        self._seq += 1
        seq = self._seq
        start, end, kind = self.current_query()
        if start > end:
            self.message.setText(self.tr("The period starts after it ends."))
            return
        self.message.setText(self.tr("Counting…"))
        # a city's year takes over half a second: on the second connection, so the lists are not held up
        self.ctx.long_worker.submit(lambda store: statistics(store.conn, start, end, kind),
                               lambda st: self._arrived(seq, st), self._failed, owner=self)

    def _failed(self, err: BaseException) -> None:
        self.message.setText(str(err))

    def _arrived(self, seq: int, st: Any) -> None:
        if seq != self._seq:    # an older query finishing late: the newer one will show
            return
        self.stats = st
        data = st.as_dict()
        self.kind_model.set_rows(data["by_kind"])
        self.district_model.set_rows(data["by_district"])
        self.offender_model.set_rows(data["repeat_offenders"])
        self.chart.set_data(data["by_month"], st.target)
        self.message.setText("")
        self._show_summary()
        self.refreshed.emit()

    def _show_summary(self) -> None:
        st = self.stats
        if st is None:
            self.summary.setText("")
            return
        rate = st.overall.rate
        if rate is None:
            head = self.tr("No signed inspections in this period")
        else:
            colour = "#1b7f3b" if st.meets_target else "#b3261e"
            word = self.tr("meets the target") if st.meets_target else self.tr("below the target")
            head = (f"<span style='font-size:20pt; font-weight:bold; color:{colour}'>{rate}%</span> "
                    + self.tr("pass rate, %1 %2%").replace("%1", word).replace("%2", str(st.target)))
        parts = [
            self.tr("%1 signed inspections, %2 passed, %3 failed").replace("%1", str(st.overall.inspected))
            .replace("%2", str(st.overall.passed)).replace("%3", str(st.overall.failed)),
            self.tr("re-inspections %1 (not counted)").replace("%1", str(st.reinspections.inspected)),
            self.tr("completed but unsigned %1 (not counted)").replace("%1", str(st.unsigned)),
            self.tr("open findings %1, overdue %2").replace("%1", str(st.findings["open"]))
            .replace("%2", str(st.findings["overdue"])),
            self.tr("to review %1").replace("%1", str(st.to_review)),
        ]
        self.summary.setText(f"{head}<br>{' · '.join(parts)}")

    # -- export ----------------------------------------------------------------------------
    def _ask_file(self, title: str, stem: str, suffix: str, pattern: str) -> str:
        """Where to save the figures on screen ('' when there are none yet or the user cancels)."""
        if self.stats is None:
            return ""
        start, end, _kind = self.current_query()
        path, _ = QFileDialog.getSaveFileName(self, title, f"{stem}_{start}_{end}{suffix}", pattern)
        return path

    def choose_export(self) -> None:
        if path := self._ask_file(self.tr("Export statistics"), "统计", ".csv", self.tr("Spreadsheet (*.csv)")):
            self.export_to(path)

    def export_to(self, path: str) -> None:
        from qcity_desktop.store.stats import write_csv

        st = self.stats
        self.ctx.worker.submit(lambda _store: write_csv(st, path),
                               lambda n: self.message.setText(self.tr("Exported %1 rows to %2").replace("%1", str(n))
                                                              .replace("%2", path)), self._failed, owner=self)

    def choose_pdf(self) -> None:
        if path := self._ask_file(self.tr("Print statistics sheet"), "合格率统计表", ".pdf", self.tr("PDF (*.pdf)")):
            self.export_pdf_to(path)

    def export_pdf_to(self, path: str) -> None:
        """The statistics sheet (the same as ``qcity stats --pdf``), rendered on the worker."""
        from qcity_desktop.reports.statistics import write_pdf

        st, lang = self.stats, self.ctx.settings.lang
        self.ctx.worker.submit(lambda _store: write_pdf(st, Path(path), lang, date.today()),
                               lambda _n: self.message.setText(self.tr("Saved %1").replace("%1", path)),
                               self._failed, owner=self)

    def focus_search(self) -> bool:
        return False

    # -- language --------------------------------------------------------------------------
    def retranslate(self) -> None:
        self._title.setText(self.tr("Statistics"))
        names = {"month": self.tr("This month"), "quarter": self.tr("This quarter"), "year": self.tr("This year"),
                 "last12": self.tr("Last 12 months"), "custom": self.tr("Custom period")}
        current = self.period.currentIndex()
        self.period.blockSignals(True)
        self.period.clear()
        self.period.addItems([names[p] for p in PERIODS])
        self.period.setCurrentIndex(max(0, current))
        self.period.blockSignals(False)
        kind = self.kind.currentIndex()
        self.kind.blockSignals(True)
        self.kind.clear()
        self.kind.addItem(self.tr("All kinds"), None)
        for k in ("elevator", "scale", "site"):
            self.kind.addItem(kind_label(k), k)
        self.kind.setCurrentIndex(max(0, kind))
        self.kind.blockSignals(False)
        self.refresh_button.setText(self.tr("Refresh"))
        self.export_button.setText(self.tr("Export CSV…"))
        self.pdf_button.setText(self.tr("Statistics sheet (PDF)…"))
        self._month_title.setText(self.tr("Pass rate by month (dashed: target)"))
        self._kind_title.setText(self.tr("By kind"))
        self._district_title.setText(self.tr("By district"))
        self._offender_title.setText(self.tr("Repeat offenders: failed twice or more in the period"))
        for model in (self.kind_model, self.district_model, self.offender_model):
            model.retranslate()
        self._show_summary()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
