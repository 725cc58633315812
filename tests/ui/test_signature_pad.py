"""The signature pad: strokes drawn with mouse, finger and pen become a non-empty, cropped PNG."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QPointingDevice, QTabletEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from ui.widgets.signature_pad import SignaturePad


def make_pad(qtbot) -> SignaturePad:
    pad = SignaturePad()
    pad.resize(480, 180)
    qtbot.addWidget(pad)
    pad.show()
    qtbot.waitExposed(pad)
    return pad


def mouse_stroke(qtbot, pad: SignaturePad, points: list[tuple[int, int]]) -> None:
    first, *rest = [QPoint(x, y) for x, y in points]
    QTest.mousePress(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, first)
    for p in rest:
        QTest.mouseMove(pad, p)
    QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rest[-1] if rest else first)


def png_image(data: bytes) -> QImage:
    img = QImage()
    assert img.loadFromData(data, "PNG")
    return img


def opaque_pixels(img: QImage) -> int:
    return sum(1 for y in range(0, img.height(), 2) for x in range(0, img.width(), 2)
               if img.pixelColor(x, y).alpha() > 128)


def test_mouse_strokes_make_a_png_signature(qtbot) -> None:
    pad = make_pad(qtbot)
    assert pad.is_empty() and pad.to_png() == b""
    with qtbot.waitSignal(pad.changed):
        mouse_stroke(qtbot, pad, [(40, 100), (80, 60), (120, 110), (160, 50), (200, 120)])
    mouse_stroke(qtbot, pad, [(250, 80), (330, 85), (400, 90)])
    assert pad.stroke_count() == 2
    data = pad.to_png()
    assert data.startswith(b"\x89PNG")
    img = png_image(data)
    # cropped to the ink (about 360×70 screen px, at 2× scale with a margin), not the whole pad
    assert 700 < img.width() < 800 and 130 < img.height() < 200
    assert img.hasAlphaChannel()
    assert img.pixelColor(0, 0).alpha() == 0, "background is transparent for placing on a report"
    assert opaque_pixels(img) > 200, "the strokes are actually drawn"


def test_undo_stroke_and_clear(qtbot) -> None:
    pad = make_pad(qtbot)
    mouse_stroke(qtbot, pad, [(40, 100), (140, 60)])
    mouse_stroke(qtbot, pad, [(300, 100), (420, 60)])
    wide = png_image(pad.to_png()).width()
    pad.undo_stroke()
    assert pad.stroke_count() == 1
    assert png_image(pad.to_png()).width() < wide / 2, "the last stroke is gone"
    pad.clear()
    assert pad.is_empty() and pad.to_png() == b""


def test_finger_touch_draws(qtbot) -> None:
    pad = make_pad(qtbot)
    device = QTest.createTouchDevice()
    QTest.touchEvent(pad, device).press(0, QPoint(50, 60)).commit()
    for x in range(60, 300, 20):
        QTest.touchEvent(pad, device).move(0, QPoint(x, 60 + (x % 40))).commit()
    QTest.touchEvent(pad, device).release(0, QPoint(300, 80)).commit()
    assert pad.stroke_count() == 1
    assert opaque_pixels(png_image(pad.to_png())) > 100


def test_pen_pressure_makes_a_thicker_line(qtbot) -> None:
    pad = make_pad(qtbot)

    def pen_stroke(y: int, pressure: float) -> None:
        device = QPointingDevice.primaryPointingDevice()
        for kind, x in ((QTabletEvent.Type.TabletPress, 40), (QTabletEvent.Type.TabletMove, 200),
                        (QTabletEvent.Type.TabletRelease, 400)):
            pos = QPointF(x, y)
            ev = QTabletEvent(kind, device, pos, pad.mapToGlobal(pos), pressure, 0.0, 0.0, 0.0, 0.0, 0.0,
                              Qt.KeyboardModifier.NoModifier, Qt.MouseButton.LeftButton,
                              Qt.MouseButton.LeftButton if kind != QTabletEvent.Type.TabletRelease
                              else Qt.MouseButton.NoButton)
            QApplication.sendEvent(pad, ev)

    def ink_thickness() -> int:
        img = png_image(pad.to_png())
        x = img.width() // 2
        return sum(1 for y in range(img.height()) if img.pixelColor(x, y).alpha() > 128)

    pen_stroke(50, 0.1)
    light = ink_thickness()
    pad.clear()
    pen_stroke(50, 1.0)
    heavy = ink_thickness()
    assert pad.stroke_count() == 1
    assert light >= 2 and heavy >= 2 * light - 1


def test_read_only_pad_ignores_drawing(qtbot) -> None:
    pad = make_pad(qtbot)
    pad.set_read_only(True)
    mouse_stroke(qtbot, pad, [(40, 100), (140, 60)])
    assert pad.is_empty()
