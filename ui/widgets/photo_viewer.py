"""Full-size photo viewer: fit to window, 100 %, zoom with the wheel or +/−, Left/Right through a set.

The viewer does not read files or the database itself: it asks a loader for each picture and
shows it when the QImage arrives, so the decoding can happen on a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QKeyEvent, QPainter, QPixmap, QWheelEvent
from PySide6.QtWidgets import (
    QDialog,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

Loader = Callable[[str, Callable[[QImage], None]], None]


class _View(QGraphicsView):
    def __init__(self, scene: QGraphicsScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setBackgroundBrush(Qt.GlobalColor.darkGray)
        self.fitting = True

    def wheelEvent(self, event: QWheelEvent) -> None:
        factor = 1.25 if event.angleDelta().y() > 0 else 0.8
        self.fitting = False
        self.scale(factor, factor)

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        if self.fitting and self.scene() and not self.scene().itemsBoundingRect().isEmpty():
            self.fitInView(self.scene().itemsBoundingRect(), Qt.AspectRatioMode.KeepAspectRatio)


class PhotoViewer(QDialog):
    """Shows ``photos`` (sha256, caption) one at a time, loaded through ``loader``."""

    def __init__(self, loader: Loader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("photoViewer")
        self.setWindowTitle(self.tr("Photo"))
        self.resize(960, 720)
        self.loader = loader
        self.photos: list[tuple[str, str]] = []
        self.index = 0
        self.image = QImage()
        self._scene = QGraphicsScene(self)
        self._item = QGraphicsPixmapItem()
        self._item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self._scene.addItem(self._item)
        self.view = _View(self._scene)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.view, 1)
        bar = QHBoxLayout()
        self.caption = QLabel()
        self.caption.setObjectName("photoCaption")
        bar.addWidget(self.caption, 1)
        for text, slot in ((self.tr("◀ Previous"), lambda: self.step(-1)), (self.tr("Next ▶"), lambda: self.step(1)),
                           (self.tr("Fit (F)"), self.fit), (self.tr("100 % (1)"), self.actual_size),
                           (self.tr("Close"), self.close)):
            b = QPushButton(text)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.clicked.connect(slot)
            bar.addWidget(b)
        layout.addLayout(bar)
        self.caption.setMinimumWidth(1)  # long captions must not resize the window
        layout.activate()

    def show_photos(self, photos: list[tuple[str, str]], index: int = 0) -> None:
        self.photos = photos
        self.index = max(0, min(index, len(photos) - 1))
        self._load()

    def step(self, delta: int) -> None:
        if len(self.photos) > 1:
            self.index = (self.index + delta) % len(self.photos)
            self._load()

    def _load(self) -> None:
        if not self.photos:
            return
        sha, caption = self.photos[self.index]
        self.caption.setText(self.tr("Loading %1…").replace("%1", caption))
        wanted = self.index

        def arrived(image: QImage) -> None:
            if wanted == self.index:
                self.set_image(image, caption)

        self.loader(sha, arrived)

    def set_image(self, image: QImage, caption: str = "") -> None:
        self.image = image
        self._item.setPixmap(QPixmap.fromImage(image))
        self._scene.setSceneRect(self._item.boundingRect())
        n = f"  ({self.index + 1}/{len(self.photos)})" if len(self.photos) > 1 else ""
        self.caption.setText(f"{caption}  {image.width()}×{image.height()}{n}")
        self.fit()

    def fit(self) -> None:
        self.view.fitting = True
        self.view.resetTransform()
        if not self._item.pixmap().isNull():
            self.view.fitInView(self._item, Qt.AspectRatioMode.KeepAspectRatio)

    def actual_size(self) -> None:
        self.view.fitting = False
        self.view.resetTransform()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Left, Qt.Key.Key_PageUp):
            self.step(-1)
        elif key in (Qt.Key.Key_Right, Qt.Key.Key_PageDown, Qt.Key.Key_Space):
            self.step(1)
        elif key == Qt.Key.Key_F:
            self.fit()
        elif key == Qt.Key.Key_1:
            self.actual_size()
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.view.fitting = False
            self.view.scale(1.25, 1.25)
        elif key == Qt.Key.Key_Minus:
            self.view.fitting = False
            self.view.scale(0.8, 0.8)
        else:
            super().keyPressEvent(event)
