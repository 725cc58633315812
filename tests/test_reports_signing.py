"""The certificate QR: signed payload, decoded from the printed page, any tampering rejected."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization as s
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from qcity_desktop.errors import EnvironmentProblem, InputError, StateError
from qcity_desktop.reports import render
from qcity_desktop.reports.layout import Options
from qcity_desktop.reports.qr import qr_matrix
from qcity_desktop.reports.sample import sample_document
from qcity_desktop.reports.signing import (
    SigningKey,
    TrustedKey,
    certificate_payload,
    key_id,
    load_signing_key,
    parse_payload,
    trusted_keys,
    verify_payload,
)
from qcity_desktop.reports.verify import verify_pdf

needs_render = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")


def _key() -> SigningKey:
    private = Ed25519PrivateKey.generate()
    return SigningKey(private, key_id(private.public_key()), False, "test")


def _trust(*keys: SigningKey, status: str = "active") -> dict[str, TrustedKey]:
    return {k.kid: TrustedKey(k.private.public_key(), k.kid, False, status, "测试局") for k in keys}


@pytest.fixture(scope="module")
def doc() -> dict:
    return sample_document(items=12, photos=0)[0]


def test_payload_carries_the_certificate_facts_and_verifies(doc) -> None:
    key = _key()
    payload = certificate_payload(doc, key)
    assert payload.isascii() and len(payload) < 260  # fits a version-11 QR at level M
    fields = parse_payload(payload)
    assert fields["certificate_no"] == doc["certificate_no"]
    assert fields["subject_id"] == doc["subject"]["id"]
    assert fields["verdict_text"] == "不合格"
    assert (fields["inspected"], fields["issued"], fields["next_due"]) == ("20260301", "20260301", "20270301")
    assert fields["hash_hex"] == doc["content_hash"]
    result = verify_payload(payload, _trust(key))
    assert result.valid and result.key_owner == "测试局"
    assert certificate_payload(doc, key) == payload  # Ed25519 is deterministic: a reprint has the same code


def test_every_changed_byte_is_rejected(doc) -> None:
    key = _key()
    payload = certificate_payload(doc, key)
    keys = _trust(key)
    for i, ch in enumerate(payload):
        for replacement in {"A", "B", "0", "|", "_", "é"} - {ch}:
            forged = payload[:i] + replacement + payload[i + 1:]
            assert not verify_payload(forged, keys).valid, (i, replacement)
    assert not verify_payload(payload + "A", keys).valid
    assert not verify_payload(payload[:-1], keys).valid
    assert not verify_payload(payload + "\n", keys).valid
    assert not verify_payload(" " + payload, keys).valid


def test_changed_verdict_or_date_says_signature_mismatch(doc) -> None:
    key = _key()
    payload = certificate_payload(doc, key)
    forged = payload.replace("|F|", "|P|").replace("|20270301|", "|20290301|")
    result = verify_payload(forged, _trust(key))
    assert not result.valid and "签名不符" in result.reason and result.fields["verdict"] == "P"


def test_unknown_revoked_and_demo_keys(doc) -> None:
    ours, theirs = _key(), _key()
    payload = certificate_payload(doc, theirs)
    unknown = verify_payload(payload, _trust(ours))
    assert not unknown.valid and "未知签发密钥" in unknown.reason
    revoked = verify_payload(certificate_payload(doc, ours), _trust(ours, status="revoked"))
    assert not revoked.valid and "吊销" in revoked.reason
    demo = load_signing_key()
    assert demo.demo and demo.kid in trusted_keys()
    demo_payload = certificate_payload(doc, demo)
    assert verify_payload(demo_payload).valid and verify_payload(demo_payload).demo
    assert not verify_payload(demo_payload, allow_demo=False).valid


def test_garbage_is_reported_not_raised() -> None:
    for text in ("", "hello", "QC1|x", "https://example.com/?c=1", "QC1|" + "|" * 9):
        result = verify_payload(text)
        assert not result.valid and result.reason


def test_certificate_payload_refuses_unsigned() -> None:
    draft = sample_document(items=5, photos=0, signed=False)[0]
    with pytest.raises(StateError, match="not signed"):
        certificate_payload(draft, _key())


def test_signing_key_from_environment_and_keyring_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, doc) -> None:
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(s.Encoding.PEM, s.PrivateFormat.PKCS8, s.NoEncryption())
    path = tmp_path / "bureau.pem"
    path.write_bytes(pem)
    monkeypatch.setenv("QCITY_SIGNING_KEY", str(path))
    key = load_signing_key()
    assert not key.demo and key.kid == key_id(private.public_key())
    # a verifier that has not been given the new public key rejects it; publishing it fixes that
    payload = certificate_payload(doc, key)
    assert not verify_payload(payload).valid
    pub_dir = tmp_path / "trusted"
    pub_dir.mkdir()
    (pub_dir / f"bureau-{key.kid}.pub.pem").write_bytes(
        private.public_key().public_bytes(s.Encoding.PEM, s.PublicFormat.SubjectPublicKeyInfo))
    monkeypatch.setenv("QCITY_TRUSTED_KEYS", str(pub_dir))
    assert verify_payload(payload).valid
    path.write_text("not a key")
    with pytest.raises(EnvironmentProblem, match="cannot be read"):
        load_signing_key()
    monkeypatch.delenv("QCITY_SIGNING_KEY")
    monkeypatch.setenv("QCITY_REQUIRE_REAL_KEY", "1")
    with pytest.raises(EnvironmentProblem, match="enrol"):
        load_signing_key()


def _decode_page(pdf: bytes, tmp_path: Path, dpi: int) -> list[bytes]:
    from PIL import Image
    from pyzbar.pyzbar import decode

    src = tmp_path / "doc.pdf"
    src.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-f", "1", "-l", "1", "-png", str(src), str(tmp_path / "p")], check=True)
    png = sorted(tmp_path.glob("p*.png"))[0]
    with Image.open(png) as img:
        return [sym.data for sym in decode(img)]


@needs_render
@pytest.mark.parametrize("paper", ["a4", "a5"])
def test_qr_decoded_from_the_printed_page_verifies(doc, tmp_path: Path, paper: str) -> None:
    pdf = render("certificate", doc, Options(paper=paper))
    codes = _decode_page(pdf, tmp_path, dpi=150)
    assert len(codes) == 1
    result = verify_payload(codes[0].decode("ascii"))
    assert result.valid and result.fields["certificate_no"] == doc["certificate_no"]


@needs_render
def test_report_first_page_carries_the_same_code(doc, tmp_path: Path) -> None:
    pdf = render("report", doc, Options())
    codes = _decode_page(pdf, tmp_path, dpi=150)
    assert codes and verify_payload(codes[0].decode("ascii")).valid


@needs_render
def test_verify_pdf_accepts_the_genuine_file_and_rejects_a_doctored_one(doc, tmp_path: Path) -> None:
    genuine = tmp_path / "cert.pdf"
    genuine.write_bytes(render("certificate", doc, Options()))
    ok = verify_pdf(genuine)
    assert ok.valid, ok.as_dict()
    assert all(c["ok"] for c in ok.checks), ok.checks
    # A genuine code (and embedded copy) pasted onto a page that prints a better verdict and due date.
    from reportlab.pdfgen.canvas import Canvas

    from qcity_desktop.reports.certificate import draw_certificate
    from qcity_desktop.reports.fonts import register_cjk_font

    genuine_payload = ok.payload
    other = dict(doc, verdict="合格", next_due="2030-01-01")
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(595.2756, 841.8898), initialFontName=register_cjk_font())
    canvas.setKeywords(genuine_payload)
    draw_certificate(canvas, other, Options(), load_signing_key(), payload=genuine_payload)
    canvas.showPage()
    canvas.save()
    doctored = tmp_path / "doctored.pdf"
    doctored.write_bytes(buf.getvalue())
    result = verify_pdf(doctored)
    assert not result.valid and "印刷内容与签名二维码不符" in result.reason, result.as_dict()
    failed = {c["check"] for c in result.checks if c["ok"] is False}
    assert failed == {"printed verdict", "printed due date"}
    # A certificate whose embedded copy was edited (a changed byte in the file) is rejected.
    data = genuine.read_bytes()
    edited = data.replace(b"|F|", b"|P|", 1)
    assert edited != data
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(edited)
    bad = verify_pdf(tampered)
    assert not bad.valid and "二维码与文件内嵌副本不一致" in bad.reason


def test_verify_pdf_on_non_pdf(tmp_path: Path) -> None:
    junk = tmp_path / "x.pdf"
    junk.write_bytes(b"hello")
    assert not verify_pdf(junk).valid
    with pytest.raises(InputError):
        verify_pdf(tmp_path / "missing.pdf")


@needs_render
def test_qr_encoder_round_trips_many_lengths(tmp_path: Path) -> None:
    """Our mask selection must give a standard symbol for every version we may produce."""
    from PIL import Image
    from pyzbar.pyzbar import decode

    for n in (1, 17, 60, 140, 230, 330, 600):
        text = ("QC1|" + "x9-Z" * 200)[:n]
        matrix = qr_matrix(text)
        size = len(matrix) + 8
        img = Image.new("L", (size, size), 255)
        for r, row in enumerate(matrix):
            for c, dark in enumerate(row):
                if dark:
                    img.putpixel((c + 4, r + 4), 0)
        img = img.resize((size * 6, size * 6), Image.NEAREST)
        assert [d.data.decode() for d in decode(img)] == [text], n


def test_payload_fits_in_pdf_metadata(doc) -> None:
    from pypdf import PdfReader

    pdf = render("certificate", doc, Options())
    keywords = PdfReader(io.BytesIO(pdf)).metadata.get("/Keywords")
    assert keywords.startswith("QC1|") and verify_payload(keywords).valid


@needs_render
@pytest.mark.parametrize("kind", ["certificate", "report"])
def test_verify_pdf_in_english_on_a5(doc, tmp_path: Path, kind: str) -> None:
    """The printed-text cross-check reads English labels and A5's smaller QR just as well."""
    path = tmp_path / f"{kind}.pdf"
    path.write_bytes(render(kind, doc, Options(lang="en", paper="a5")))
    result = verify_pdf(path)
    assert result.valid, result.as_dict()
    assert [c["check"] for c in result.checks if c["ok"] is not True] == []
