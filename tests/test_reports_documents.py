"""The PDFs as a reader gets them: text read back (Chinese included), pages, fonts, nothing off the page."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pdfminer.high_level import extract_pages, extract_text
from pdfminer.layout import LTChar, LTCurve, LTFigure, LTImage, LTTextContainer
from pypdf import PdfReader

from qcity_desktop.errors import InputError, StateError
from qcity_desktop.reports import render
from qcity_desktop.reports.layout import Options
from qcity_desktop.reports.sample import sample_document, sample_scale_document

needs_poppler = pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")


@pytest.fixture(scope="module")
def elevator() -> tuple[dict, dict]:
    return sample_document(items=120, photos=12, failed=2)


def _pages_text(pdf: bytes) -> list[str]:
    return [extract_text(io.BytesIO(pdf), page_numbers=[i]) for i in range(len(PdfReader(io.BytesIO(pdf)).pages))]


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _walk(items):
    for obj in items:
        yield obj
        if isinstance(obj, (LTTextContainer, LTFigure)) or hasattr(obj, "__iter__") and not isinstance(obj, LTChar):
            try:
                yield from _walk(obj)
            except TypeError:
                pass


def assert_inside_page(pdf: bytes, margin: float = 5.0) -> int:
    """Every character, image and line lies within the page (less a small print margin)."""
    checked = 0
    for page in extract_pages(io.BytesIO(pdf)):
        x0, y0, x1, y1 = page.bbox
        for obj in _walk(page):
            if isinstance(obj, (LTChar, LTImage, LTCurve)):
                checked += 1
                assert obj.x0 >= x0 + margin - 0.01 and obj.x1 <= x1 - margin + 0.01, (page.pageid, obj)
                assert obj.y0 >= y0 + margin - 0.01 and obj.y1 <= y1 - margin + 0.01, (page.pageid, obj)
    return checked


def test_report_reads_back_in_chinese_with_page_x_of_y_and_end_mark(elevator) -> None:
    doc, blobs = elevator
    pdf = render("report", doc, Options(blob=blobs.get))
    pages = _pages_text(pdf)
    total = len(pages)
    assert 4 <= total <= 8  # 120 items, measurements, findings, 12 photos, signatures on A4
    for n, text in enumerate(pages, 1):
        flat = _flat(text)
        assert f"第{n}页共" in flat and f"{total}页" in flat, f"page {n} lacks 'page {n} of {total}'"
        assert doc["report_no"] in flat, f"page {n} lacks the report number"
    everything = _flat("".join(pages))
    for words in ("检验报告", "基本信息", "检验结论", "不合格", "曳引与强制驱动电梯定期检验", "温泉花园3号楼1号电梯",
                  "TSG T7001-2009", "检验项目及结果", "测量数据", "不合格项目及整改要求", "现场照片", "检验", "审核", "批准",
                  "现场代表", "张伟", "王芳", "刘强", "陈明", "门锁啮合深度不足7mm"):
        assert _flat(words) in everything, words
    assert everything.endswith(f"—报告完毕—检验报告第{total}页共{total}页") or "—报告完毕—" in _flat(pages[-1])
    # every item is listed once with its number
    for section in doc["sections"]:
        for item in section["items"]:
            assert _flat(item["title"]["zh"]) in everything
    assert PdfReader(io.BytesIO(pdf)).metadata.title.startswith("检验报告")


def test_report_photos_are_upright_thumbnails(elevator) -> None:
    doc, blobs = elevator
    pdf = render("report", doc, Options(blob=blobs.get))
    reader = PdfReader(io.BytesIO(pdf))
    images = [img for page in reader.pages for img in page.images]
    assert len(images) == 12
    sizes = [img.image.size for img in images]
    # photo 2 is stored landscape with EXIF orientation 6 (rotate 90°): it must come out portrait
    assert sum(1 for w, h in sizes if h > w) == 3, sizes
    assert all(max(w, h) <= 700 for w, h in sizes), "thumbnails, not the camera originals"
    assert len(pdf) < 1_500_000


def test_missing_photo_prints_a_placeholder_not_a_crash(elevator) -> None:
    doc, _ = elevator
    pdf = render("report", doc, Options(blob=lambda sha: None))
    assert "照片缺失" in _flat(extract_text(io.BytesIO(pdf)))


@pytest.mark.parametrize("paper, lang", [("a4", "zh"), ("a5", "zh"), ("a4", "en"), ("a5", "en")])
def test_nothing_is_drawn_outside_the_page(elevator, paper: str, lang: str) -> None:
    doc, blobs = elevator
    long_doc = dict(doc)
    long_doc["subject"] = dict(doc["subject"], name="超长名称" * 40, address="湖北省咸宁市" * 30, owner="A" * 300)
    long_doc["remark"] = "很长的备注" * 200
    for kind in ("report", "certificate", "notice"):
        pdf = render(kind, long_doc, Options(blob=blobs.get, paper=paper, lang=lang))
        assert assert_inside_page(pdf) > 100


def test_a5_pages_are_a5_and_english_is_english(elevator) -> None:
    doc, blobs = elevator
    pdf = render("report", doc, Options(blob=blobs.get, paper="a5", lang="en"))
    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (420, 595)
    text = _flat(extract_text(io.BytesIO(pdf)))
    assert "InspectionReport" in text and "Page1of" in text and "—EndofReport—" in text
    assert "Non-conformities" in text and "检验报告" not in text
    a4_pages = len(PdfReader(io.BytesIO(render("report", doc, Options(blob=blobs.get)))).pages)
    assert len(reader.pages) > a4_pages


def test_certificate_is_one_page_with_the_facts(elevator) -> None:
    doc, _ = elevator
    for paper in ("a4", "a5"):
        pdf = render("certificate", doc, Options(paper=paper))
        reader = PdfReader(io.BytesIO(pdf))
        assert len(reader.pages) == 1
        text = _flat(extract_text(io.BytesIO(pdf)))
        for words in ("检验证书", doc["certificate_no"], "温泉花园3号楼1号电梯", "不合格", "下次检验日期", "2027年03月01日",
                      "扫码验证真伪", "演示密钥签名", doc["report_no"]):
            assert words in text, (paper, words)


def test_certificate_of_an_unsigned_inspection_is_a_clear_error() -> None:
    draft, _ = sample_document(items=10, photos=0, signed=False)
    with pytest.raises(StateError, match="not signed"):
        render("certificate", draft, Options())


def test_unsigned_report_is_marked_draft_and_has_no_qr() -> None:
    draft, _ = sample_document(items=10, photos=0, signed=False)
    pdf = render("report", draft, Options())
    text = _flat(extract_text(io.BytesIO(pdf)))
    assert "草稿" in text and "未签署" in text
    assert b"QC1|" not in pdf


def test_notice_lists_failed_items_rules_deadlines_and_both_signatures(elevator) -> None:
    doc, _ = elevator
    pdf = render("notice", doc, Options(numbers={"notice": "XNDTT2026-A7K3-00001"}))
    text = _flat(extract_text(io.BytesIO(pdf)))
    assert "整改通知书" in text and "XNDTT2026-A7K3-00001" in text
    assert "致：咸宁温泉花园物业服务有限公司" in text
    for f in doc["findings"]:
        assert _flat(f["description"]) in text and _flat(f["rule"]) in text
    assert "2026年03月31日" in text
    assert "检验人员（签字）" in text and "被检单位代表（签字）" in text and "十五日内" in text


def test_notice_without_findings_is_refused() -> None:
    doc, _ = sample_document(items=10, photos=0, failed=0)
    with pytest.raises(StateError, match="no findings"):
        render("notice", doc, Options())


def test_scale_record_shows_points_errors_mpe_and_repeatability() -> None:
    doc, _ = sample_scale_document()
    pdf = render("scale-record", doc, Options())
    text = _flat(extract_text(io.BytesIO(pdf)))
    for words in ("计量器具检查记录", "称量", "偏载", "重复性", "误差E", "MPE", "20010", "合格", "JJG539-2016",
                  "重复性极差10g（允许10g）", "—记录完毕—", "最大秤量Max(g)", "30000"):
        assert words in text, words
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1


def test_scale_record_needs_measurements() -> None:
    doc, _ = sample_scale_document()
    doc["measurements"] = []
    with pytest.raises(StateError, match="no measurements"):
        render("scale-record", doc, Options())


def test_bad_options_are_input_errors() -> None:
    with pytest.raises(InputError, match="paper"):
        Options(paper="letter")
    with pytest.raises(InputError, match="language"):
        Options(lang="fr")
    with pytest.raises(InputError, match="document kind"):
        render("invoice", {}, Options())


@needs_poppler
def test_pdffonts_shows_only_the_embedded_cjk_font(elevator, tmp_path: Path) -> None:
    doc, blobs = elevator
    for kind in ("report", "certificate", "notice"):
        path = tmp_path / f"{kind}.pdf"
        path.write_bytes(render(kind, doc, Options(blob=blobs.get)))
        out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
        rows = out.strip().splitlines()[2:]
        assert rows, out
        for row in rows:
            assert "WenQuanYiMicroHei" in row and "TrueType" in row, row
            emb, sub = row.split()[-5:-3]
            assert (emb, sub) == ("yes", "yes"), row


def test_font_override_must_be_truetype(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from qcity_desktop.errors import EnvironmentProblem
    from qcity_desktop.reports import fonts

    otf = tmp_path / "NotoSansCJK.otf"
    otf.write_bytes(b"OTTO" + b"\0" * 64)
    monkeypatch.setenv("QCITY_CJK_FONT", f"{otf}#0")
    assert fonts.candidates()[0] == (otf, 0, "QCITY_CJK_FONT")  # the user's choice is tried first
    with pytest.raises(EnvironmentProblem, match="not a TrueType"):
        fonts._load(otf, 0)
    assert fonts.missing_chars("检验报告 ABC") == []
    assert fonts.missing_chars("𠀀") == ["𠀀"]  # CJK Extension B is outside the shipped font
