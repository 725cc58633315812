"""A realistic inspection document, built in memory, for benchmarks, previews and tests.

Why here and not only in tests: the benchmark, the UI preview's demo mode and the tests all need
the same full-size document (120 items, 12 photos, measurements, findings) without a database,
and the shape is exactly what ``store.inspections.document(id)`` returns.
"""

from __future__ import annotations

import hashlib
import io
import json
from decimal import Decimal
from typing import Any

SECTIONS = [
    ("1", "技术资料", "Technical documents", ["使用登记资料", "安全技术档案", "管理规章制度", "日常维护保养合同", "作业人员证"]),
    ("2", "机房及相关设备", "Machine room", ["通道与通道门", "照明、照明开关", "主开关", "驱动主机工作状况", "轮槽磨损",
                                          "制动器动作情况", "手动紧急操作装置", "断错相保护", "紧急电动运行装置", "限速器电气安全装置",
                                          "限速器动作速度校验", "接地连接", "电气绝缘"]),
    ("3", "井道及相关设备", "Well", ["井道安全门", "井道检修门", "轿厢与井道壁距离", "极限开关", "井道照明", "底坑设施与装置",
                                   "限速绳张紧装置", "缓冲器固定和完好情况", "对重越程距离"]),
    ("4", "轿厢与对重", "Car and counterweight", ["轿顶检修装置", "轿顶停止装置", "安全窗电气安全装置", "对重块固定",
                                               "紧急照明", "紧急报警装置", "地坎护脚板", "超载保护装置"]),
    ("5", "悬挂装置及旋转部件防护", "Suspension", ["钢丝绳磨损、断丝", "绳端固定", "补偿装置", "松绳保护", "旋转部件的防护"]),
    ("6", "轿门与层门", "Doors", ["门扇间隙", "玻璃门防拖曳措施", "防止门夹人的保护装置", "门的运行与导向", "自动关闭层门装置",
                               "紧急开锁装置", "层门门锁装置", "轿门门锁装置", "门的闭合", "门刀与地坎间隙"]),
    ("8", "试验", "Tests", ["平衡系数试验", "上行超速保护装置试验", "意外移动保护装置试验", "轿厢限速器-安全钳试验",
                          "运行试验", "应急救援试验", "空载曳引检查", "制动试验"]),
]


