"""A handwritten-signature pad for mouse, pen (tablet) and finger (touch).

Inspectors sign on Windows tablets with a pen or a finger and on laptops with a mouse; all three
arrive as different Qt events, so the pad handles each itself rather than relying on Qt's
synthesised mouse events (which lose pen pressure and, for touch, arrive late). Strokes are kept
as point lists and drawn as smoothed QPainterPaths, so undoing a stroke is just dropping the last
list. The saved PNG is transparent and cropped to the ink, ready to be placed on a PDF report.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QTabletEvent,
    QTouchEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

INK = QColor(20, 30, 90)
BASE_WIDTH = 2.6


@dataclass
class Stroke:
    points: list[QPointF] = field(default_factory=list)
    pressures: list[float] = field(default_factory=list)

    def add(self, p: QPointF, pressure: float) -> None:
        if self.points and (self.points[-1] - p).manhattanLength() < 0.5:
            return
        self.points.append(QPointF(p))
        self.pressures.append(pressure)

    def width(self) -> float:
        mean = sum(self.pressures) / len(self.pressures) if self.pressures else 0.5
        return BASE_WIDTH * (0.6 + 0.8 * mean)

    def path(self, scale: float = 1.0, offset: QPointF | None = None) -> QPainterPath:
        """A smooth path through the points (quadratic curves via the midpoints)."""
        off = offset or QPointF(0, 0)
        pts = [(p - off) * scale for p in self.points]
        path = QPainterPath(pts[0])
        if len(pts) == 1:
            path.lineTo(pts[0] + QPointF(0.1, 0.1))  # a dot: tap without moving
            return path
        for i in range(1, len(pts) - 1):
            mid = (pts[i] + pts[i + 1]) / 2
            path.quadTo(pts[i], mid)
        path.lineTo(pts[-1])
        return path


class SignaturePad(QWidget):
    """Draw with mouse, pen or finger; ``to_png()`` gives the signature image."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._strokes: list[Stroke] = []
        self._current: Stroke | None = None
        self._read_only = False
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents, True)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(320, 130)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(self.tr("Signature pad"))
        self.placeholder = self.tr("Sign here")

    def sizeHint(self) -> QSize:
        return QSize(480, 180)

    # -- state ---------------------------------------------------------------------------
    def is_empty(self) -> bool:
        return not self._strokes

    def stroke_count(self) -> int:
        return len(self._strokes)

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self.setCursor(Qt.CursorShape.ArrowCursor if read_only else Qt.CursorShape.CrossCursor)

    def clear(self) -> None:
        if self._strokes or self._current:
            self._strokes.clear()
            self._current = None
            self.update()
            self.changed.emit()

    def undo_stroke(self) -> None:
        if self._strokes:
            self._strokes.pop()
            self.update()
            self.changed.emit()

    def ink_rect(self) -> QRectF:
        rect = QRectF()
        for s in self._strokes:
            half = s.width() / 2
            rect = rect.united(s.path().boundingRect().adjusted(-half, -half, half, half))
        return rect

    # -- drawing input -------------------------------------------------------------------
    def _begin(self, p: QPointF, pressure: float) -> None:
        if self._read_only:
            return
        self._current = Stroke()
        self._current.add(p, pressure)
        self._strokes.append(self._current)
        self.update()

    def _extend(self, p: QPointF, pressure: float) -> None:
        if self._current is None:
            return
        self._current.add(p, pressure)
        self.update()

    def _end(self, p: QPointF | None = None, pressure: float = 0.5) -> None:
        if self._current is None:
            return
        if p is not None:
            self._current.add(p, pressure)
        self._current = None
        self.update()
        self.changed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._begin(event.position(), 0.5)
            event.accept()
        else:
            super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._extend(event.position(), 0.5)
            event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._end(event.position(), 0.5)
            event.accept()

    def tabletEvent(self, event: QTabletEvent) -> None:
        """Pen input with pressure; accepting it stops Qt from also sending mouse events."""
        kind = event.type()
        pressure = max(0.05, min(1.0, event.pressure()))
        if kind == QTabletEvent.Type.TabletPress:
            self._begin(event.position(), pressure)
        elif kind == QTabletEvent.Type.TabletMove:
            self._extend(event.position(), pressure)
        elif kind == QTabletEvent.Type.TabletRelease:
            self._end(event.position(), pressure)
        event.accept()

    def event(self, event: object) -> bool:
        if isinstance(event, QTouchEvent):
            return self._touch(event)
        return super().event(event)

    def _touch(self, event: QTouchEvent) -> bool:
        """One finger draws; a second finger is ignored (a palm resting on the screen)."""
        points = event.points()
        if not points:
            if event.type() in (QTouchEvent.Type.TouchEnd, QTouchEvent.Type.TouchCancel):
                self._end()
            return True
        p = points[0].position()
        kind = event.type()
        if kind == QTouchEvent.Type.TouchBegin:
            self._begin(p, 0.5)
        elif kind == QTouchEvent.Type.TouchUpdate:
            self._extend(p, 0.5)
        elif kind == QTouchEvent.Type.TouchEnd:
            self._end(p, 0.5)
        elif kind == QTouchEvent.Type.TouchCancel:
            if self._current is not None and self._strokes and self._strokes[-1] is self._current:
                self._strokes.pop()
            self._current = None
            self.update()
        event.accept()
        return True

    # -- painting --------------------------------------------------------------------------
    def _draw_strokes(self, painter: QPainter, scale: float = 1.0, offset: QPointF | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for s in self._strokes:
            if not s.points:
                continue
            pen = QPen(INK, s.width() * scale, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                       Qt.PenJoinStyle.RoundJoin)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(s.path(scale, offset))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            painter.fillRect(self.rect(), QColor("white"))
            border = QColor("#8a8f99") if not self.hasFocus() else QColor("#2b6cd4")
            painter.setPen(QPen(border, 1))
            painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
            base_y = self.height() - 34
            painter.setPen(QPen(QColor("#c7ccd6"), 1, Qt.PenStyle.DashLine))
            painter.drawLine(16, base_y, self.width() - 16, base_y)
            if not self._strokes and not self._read_only:
                painter.setPen(QColor("#9aa0aa"))
                painter.drawText(QRectF(0, base_y + 4, self.width(), 26),
                                 Qt.AlignmentFlag.AlignCenter, self.placeholder)
            self._draw_strokes(painter)
        finally:
            painter.end()

    # -- output ----------------------------------------------------------------------------
    def to_image(self, scale: float = 2.0, margin: float = 8.0) -> QImage:
        """The ink on a transparent background, cropped to the strokes, at ``scale`` × screen size."""
        rect = self.ink_rect()
        if rect.isNull() or not self._strokes:
            return QImage()
        rect = rect.adjusted(-margin, -margin, margin, margin)
        w = max(1, int(rect.width() * scale + 0.5))
        h = max(1, int(rect.height() * scale + 0.5))
        image = QImage(w, h, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        try:
            self._draw_strokes(painter, scale, rect.topLeft())
        finally:
            painter.end()
        return image

    def to_png(self, scale: float = 2.0) -> bytes:
        """PNG bytes of the signature; empty bytes when nothing was drawn."""
        image = self.to_image(scale)
        if image.isNull():
            return b""
        data = QByteArray()
        buf = QBuffer(data)
        buf.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buf, "PNG")
        buf.close()
        return bytes(data.data())
