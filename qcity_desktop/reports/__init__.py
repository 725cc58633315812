"""PDF documents of an inspection: report, certificate, rectification notice, scale test record.

Qt-free and store-free at the core: every renderer takes the canonical inspection document
(``store.inspections.document(id)``) plus ``Options`` and returns PDF bytes, so the CLI, the desktop
preview, batch export and the tests all print exactly the same thing. ``render_for_store`` is
the convenience that fetches what the document refers to (photos, notice number) from a store.
"""

from __future__ import annotations

from typing import Any

from qcity_desktop.errors import InputError

KINDS = ("report", "certificate", "notice", "scale-record")


def render(kind: str, document: dict[str, Any], options: Any = None) -> bytes:
    """PDF bytes of one document kind; ``options`` is a ``layout.Options`` (defaults: zh, A4)."""
    from qcity_desktop.reports.layout import Options

    opts = options or Options()
    if kind == "report":
        from qcity_desktop.reports.report import render_report

        return render_report(document, opts)
    if kind == "certificate":
        from qcity_desktop.reports.certificate import render_certificate

        return render_certificate(document, opts)
    if kind == "notice":
        from qcity_desktop.reports.notice import render_notice

        return render_notice(document, opts)
    if kind == "scale-record":
        from qcity_desktop.reports.scale_record import render_scale_record

        return render_scale_record(document, opts)
    raise InputError(f"unknown document kind {kind!r} (use one of {', '.join(KINDS)})")


def options_for_store(store: Any, inspection_id: str, lang: str = "zh", paper: str = "a4") -> Any:
    """Options whose photos and notice number come from ``store``."""
    from qcity_desktop.errors import NotFoundError
    from qcity_desktop.reports.layout import Options
    from qcity_desktop.store.numbering import numbers_for

    def blob(sha256: str) -> bytes | None:
        try:
            return store.blobs.get(sha256)
        except NotFoundError:
            return None  # printed as "(photo missing)": a lost photo must not stop the report

    numbers = {kind: entry["number"] for kind, entry in numbers_for(store.conn, inspection_id).items()
               if entry.get("status") == "valid"}
    return Options(lang=lang, paper=paper, blob=blob, numbers=numbers)


def render_for_store(store: Any, inspection_id: str, kind: str, lang: str = "zh", paper: str = "a4") -> bytes:
    """Fetch the inspection from ``store`` and render one document kind."""
    document = store.inspections.document(inspection_id)
    return render(kind, document, options_for_store(store, inspection_id, lang, paper))