def _photo(index: int, orientation: int = 1, size: tuple[int, int] = (1600, 1200)) -> bytes:
    """A camera-like JPEG: gradient, a frame and a big number, with an EXIF orientation tag."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", size, (40 + index * 15 % 200, 90, 160))
    draw = ImageDraw.Draw(img)
    for x in range(0, size[0], 40):
        draw.line([(x, 0), (x, size[1])], fill=(200, 200 - x % 150, 120), width=6)
    draw.rectangle([20, 20, size[0] - 20, size[1] - 20], outline=(255, 255, 0), width=12)
    draw.rectangle([60, 60, 360, 200], fill=(255, 255, 255))  # "top-left" marker for orientation checks
    draw.text((80, 90), f"PHOTO {index}", fill=(0, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = orientation
    out = io.BytesIO()
    img.save(out, "JPEG", quality=88, exif=exif.tobytes())
    return out.getvalue()


def sample_document(items: int = 60, photos: int = 4, *, signed: bool = True, failed: int = 2,
                    kind: str = "elevator", photo_size: tuple[int, int] = (1600, 1200)) -> tuple[dict[str, Any], dict[str, bytes]]:
    """(document, blobs by sha256): an elevator periodic inspection with ``items`` answered items."""
    blobs: dict[str, bytes] = {}
    flat = [(sec, title_zh, title_en, name) for sec, title_zh, title_en, names in SECTIONS for name in names]
    sections: list[dict[str, Any]] = []
    by_section: dict[str, dict[str, Any]] = {}
    failed_ids = []
    for n in range(items):
        sec, title_zh, title_en, name = flat[n % len(flat)]
        round_no = n // len(flat)
        section = by_section.get(sec)
        if section is None:
            section = {"id": sec, "title": {"zh": title_zh, "en": title_en}, "items": []}
            by_section[sec] = section
            sections.append(section)
        item_id = f"{sec}.{len(section['items']) + 1}"
        result = "pass"
        if n % 17 == 5:
            result = "na"
        if len(failed_ids) < failed and n % 23 == 7:
            result = "fail"
            failed_ids.append(item_id)
        measured = n % 11 == 3
        section["items"].append({
            "id": item_id, "title": {"zh": name + (f"（{round_no + 1}）" if round_no else ""), "en": name},
            "type": "measure" if measured else "check", "unit": "mm" if measured else "",
            "clause": f"TSG T7001-2009 {item_id}", "attrs": {"class": "B" if n % 3 else "C"},
            "parent": None, "result": result, "value": "12.5" if measured else None,
            "deduction": None, "clauses": None, "note": "门锁啮合深度不足 7 mm" if result == "fail" else "",
        })
    photo_rows = []
    for i in range(photos):
        data = _photo(i + 1, orientation=6 if i % 4 == 1 else 1, size=photo_size)
        digest = hashlib.sha256(data).hexdigest()
        blobs[digest] = data
        photo_rows.append({"id": f"att-{i}", "item_id": failed_ids[0] if (failed_ids and i == 0) else None,
                           "kind": "photo", "sha256": digest, "filename": f"IMG_{i + 1:04d}.jpg",
                           "caption": ["机房全景", "曳引机铭牌", "层门门锁", "底坑"][i % 4]})
    doc: dict[str, Any] = {
        "id": "6f1c2e7a-3b7d-4a51-9c1e-0000000000a1",
        "status": "signed" if signed else "completed",
        "verdict": "不合格" if failed_ids else "合格",
        "score": None, "grade": None,
        "remark": "本次为定期检验。",
        "report_no": "XNDTB2026-A7K3-00012" if signed else None,
        "certificate_no": "XNDTZ2026-A7K3-00012" if signed else None,
        "next_due": "2027-03-01",
        "started_at": "2026-03-01T01:30:00Z", "ended_at": "2026-03-01T04:10:00Z",
        "signed_at": "2026-03-01T05:00:00Z" if signed else None,
        "signed_by": "张伟" if signed else None,
        "content_hash": None,
        "inspectors": ["张伟", "李娜"],
        "subject": {"id": "0b6d1c9e-8f4a-4c3e-9d2b-5a7e1f000001", "kind": kind, "name": "温泉花园 3 号楼 1 号电梯",
                    "address": "湖北省咸宁市咸安区温泉路 88 号", "district": "咸安区",
                    "codes": "31104212002015030001", "owner": "咸宁温泉花园物业服务有限公司",
                    "data": {"registration_code": "31104212002015030001", "model": "GeN2-MR", "rated_load": "1000",
                             "rated_speed": "1.75", "floors": "18/18/18", "manufacturer": "某电梯有限公司",
                             "maintenance_company": "咸宁安达电梯维保有限公司"}},
        "template": {"id": "elevator-periodic-t7001-2009", "version": 1,
                     "title": {"zh": "曳引与强制驱动电梯定期检验", "en": "Traction lift periodic inspection"},
                     "standard": "TSG T7001-2009 及第1、2号修改单", "rule": "t7001_2009_periodic"},
        "sections": sections,
        "measurements": [
            {"kind": "gap", "seq": 1, "load": None, "indication": "5.5", "error": None, "mpe": "6", "unit": "mm",
             "passed": True, "data": {}},
            {"kind": "balance", "seq": 1, "load": "40", "indication": "0.45", "error": None, "mpe": None, "unit": "",
             "passed": True, "data": {}},
        ],
        "findings": [{"item_id": fid, "description": f"{fid} 门锁啮合深度不足 7 mm", "rule": f"TSG T7001-2009 {fid}",
                      "severity": "B", "deadline": "2026-03-31", "status": "open"} for fid in failed_ids],
        "attachments": photo_rows,
        "signatures": [
            {"role": "inspector", "signer": "张伟", "signed_at": "2026-03-01T04:20:00Z", "sha256": None},
            {"role": "reviewer", "signer": "王芳", "signed_at": "2026-03-01T04:40:00Z", "sha256": None},
            {"role": "approver", "signer": "刘强", "signed_at": "2026-03-01T05:00:00Z", "sha256": None},
            {"role": "representative", "signer": "陈明", "signed_at": "2026-03-01T04:15:00Z", "sha256": None},
        ] if signed else [],
        "evaluation": {"verdict": "不合格" if failed_ids else "合格", "score": None, "grade": None,
                       "remarks": [f"B 类项目 {len(failed_ids)} 项不合格"] if failed_ids else [],
                       "failed_items": failed_ids},
    }
    if signed:
        body = json.dumps({k: v for k, v in doc.items() if k != "content_hash"}, ensure_ascii=False, sort_keys=True)
        doc["content_hash"] = hashlib.sha256(body.encode("utf-8")).hexdigest()
    return doc, blobs


def sample_scale_document(*, signed: bool = True) -> tuple[dict[str, Any], dict[str, bytes]]:
    """A market-scale check: weighing points, eccentricity and repeatability with E and MPE (in g)."""
    doc, blobs = sample_document(items=8, photos=1, signed=signed, failed=0, kind="scale")
    doc["subject"].update({"name": "农贸市场 A-12 摊位 电子计价秤", "address": "咸宁市咸安区永安农贸市场",
                           "codes": "SN-2023-778812", "owner": "王记蔬菜",
                           "data": {"serial_no": "SN-2023-778812", "model": "ACS-30", "manufacturer": "某衡器有限公司",
                                    "max": "30000", "e": "10", "accuracy_class": "III", "market": "永安农贸市场",
                                    "stall": "A-12", "cert_no": "JL2025-0931", "cert_expiry": "2026-09-30",
                                    "seal_state": "intact"}})
    doc["template"] = {"id": "scale-market-check", "version": 1, "title": {"zh": "电子计价秤现场检查", "en": "Price scale field check"},
                       "standard": "JJG 539-2016", "rule": "scale_mpe"}
    rows = []

    def point(kind: str, seq: int, load: str, indication: str, mpe: str) -> dict[str, Any]:
        error = Decimal(indication) - Decimal(load)
        return {"kind": kind, "seq": seq, "load": load, "indication": indication, "error": str(error), "mpe": mpe,
                "unit": "g", "passed": abs(error) <= Decimal(mpe), "data": {}}

    for seq, (load, ind, mpe) in enumerate([("500", "500", "5"), ("10000", "10010", "10"), ("20000", "20010", "15"),
                                            ("30000", "30000", "15")], 1):
        rows.append(point("weighing", seq, load, ind, mpe))
    for seq, ind in enumerate(["10000", "10010", "9990", "10010", "10000"], 1):
        rows.append(point("eccentricity", seq, "10000", ind, "10"))
    for seq, ind in enumerate(["15000", "15010", "15000"], 1):
        rows.append(point("repeatability", seq, "15000", ind, "10"))
    doc["measurements"] = rows
    doc["verdict"] = "合格"
    doc["findings"] = []
    doc["evaluation"] = {"verdict": "合格", "score": None, "grade": None, "remarks": [], "failed_items": []}
    if signed:
        doc["report_no"], doc["certificate_no"] = "XNJLB2026-A7K3-00003", "XNJLZ2026-A7K3-00003"
        body = json.dumps({k: v for k, v in doc.items() if k != "content_hash"}, ensure_ascii=False, sort_keys=True)
        doc["content_hash"] = hashlib.sha256(body.encode("utf-8")).hexdigest()
    return doc, blobs
