"""Preview, print and batch export of the generated PDFs, with real Qt widgets offscreen."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

from qcity_desktop.reports import render
from qcity_desktop.reports.layout import Options
from qcity_desktop.reports.sample import sample_document
from qcity_desktop.reports.signing import verify_payload
from qcity_desktop.store import open_store
from ui.report_preview import ReportPreview, export_batch

needs_render = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")


@pytest.fixture(scope="module")
def certificate_pdf() -> bytes:
    return render("certificate", sample_document(items=10, photos=0)[0], Options())


@pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # the offscreen platform plugin, not us
def test_preview_shows_the_pdf_and_enables_print(qtbot, certificate_pdf: bytes) -> None:
    preview = ReportPreview()
    qtbot.addWidget(preview)
    assert not preview.print_button.isEnabled()
    report = render("report", sample_document(items=60, photos=2)[0], Options())
    preview.set_pdf(report, "report.pdf")
    preview.resize(700, 900)
    preview.show()
    qtbot.waitExposed(preview)
    assert preview.document.status() == QPdfDocument.Status.Ready
    assert preview.page_count() == len(PdfReader(io.BytesIO(report)).pages) >= 2
    assert preview.print_button.isEnabled() and preview.title.text() == "report.pdf"
    preview.set_pdf(certificate_pdf, "cert.pdf")  # replacing the document works and keeps the bytes
    assert preview.page_count() == 1 and preview.pdf_bytes() == certificate_pdf


@needs_render
def test_printing_to_a_pdf_printer_keeps_a_scannable_qr(qtbot, tmp_path: Path, certificate_pdf: bytes) -> None:
    from PIL import Image
    from pyzbar.pyzbar import decode

    preview = ReportPreview()
    qtbot.addWidget(preview)
    preview.set_pdf(certificate_pdf, "cert.pdf")
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    assert preview.print_to(printer) == 1
    assert len(PdfReader(out).pages) == 1
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(out), str(tmp_path / "page")], check=True)
    with Image.open(sorted(tmp_path.glob("page*.png"))[0]) as img:
        codes = [d.data.decode("ascii") for d in decode(img)]
    assert len(codes) == 1 and verify_payload(codes[0]).valid


def test_batch_export_of_certificates_with_progress(qtbot, demo_db: Path, make_worker, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QWidget

    store = open_store(str(demo_db))
    signed = [r[0] for r in store.conn.execute("SELECT id FROM inspections WHERE status = 'signed' ORDER BY id")]
    draft = store.conn.execute("SELECT id FROM inspections WHERE status = 'draft' LIMIT 1").fetchone()[0]
    store.close()
    worker = make_worker(demo_db)
    parent = QWidget()
    qtbot.addWidget(parent)
    done: list[list[str]] = []
    folder = tmp_path / "out"
    export_batch(worker, parent, signed + [draft], "certificate", folder, on_done=done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=60000)
    files = sorted(Path(p) for p in done[0])
    assert len(files) == len(signed) and all(p.parent == folder for p in files)
    assert all(len(PdfReader(p).pages) == 1 for p in files)
    assert all(p.name.startswith("XN") and p.name.endswith("-certificate.pdf") for p in files)
    skipped = (folder / "skipped.txt").read_text(encoding="utf-8")
    assert draft in skipped and "not signed" in skipped
