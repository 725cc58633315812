"""The big live reading with its stability light, readable from a metre away on a market stall.

Green: stable. Amber: in motion. Red: overload/underload, a lost port or no signal. Grey: not
connected. The light is a coloured disc, and the state is also written out, so it does not rely
on colour alone.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from qcity_desktop.devices.reading import Reading

COLOURS = {"stable": "#1e9e3a", "motion": "#e59400", "error": "#d0312d", "idle": "#9a9a9a"}


class StabilityLight(QLabel):
    def __init__(self, size: int = 36, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._size = size
        self.setFixedSize(size, size)
        self.state = ""
        self.set_state("idle")

    def set_state(self, state: str) -> None:
        if state == self.state:
            return
        self.state = state
        self.setStyleSheet(f"background-color: {COLOURS[state]}; border-radius: {self._size // 2}px;"
                           "border: 2px solid rgba(0,0,0,60);")


class LiveReading(QFrame):
    """Value, unit, light and a one-line state; ``show_reading`` / ``show_problem`` from the page."""

    def __init__(self, point_size: float = 44, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("liveReading")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.light = StabilityLight(max(24, int(point_size * 0.8)))
        self.value = QLabel("—")
        self.value.setObjectName("liveValue")
        font = QFont(self.value.font())
        font.setPointSizeF(point_size)
        font.setBold(True)
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.value.setFont(font)
        self.value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.value.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.unit = QLabel("")
        ufont = QFont(font)
        ufont.setPointSizeF(point_size * 0.45)
        ufont.setBold(False)
        self.unit.setFont(ufont)
        self.state_text = QLabel("")
        self.state_text.setObjectName("liveState")
        self.state_text.setWordWrap(True)
        sfont = QFont(self.state_text.font())
        sfont.setPointSizeF(sfont.pointSizeF() * 1.25)
        sfont.setBold(True)
        self.state_text.setFont(sfont)
        self.detail = QLabel("")
        self.detail.setObjectName("liveDetail")
        self.detail.setStyleSheet("color: palette(mid);")
        top = QHBoxLayout()
        top.addWidget(self.light, 0, Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self.value, 1)
        top.addWidget(self.unit, 0, Qt.AlignmentFlag.AlignBottom)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.state_text)
        lay.addWidget(self.detail)
        self._reading: Reading | None = None
        self._problem = ""
        self.show_idle()

    def show_idle(self) -> None:
        self._reading = None
        self._problem = ""
        self.light.set_state("idle")
        self.value.setText("—")
        self.unit.setText("")
        self.state_text.setText(self.tr("Not connected"))
        self.detail.setText("")

    def show_reading(self, reading: Reading) -> None:
        self._reading = reading
        self.clear_problem()
        if reading.overload or (reading.underload and reading.value is None):
            self.light.set_state("error")
            self.value.setText("OL" if reading.overload else "UL")
            self.unit.setText("")
            self.state_text.setText(self.tr("Overload: remove the load") if reading.overload
                                    else self.tr("Below zero range: empty the pan and re-zero"))
        else:
            self.light.set_state("stable" if reading.stable else "motion")
            self.value.setText(str(reading.value))
            self.unit.setText(reading.unit)
            parts = [self.tr("Stable") if reading.stable else self.tr("Moving")]
            if reading.net is not None:
                parts.append(self.tr("Net") if reading.net else self.tr("Gross"))
            if reading.value is not None and reading.value < 0:
                parts.append(self.tr("negative"))
            self.state_text.setText(" · ".join(parts))
        settings = reading.settings.label() if reading.settings else ""
        self.detail.setText(f"{reading.protocol} {settings}".strip())

    def show_problem(self, text: str, *, keep_value: bool = True) -> None:
        """Port lost / no signal: red light; the last value stays visible but greyed as stale."""
        self._problem = text
        self.light.set_state("error")
        if not keep_value or self._reading is None:
            self.value.setText("—")
            self.unit.setText("")
        self.value.setStyleSheet("color: palette(mid);")
        self.state_text.setText(text)

    def clear_problem(self) -> None:
        if self._problem:
            self._problem = ""
            self.value.setStyleSheet("")

    @property
    def has_problem(self) -> bool:
        return bool(self._problem)

    @property
    def light_state(self) -> str:
        return self.light.state

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "light"):
            if self._reading is not None and not self._problem:
                self.show_reading(self._reading)
            elif self._reading is None and not self._problem:
                self.show_idle()
        super().changeEvent(event)
