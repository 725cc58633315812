"""Step 1 of the wizard: which scale inspection, which port and protocol, which reference standards.

Only widgets and their texts live here; the page (page.py) loads the lists on its database worker
and reacts to the signals. Ports come from the OS with USB VID/PID, description and the bridge
chip, and the port box stays editable because a by-id path or a virtual scale is not listed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from qcity_desktop.metrology.traceability import ReferenceInstrument
from ui.scale_wizard.live import LiveReading

BAUDS = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)
BIG = 48  # minimum height of touch buttons, px


def big_button(text: str = "", parent: QWidget | None = None) -> QPushButton:
    button = QPushButton(text, parent)
    button.setMinimumHeight(BIG)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return button


class ConnectPanel(QWidget):
    connectRequested = Signal(str, str, object)   # port, protocol ("auto" or a name), baud or None
    disconnectRequested = Signal()
    refreshRequested = Signal()
    newInspectionRequested = Signal(str)          # subject id
    inspectionChosen = Signal(str)                # inspection id ("" = none)
    referencesChanged = Signal()
    startRequested = Signal()

    def __init__(self, protocols: dict[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scaleConnect")
        # -- the inspection --------------------------------------------------------------------
        self.inspection_group = QGroupBox()
        self.inspection_box = QComboBox()
        self.inspection_box.setObjectName("inspectionBox")
        self.inspection_box.setMinimumHeight(36)
        self.subject_box = QComboBox()
        self.subject_box.setObjectName("subjectBox")
        self.subject_box.setMinimumHeight(36)
        self.subject_box.setEditable(True)
        self.subject_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.new_button = big_button()
        self.new_button.setObjectName("newInspection")
        self.nameplate = QLabel()
        self.nameplate.setObjectName("nameplate")
        self.nameplate.setWordWrap(True)
        self.inspection_label = QLabel()
        self.subject_label = QLabel()
        form = QFormLayout(self.inspection_group)
        form.addRow(self.inspection_label, self.inspection_box)
        row = QHBoxLayout()
        row.addWidget(self.subject_box, 1)
        row.addWidget(self.new_button)
        form.addRow(self.subject_label, row)
        form.addRow(self.nameplate)
        # -- reference standards ---------------------------------------------------------------
        self.refs_group = QGroupBox()
        self.refs_list = QListWidget()
        self.refs_list.setObjectName("referenceList")
        self.refs_hint = QLabel()
        self.refs_hint.setWordWrap(True)
        self.refs_hint.setStyleSheet("color: palette(mid);")
        refs_lay = QVBoxLayout(self.refs_group)
        refs_lay.addWidget(self.refs_list)
        refs_lay.addWidget(self.refs_hint)
        # -- the port --------------------------------------------------------------------------
        self.port_group = QGroupBox()
        self.port_box = QComboBox()
        self.port_box.setObjectName("portBox")
        self.port_box.setEditable(True)
        self.port_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.port_box.setMinimumHeight(36)
        self.refresh_button = big_button()
        self.refresh_button.setObjectName("refreshPorts")
        self.protocol_box = QComboBox()
        self.protocol_box.setObjectName("protocolBox")
        self.protocol_box.setMinimumHeight(36)
        self.protocol_box.addItem("", "auto")
        for name, title in protocols.items():
            self.protocol_box.addItem(f"{name} — {title}", name)
        self.baud_box = QComboBox()
        self.baud_box.setObjectName("baudBox")
        self.baud_box.setMinimumHeight(36)
        self.baud_box.addItem("", None)
        for baud in BAUDS:
            self.baud_box.addItem(str(baud), baud)
        self.connect_button = big_button()
        self.connect_button.setObjectName("connectScale")
        self.port_label, self.protocol_label, self.baud_label = QLabel(), QLabel(), QLabel()
        grid = QGridLayout(self.port_group)
        grid.addWidget(self.port_label, 0, 0)
        grid.addWidget(self.port_box, 0, 1)
        grid.addWidget(self.refresh_button, 0, 2)
        grid.addWidget(self.protocol_label, 1, 0)
        grid.addWidget(self.protocol_box, 1, 1, 1, 2)
        grid.addWidget(self.baud_label, 2, 0)
        grid.addWidget(self.baud_box, 2, 1, 1, 2)
        grid.addWidget(self.connect_button, 3, 0, 1, 3)
        grid.setColumnStretch(1, 1)
        self.live = LiveReading(48)
        self.start_button = big_button()
        self.start_button.setObjectName("startTest")
        self.start_button.setMinimumHeight(64)
        font = self.start_button.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.start_button.setFont(font)

        left = QVBoxLayout()
        left.addWidget(self.inspection_group)
        left.addWidget(self.refs_group, 1)
        right = QVBoxLayout()
        right.addWidget(self.port_group)
        right.addWidget(self.live)
        right.addStretch(1)
        cols = QHBoxLayout()
        cols.addLayout(left, 1)
        cols.addLayout(right, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(cols, 1)
        lay.addWidget(self.start_button)

        self.connected = False
        self._refs: list[ReferenceInstrument] = []
        self._day = date.today()
        self.connect_button.clicked.connect(self._connect_clicked)
        self.refresh_button.clicked.connect(self.refreshRequested)
        self.new_button.clicked.connect(self._new_clicked)
        self.start_button.clicked.connect(self.startRequested)
        self.inspection_box.currentIndexChanged.connect(
            lambda _i: self.inspectionChosen.emit(self.inspection_box.currentData() or ""))
        self.refs_list.itemChanged.connect(lambda _item: self.referencesChanged.emit())
        self.retranslate()

    # -- filling ------------------------------------------------------------------------------
    def set_ports(self, ports: list[Any]) -> None:
        current = self.port_box.currentText()
        self.port_box.clear()
        for p in ports:
            usb = f" [{p.vid}:{p.pid}{' ' + p.chip if p.chip else ''}]" if p.vid else ""
            described = f" — {p.description}" if p.description and p.description != p.device else ""
            self.port_box.addItem(f"{p.device}{described}{usb}", p.device)
        if current:
            self.port_box.setEditText(current)

    def port(self) -> str:
        text = self.port_box.currentText().strip()
        index = self.port_box.findText(text)
        if index >= 0 and self.port_box.itemData(index):
            return str(self.port_box.itemData(index))
        return text.split(" — ")[0].strip()

    def set_inspections(self, rows: list[dict[str, Any]], select: str | None = None) -> None:
        self.inspection_box.blockSignals(True)
        self.inspection_box.clear()
        self.inspection_box.addItem(self.tr("— choose a scale inspection (draft) —"), "")
        for r in rows:
            self.inspection_box.addItem(f"{r['subject_name']} · {r['started_at'][:10]}", r["id"])
        index = self.inspection_box.findData(select) if select else 0
        self.inspection_box.setCurrentIndex(max(index, 0))
        self.inspection_box.blockSignals(False)
        self.inspectionChosen.emit(self.inspection_box.currentData() or "")

    def set_subjects(self, rows: list[dict[str, Any]]) -> None:
        self.subject_box.clear()
        for r in rows:
            serial = (r.get("data") or {}).get("serial_no") or r["id"][:8]
            self.subject_box.addItem(f"{r['name']} ({serial})", r["id"])
        self.subject_box.setCurrentIndex(-1)
        self.subject_box.setEditText("")

    def set_references(self, refs: list[ReferenceInstrument], day: date, checked: set[str] | None = None) -> None:
        self._refs = list(refs)
        self._day = day
        self.refs_list.blockSignals(True)
        self.refs_list.clear()
        for ref in refs:
            expired = not ref.is_valid_on(day)
            text = self.tr("{0} · class {1} · certificate {2} · valid until {3}").format(
                ref.name, ref.accuracy_class, ref.certificate_no, ref.expires.isoformat())
            if expired:
                text += " — " + self.tr("EXPIRED")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, ref.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            on = ref.id in checked if checked is not None else (not expired and ref.kind == "weight_set")
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            item.setSizeHint(QSize(0, 36))  # a finger-sized row
            if expired:
                item.setForeground(QBrush(QColor("#d0312d")))
            self.refs_list.addItem(item)
        self.refs_list.blockSignals(False)
        self.refs_hint.setVisible(not refs)

    def chosen_references(self) -> list[ReferenceInstrument]:
        ids = {self.refs_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.refs_list.count())
               if self.refs_list.item(i).checkState() == Qt.CheckState.Checked}
        return [r for r in self._refs if r.id in ids]

    def set_nameplate(self, text: str) -> None:
        self.nameplate.setText(text)

    def set_connected(self, connected: bool) -> None:
        self.connected = connected
        self.connect_button.setText(self.tr("Disconnect") if connected else self.tr("Connect"))
        for w in (self.port_box, self.protocol_box, self.baud_box, self.refresh_button):
            w.setEnabled(not connected)

    # -- signals ------------------------------------------------------------------------------
    def _connect_clicked(self) -> None:
        if self.connected:
            self.disconnectRequested.emit()
        else:
            self.connectRequested.emit(self.port(), self.protocol_box.currentData() or "auto",
                                       self.baud_box.currentData())

    def _new_clicked(self) -> None:
        index = self.subject_box.findText(self.subject_box.currentText())
        sid = self.subject_box.itemData(index) if index >= 0 else None
        self.newInspectionRequested.emit(str(sid or ""))

    # -- language -----------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.inspection_group.setTitle(self.tr("1  Scale and inspection"))
        self.inspection_label.setText(self.tr("Inspection"))
        self.subject_label.setText(self.tr("or a scale"))
        self.subject_box.lineEdit().setPlaceholderText(self.tr("type to find a scale…"))
        self.new_button.setText(self.tr("New inspection"))
        self.refs_group.setTitle(self.tr("2  Reference standards used (weights, reference scale)"))
        self.refs_hint.setText(self.tr("No reference standards registered. Add them with "
                                       "`qcity metrology refs add`; without a weight set no verdict is possible."))
        self.port_group.setTitle(self.tr("3  Serial port"))
        self.port_label.setText(self.tr("Port"))
        self.protocol_label.setText(self.tr("Protocol"))
        self.baud_label.setText(self.tr("Baud rate"))
        self.protocol_box.setItemText(0, self.tr("Detect automatically"))
        self.baud_box.setItemText(0, self.tr("Protocol default"))
        self.refresh_button.setText(self.tr("Refresh"))
        self.start_button.setText(self.tr("Start the guided test  ▶"))
        self.set_connected(self.connected)
        if self._refs:
            self.set_references(self._refs, self._day, {r.id for r in self.chosen_references()})

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "start_button"):
            self.retranslate()
        super().changeEvent(event)
