"""Photo evidence: a sideways phone photo is stored upright, big ones are shrunk, the same photo is stored once."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from qcity_desktop.errors import EnvironmentProblem, InputError
from qcity_desktop.photos import image_size, make_thumbnail, prepare_photo, read_photo_file
from qcity_desktop.store import open_store

RED = (220, 20, 20)
BLUE = (20, 20, 220)


def sideways_jpeg(orientation: int = 6, size: tuple[int, int] = (80, 40)) -> bytes:
    """A landscape JPEG as a phone stores a portrait shot: left half red, right half blue,
    with the EXIF tag saying 'turn 90° clockwise to view' (orientation 6)."""
    w, h = size
    img = Image.new("RGB", size, BLUE)
    img.paste(RED, (0, 0, w // 2, h))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "TestPhone"  # Make: evidence metadata that must survive
    out = io.BytesIO()
    img.save(out, "JPEG", quality=95, exif=exif.tobytes())
    return out.getvalue()


def colour_at(data: bytes, xy: tuple[int, int]) -> tuple[int, int, int]:
    return Image.open(io.BytesIO(data)).convert("RGB").getpixel(xy)


def close(a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
    return all(abs(x - y) < 40 for x, y in zip(a, b, strict=True))


def test_exif_rotated_photo_comes_out_upright() -> None:
    raw = sideways_jpeg(6)
    assert Image.open(io.BytesIO(raw)).size == (80, 40)
    photo = prepare_photo(raw)
    assert photo.rotated and not photo.downsized
    assert (photo.width, photo.height) == (40, 80)
    img = Image.open(io.BytesIO(photo.data))
    assert img.size == (40, 80)
    # turned clockwise: what was on the left is now at the top
    assert close(colour_at(photo.data, (20, 5)), RED)
    assert close(colour_at(photo.data, (20, 75)), BLUE)
    exif = img.getexif()
    assert exif.get(0x0112, 1) == 1, "the orientation tag must not turn it a second time"
    assert exif.get(0x010F) == "TestPhone", "other EXIF evidence is kept"
    assert image_size(photo.data) == (40, 80)
    assert image_size(raw) == (40, 80)


def test_orientation_8_turns_the_other_way() -> None:
    photo = prepare_photo(sideways_jpeg(8))
    assert (photo.width, photo.height) == (40, 80)
    assert close(colour_at(photo.data, (20, 75)), RED)


def test_upright_photo_is_kept_byte_for_byte() -> None:
    out = io.BytesIO()
    Image.new("RGB", (60, 30), RED).save(out, "JPEG")
    raw = out.getvalue()
    photo = prepare_photo(raw)
    assert photo.data == raw
    assert photo.mime == "image/jpeg"
    assert not photo.rotated and not photo.downsized


def test_large_original_is_downsized_to_the_setting() -> None:
    out = io.BytesIO()
    Image.new("RGB", (3000, 2000), BLUE).save(out, "JPEG")
    photo = prepare_photo(out.getvalue(), max_side=1200)
    assert photo.downsized
    assert (photo.width, photo.height) == (1200, 800)
    assert Image.open(io.BytesIO(photo.data)).size == (1200, 800)
    assert len(photo.data) < len(out.getvalue())
    # 0 / None keeps full resolution
    assert prepare_photo(out.getvalue(), max_side=0).width == 3000


def test_rotated_and_large_uses_the_upright_long_edge() -> None:
    photo = prepare_photo(sideways_jpeg(6, size=(2000, 1000)), max_side=500)
    assert (photo.width, photo.height) == (250, 500)
    assert close(colour_at(photo.data, (125, 20)), RED)


def test_transparent_png_stays_png_and_other_formats_become_jpeg() -> None:
    out = io.BytesIO()
    Image.new("RGBA", (50, 50), (0, 0, 0, 0)).save(out, "PNG")
    assert prepare_photo(out.getvalue()).mime == "image/png"
    bmp = io.BytesIO()
    Image.new("RGB", (50, 50), RED).save(bmp, "BMP")
    photo = prepare_photo(bmp.getvalue())
    assert photo.mime == "image/jpeg" and photo.extension == ".jpg"
    assert Image.open(io.BytesIO(photo.data)).format == "JPEG"


def test_same_photo_twice_is_prepared_identically_and_stored_once(tmp_path: Path) -> None:
    raw = sideways_jpeg(6, size=(1600, 900))
    a = prepare_photo(raw, max_side=800)
    b = prepare_photo(raw, max_side=800)
    assert a.data == b.data, "processing must be deterministic or the store keeps duplicates"
    store = open_store(tmp_path / "p.db")
    sid, _ = store.subjects.add("scale", {"name": "张记水果摊 1号秤", "serial_no": "SN-001"})
    iid = store.inspections.create(sid, "scale-market-in-service", inspectors=["李检"])
    store.attachments.add(iid, a.data, a.mime, item_id="S1.3", filename="seal.jpg")
    store.attachments.add(iid, b.data, b.mime, item_id="S1.3", filename="seal-again.jpg")
    rows = store.attachments.for_inspection(iid)
    assert len(rows) == 2 and rows[0]["sha256"] == rows[1]["sha256"]
    assert store.conn.execute("SELECT COUNT(*) FROM blobs").fetchone()[0] == 1
    assert store.blobs.get(rows[0]["sha256"]) == a.data
    store.close()


def test_thumbnail_fits_the_box_and_is_upright() -> None:
    thumb = make_thumbnail(sideways_jpeg(6, size=(800, 400)), side=100)
    img = Image.open(io.BytesIO(thumb))
    assert img.size == (50, 100)
    assert close(colour_at(thumb, (25, 5)), RED)


def test_not_a_picture_is_a_clear_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="不是可识别的图片"):
        prepare_photo(b"%PDF-1.4 not an image")
    bad = tmp_path / "notes.txt"
    bad.write_text("hello")
    with pytest.raises(InputError, match="notes.txt"):
        read_photo_file(bad)
    with pytest.raises(EnvironmentProblem, match="不存在"):
        read_photo_file(tmp_path / "gone.jpg")


def test_read_photo_file_reads_and_prepares(tmp_path: Path) -> None:
    path = tmp_path / "门缝.jpg"
    path.write_bytes(sideways_jpeg(6))
    photo = read_photo_file(path, max_side=2560)
    assert (photo.width, photo.height) == (40, 80)
