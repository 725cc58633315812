"""Preview and print the PDFs the core renders; export or print a day's certificates in one go.

The PDF is the document of record, so the preview shows that very file (QtPdf) rather than a
re-drawn imitation, and printing sends its pages to whatever printer the user picks in
QPrintDialog. Pages are rasterised at up to 300 dpi for the printer: enough for the QR code to
scan (tested) without the gigabyte bitmaps a 1200 dpi "high resolution" PDF printer would ask for.
Batch work runs on a DbWorker with the house progress dialog, so the window stays alive.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, QSize, Signal
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

MAX_PRINT_DPI = 300


class ReportPreview(QWidget):
    """A QPdfView of one generated PDF with Print… and Save as… buttons."""

    printed = Signal(int)  # pages sent to the printer

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._data = b""
        self._name = "document.pdf"
        self._bytes = QByteArray()
        self._buffer: QBuffer | None = None
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.title = QLabel(self)
        self.print_button = QPushButton(self.tr("Print…"), self)
        self.save_button = QPushButton(self.tr("Save as…"), self)
        self.print_button.clicked.connect(self.print_with_dialog)
        self.save_button.clicked.connect(self.save_with_dialog)
        bar = QHBoxLayout()
        bar.addWidget(self.title, 1)
        bar.addWidget(self.save_button)
        bar.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        self._update_buttons()

    # -- content ------------------------------------------------------------------------------
    def set_pdf(self, data: bytes, name: str = "document.pdf") -> None:
        """Show ``data``; the bytes are kept so Save as… writes exactly what is shown."""
        self.document.close()
        if self._buffer is not None:
            self._buffer.close()
        self._data = bytes(data)
        self._name = name
        self._bytes = QByteArray(self._data)
        self._buffer = QBuffer(self._bytes, self)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        self.title.setText(name)
        self._update_buttons()

    def page_count(self) -> int:
        return self.document.pageCount()

    def pdf_bytes(self) -> bytes:
        return self._data

    def _update_buttons(self) -> None:
        ready = self.document.status() == QPdfDocument.Status.Ready and self.document.pageCount() > 0
        self.print_button.setEnabled(ready)
        self.save_button.setEnabled(ready)

    # -- printing -----------------------------------------------------------------------------
    def print_to(self, printer: QPrinter) -> int:
        """Paint every page onto ``printer`` (fitted, centred, aspect kept); returns pages printed."""
        return print_pdf_document(self.document, printer, self._name)

    def print_with_dialog(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self._name)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("Print %1").replace("%1", self._name))
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            self.printed.emit(self.print_to(printer))

    def save_with_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save PDF"), self._name, self.tr("PDF files (*.pdf)"))
        if path:
            write_pdf(Path(path), self._data)


def print_pdf_document(document: QPdfDocument, printer: QPrinter, name: str = "") -> int:
    """Send the pages of a loaded QPdfDocument to a printer; returns the number of pages printed."""
    pages = document.pageCount()
    if pages == 0:
        return 0
    if name:
        printer.setDocName(name)
    painter = QPainter()
    if not painter.begin(printer):
        from qcity_desktop.errors import EnvironmentProblem

        raise EnvironmentProblem(f"the printer {printer.printerName() or printer.outputFileName()} cannot be opened")
    try:
        dpi = min(printer.resolution(), MAX_PRINT_DPI)
        for index in range(pages):
            if index:
                printer.newPage()
            size_pt = document.pagePointSize(index)
            image = document.render(index, QSize(round(size_pt.width() * dpi / 72), round(size_pt.height() * dpi / 72)))
            target = QRectF(painter.viewport())
            scale = min(target.width() / image.width(), target.height() / image.height())
            w, h = image.width() * scale, image.height() * scale
            origin = QPointF(target.x() + (target.width() - w) / 2, target.y() + (target.height() - h) / 2)
            painter.drawImage(QRectF(origin.x(), origin.y(), w, h), image)
    finally:
        painter.end()
    return pages


def write_pdf(path: Path, data: bytes) -> None:
    """Write through a temporary name, so a full disk never leaves half a PDF under the real name."""
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def safe_file_name(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in text) or "document"


def export_batch_job(inspection_ids: list[str], kind: str, folder: Path, lang: str = "zh",
                     paper: str = "a4") -> Callable[[Any, Any], list[str]]:
    """The function a DbWorker runs: one PDF per inspection, named by its number, with progress.

    Inspections that cannot have this document (e.g. a certificate of an unsigned inspection)
    are skipped and listed, so one bad row does not lose the whole day's batch.
    """

    def job(store: Any, ctx: Any) -> list[str]:
        from qcity_desktop.errors import QCityError
        from qcity_desktop.reports import render_for_store

        folder.mkdir(parents=True, exist_ok=True)
        written: list[str] = []
        skipped: list[str] = []
        total = len(inspection_ids)
        for n, iid in enumerate(inspection_ids, 1):
            ctx.check()
            row = store.conn.execute("SELECT report_no, certificate_no FROM inspections WHERE id = ?", (iid,)).fetchone()
            number = (row[1] if kind == "certificate" else row[0]) if row else None
            try:
                data = render_for_store(store, iid, kind, lang=lang, paper=paper)
            except QCityError as err:
                skipped.append(f"{iid}: {err}")
                ctx.progress(n, total, str(err))
                continue
            path = folder / f"{safe_file_name(number or iid)}-{kind}.pdf"
            write_pdf(path, data)
            written.append(str(path))
            ctx.progress(n, total, path.name)
        if skipped:
            (folder / "skipped.txt").write_text("\n".join(skipped) + "\n", encoding="utf-8")
        return written

    return job


def export_batch(worker: Any, parent: QWidget, inspection_ids: list[str], kind: str, folder: Path,
                 on_done: Callable[[list[str]], None] | None = None, lang: str = "zh", paper: str = "a4") -> Any:
    """Export a batch (e.g. a day's certificates) on ``worker`` with a progress bar and Cancel."""
    from ui.workers import run_with_progress

    title = parent.tr("Exporting %n PDF(s)…", "", len(inspection_ids))
    return run_with_progress(worker, parent, title, export_batch_job(inspection_ids, kind, folder, lang, paper),
                             on_done=on_done)


def print_certificates_job(inspection_ids: list[str], lang: str = "zh", paper: str = "a4") -> Callable[[Any, Any], bytes]:
    """Worker function: all the certificates in one PDF (one page each), ready for one print job."""

    def job(store: Any, ctx: Any) -> bytes:
        from qcity_desktop.reports import options_for_store
        from qcity_desktop.reports.certificate import render_certificates

        docs = []
        for n, iid in enumerate(inspection_ids, 1):
            ctx.check()
            docs.append(store.inspections.document(iid))
            ctx.progress(n, len(inspection_ids) * 2)
        opts = options_for_store(store, inspection_ids[0], lang, paper) if inspection_ids else None

        def progress(done: int, total: int) -> None:
            ctx.check()
            ctx.progress(total + done, total * 2)

        return render_certificates(docs, opts, progress=progress)

    return job


def print_certificates(worker: Any, parent: QWidget, inspection_ids: list[str], lang: str = "zh",
                       paper: str = "a4") -> Any:
    """Render the batch on ``worker`` with a progress bar, then open the print dialog for all pages."""
    from ui.workers import run_with_progress

    def ready(data: bytes) -> None:
        preview = ReportPreview(parent)
        preview.hide()
        preview.set_pdf(data, "certificates.pdf")
        preview.print_with_dialog()
        preview.deleteLater()

    return run_with_progress(worker, parent, parent.tr("Preparing certificates…"),
                             print_certificates_job(inspection_ids, lang, paper), on_done=ready)


__all__ = ["ReportPreview", "export_batch", "export_batch_job", "print_certificates", "print_pdf_document"]
