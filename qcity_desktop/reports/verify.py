"""`qcity verify`: is this certificate genuine? Offline, with the bureau's public key.

What is checked, in order of what a forger would try:
1. the QR code as printed (page rendered with pdftoppm, decoded with zbar) — the signature must
   verify against a trusted, unrevoked key;
2. the copy of the payload embedded in the PDF's metadata must equal the QR (a swapped QR shows);
3. the printed text must carry the same certificate number, verdict and due date as the signed
   code, so a genuine QR pasted onto a doctored page is caught.
When a tool is missing (no pdftoppm/zbar, no pdftotext), the check that needs it is reported as
skipped rather than passed, and the verdict rests on what could be checked.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qcity_desktop.errors import InputError
from qcity_desktop.reports.signing import PREFIX, Verification, verify_payload


@dataclass
class PdfVerification:
    valid: bool
    reason: str
    payload: str = ""
    signature: Verification | None = None
    checks: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        out = {"valid": self.valid, "reason": self.reason, "payload": self.payload, "checks": self.checks}
        if self.signature is not None:
            out.update({k: v for k, v in self.signature.as_dict().items() if k not in ("valid", "reason")})
            out["signature_reason"] = self.signature.reason
        return out


def decode_qr_codes(pdf: Path, page: int = 1, dpi: int = 300) -> list[str] | None:
    """Texts of the QR codes on ``page`` as rendered; None when pdftoppm or zbar is not available."""
    if shutil.which("pdftoppm") is None:
        return None
    try:
        from PIL import Image
        from pyzbar.pyzbar import ZBarSymbol, decode
    except (ImportError, OSError):  # pyzbar not installed, or the zbar shared library missing
        return None
    with tempfile.TemporaryDirectory(prefix="qcity-verify-") as tmp:
        out = Path(tmp) / "page"
        proc = subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-gray", "-png", str(pdf),
                               str(out)], capture_output=True, timeout=120)
        if proc.returncode != 0:
            raise InputError(f"{pdf}: cannot render the page to look for the QR code "
                             f"({proc.stderr.decode(errors='replace').strip() or 'pdftoppm failed'})")
        images = sorted(Path(tmp).glob("page*.png"))
        if not images:
            return []
        with Image.open(images[0]) as img:
            return [s.data.decode("latin-1") for s in decode(img, symbols=[ZBarSymbol.QRCODE])]


def embedded_payload(data: bytes) -> str | None:
    """The payload copy the renderer puts in the PDF's Keywords; None if there is none."""
    match = re.search(rb"/Keywords\s*\((" + PREFIX.encode() + rb"\|[^)]*)\)", data)
    return match.group(1).decode("latin-1") if match else None


def printed_text(pdf: Path) -> str | None:
    """The page text as printed (pdftotext), None when pdftotext is not installed."""
    if shutil.which("pdftotext") is None:
        return None
    proc = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          timeout=60)
    return proc.stdout.decode("utf-8", errors="replace") if proc.returncode == 0 else None


def _printed_dates(yyyymmdd: str) -> list[str]:
    if not re.fullmatch(r"\d{8}", yyyymmdd):
        return []
    y, m, d = yyyymmdd[:4], yyyymmdd[4:6], yyyymmdd[6:]
    return [f"{y}年{m}月{d}日", f"{y}-{m}-{d}"]


def cross_check(text: str, fields: dict[str, str]) -> list[dict[str, Any]]:
    """Does the printed page say what the signed code says? Values are looked for right after
    their printed label, so a "不合格" in a remark cannot stand in for the conclusion."""
    from qcity_desktop.reports.labels import t, verdict_text

    flat = re.sub(r"\s+", "", text)

    def after(labels: list[str], values: list[str]) -> bool:
        return any(re.sub(r"\s+", "", label) + re.sub(r"\s+", "", value) in flat for label in labels for value in values)

    checks = [{"check": "printed certificate number", "ok": fields["certificate_no"] in flat,
               "detail": fields["certificate_no"]}]
    verdict = fields.get("verdict_text")
    if verdict:
        ok = after([t("verdict", "zh"), t("verdict", "en")], [verdict_text(verdict, "zh"), verdict_text(verdict, "en")])
        checks.append({"check": "printed verdict", "ok": ok, "detail": verdict})
    dates = _printed_dates(fields.get("next_due", "-"))
    if dates:
        labels = [t(k, lang) for k in ("valid_until", "next_due") for lang in ("zh", "en")]
        checks.append({"check": "printed due date", "ok": after(labels, dates), "detail": dates[-1]})
    return checks


def verify_pdf(path: str | Path, *, allow_demo: bool = True) -> PdfVerification:
    """Verify a certificate (or report) PDF; never raises for a forged or damaged file."""
    pdf = Path(path)
    try:
        data = pdf.read_bytes()
    except OSError as err:
        raise InputError(f"cannot read {pdf}: {err.strerror}") from err
    if not data.startswith(b"%PDF"):
        return PdfVerification(False, f"不是 PDF 文件 / not a PDF file: {pdf}")
    checks: list[dict[str, Any]] = []
    codes = decode_qr_codes(pdf, dpi=200)
    if codes is not None and not any(c.startswith(PREFIX + "|") for c in codes):
        codes = decode_qr_codes(pdf, dpi=400)  # a small or worn print: look closer before giving up
    embedded = embedded_payload(data)
    ours = [c for c in (codes or []) if c.startswith(PREFIX + "|")]
    if codes is None:
        checks.append({"check": "QR decoded from the rendered page", "ok": None,
                       "detail": "skipped: pdftoppm or zbar not installed; using the embedded copy"})
        payload = embedded
    else:
        checks.append({"check": "QR decoded from the rendered page", "ok": bool(ours),
                       "detail": f"{len(ours)} QCity code(s) found"})
        payload = ours[0] if ours else None
        if ours and embedded is not None:
            checks.append({"check": "QR equals the embedded copy", "ok": embedded == ours[0], "detail": ""})
            if embedded != ours[0]:
                return PdfVerification(False, "二维码与文件内嵌副本不一致 / the QR code differs from the copy embedded "
                                       "in the file", ours[0], verify_payload(ours[0], allow_demo=allow_demo), checks)
    if not payload:
        return PdfVerification(False, "未找到证书二维码 / no QCity certificate code found in the file", "", None, checks)
    result = verify_payload(payload, allow_demo=allow_demo)
    if not result.valid:
        return PdfVerification(False, result.reason, payload, result, checks)
    text = printed_text(pdf)
    if text is None:
        checks.append({"check": "printed text matches the code", "ok": None, "detail": "skipped: pdftotext not installed"})
    else:
        text_checks = cross_check(text, result.fields)
        checks += text_checks
        bad = [c for c in text_checks if c["ok"] is False]
        if bad:
            names = ", ".join(c["check"] for c in bad)
            return PdfVerification(False, f"印刷内容与签名二维码不符 / the printed page does not match the signed code "
                                   f"({names})", payload, result, checks)
    return PdfVerification(True, result.reason, payload, result, checks)
