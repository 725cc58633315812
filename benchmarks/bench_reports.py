"""PDF benchmark: certificate, full report, batch of certificates — as ratios to a minimal PDF.

Targets (issue 5): a certificate ≤ 50 ms, a report of 120 items with 12 photos ≤ 1 s, a batch of
1,000 certificates. Baseline (same run): a one-page reportlab canvas with one line of Helvetica
saved to memory — the floor any reportlab document pays. Photos are camera-sized JPEGs
(4032×3024, every fourth one stored sideways with an EXIF orientation tag).

Usage: python benchmarks/bench_reports.py [BATCH] (default 1000)
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qcity_desktop.reports import render  # noqa: E402
from qcity_desktop.reports.certificate import render_certificates  # noqa: E402
from qcity_desktop.reports.fonts import register_cjk_font  # noqa: E402
from qcity_desktop.reports.layout import Options  # noqa: E402
from qcity_desktop.reports.sample import sample_document  # noqa: E402
from qcity_desktop.reports.signing import load_signing_key  # noqa: E402


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def baseline() -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    c = Canvas(buf)
    c.drawString(72, 720, "QCity")
    c.showPage()
    c.save()
    return buf.getvalue()


def main() -> None:
    batch = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    start = time.perf_counter()
    register_cjk_font()
    font_ms = (time.perf_counter() - start) * 1000
    key = load_signing_key()
    cert_doc, _ = sample_document(items=20, photos=0)
    report_doc, blobs = sample_document(items=120, photos=12, photo_size=(4032, 3024))
    opts = Options(signing_key=key, blob=blobs.get)
    baseline()
    render("certificate", cert_doc, opts)  # warm-up: imports, glyph tables
    base = median_ms(baseline, 50)
    cert = median_ms(lambda: render("certificate", cert_doc, opts), 30)
    cert_a5 = median_ms(lambda: render("certificate", cert_doc, Options(signing_key=key, paper="a5")), 15)
    report = median_ms(lambda: render("report", report_doc, opts), 5)
    notice = median_ms(lambda: render("notice", report_doc, opts), 5)
    docs = []
    for n in range(batch):
        d = dict(cert_doc, certificate_no=f"XNDTZ2026-A7K3-{n:05d}")
        docs.append(d)
    start = time.perf_counter()
    combined = render_certificates(docs, opts)
    combined_s = time.perf_counter() - start
    start = time.perf_counter()
    for d in docs:
        render("certificate", d, opts)
    separate_s = time.perf_counter() - start
    pdf = render("report", report_doc, opts)
    print(f"font load (once per process)       {font_ms:8.1f} ms")
    print(f"baseline: minimal one-page PDF     {base:8.2f} ms")
    print(f"certificate A4                     {cert:8.1f} ms   {cert / base:6.1f} × baseline   (target ≤ 50 ms)")
    print(f"certificate A5                     {cert_a5:8.1f} ms   {cert_a5 / base:6.1f} × baseline")
    print(f"report 120 items + 12 photos       {report:8.1f} ms   {report / base:6.1f} × baseline   (target ≤ 1000 ms)"
          f"   {len(pdf) // 1024} kB")
    print(f"rectification notice               {notice:8.1f} ms   {notice / base:6.1f} × baseline")
    print(f"batch {batch} certificates, one PDF  {combined_s:8.2f} s    {combined_s * 1000 / batch:6.1f} ms each "
          f"{combined_s * 1000 / batch / base:6.1f} × baseline   {len(combined) // 1024} kB")
    print(f"batch {batch} certificates, files    {separate_s:8.2f} s    {separate_s * 1000 / batch:6.1f} ms each "
          f"{separate_s * 1000 / batch / base:6.1f} × baseline")


if __name__ == "__main__":
    main()
