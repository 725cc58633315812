"""Demo data from Xianning (咸宁), so a new user opens a living app instead of empty tables.

Deterministic (fixed seed): the same database every time, which also makes screenshots and
documentation reproducible.
"""

from __future__ import annotations

import io
import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from qcity_desktop.checklists.templates import latest_templates
from qcity_desktop.demo_scale import record_demo_test
from qcity_desktop.store import Store

ELEVATORS: list[dict[str, Any]] = [
    {"name": "温泉花园小区3栋1单元1号梯", "address": "咸安区温泉路88号温泉花园3栋", "district": "咸安区",
     "registration_code": "31104212012011000123", "equipment_code": "311042110201100873", "user_unit": "咸宁温泉花园物业服务有限公司",
     "maintenance_company": "湖北楚天电梯工程有限公司", "manufacturer": "日立电梯（中国）有限公司", "model": "HGP-1000",
     "elevator_type": "passenger", "door_type": "centre", "rated_load": "1000", "rated_speed": "1.75", "floors": "18/18/18",
     "manufacture_date": "2011-05-20", "supervised_date": "2011-12-15", "base_date": "2011-12-15", "regime": "2009"},
    {"name": "咸宁市中心医院门诊楼2号梯", "address": "咸安区金桂路228号", "district": "咸安区",
     "registration_code": "31104212016080000457", "user_unit": "咸宁市中心医院", "maintenance_company": "咸宁华通电梯有限公司",
     "manufacturer": "通力电梯有限公司", "model": "MonoSpace 500", "elevator_type": "passenger", "door_type": "centre",
     "rated_load": "1600", "rated_speed": "2.0", "floors": "12/12/12", "manufacture_date": "2016-03-02",
     "supervised_date": "2016-08-30", "base_date": "2016-08-30", "regime": "2009"},
    {"name": "赤壁市人民商场货梯", "address": "赤壁市蒲圻街道人民路15号", "district": "赤壁市",
     "registration_code": "31204212009050000031", "user_unit": "赤壁市人民商场有限公司", "maintenance_company": "赤壁市安达电梯维修站",
     "manufacturer": "西子奥的斯电梯有限公司", "model": "GeN2-MR", "elevator_type": "goods", "door_type": "side",
     "rated_load": "2000", "rated_speed": "0.5", "floors": "5/5/5", "manufacture_date": "2008-11-10",
     "supervised_date": "2009-05-18", "base_date": "2009-05-18", "regime": "2009"},
    {"name": "赤壁陆水湖畔小区A区5号梯", "address": "赤壁市陆水湖大道66号", "district": "赤壁市",
     "registration_code": "31104212024030000912", "user_unit": "赤壁陆水物业管理有限公司", "maintenance_company": "湖北楚天电梯工程有限公司",
     "manufacturer": "迅达（中国）电梯有限公司", "model": "Schindler 3300", "elevator_type": "passenger", "door_type": "side",
     "rated_load": "1050", "rated_speed": "1.6", "floors": "26/26/26", "manufacture_date": "2023-09-01",
     "supervised_date": "2024-03-12", "base_date": "2024-03-12", "regime": "2023"},
    {"name": "嘉鱼县政务服务中心1号梯", "address": "嘉鱼县鱼岳镇沙阳大道1号", "district": "嘉鱼县",
     "registration_code": "31104212018100000218", "user_unit": "嘉鱼县机关事务服务中心", "maintenance_company": "咸宁华通电梯有限公司",
     "manufacturer": "上海三菱电梯有限公司", "model": "LEHY-III", "elevator_type": "passenger", "door_type": "centre",
     "rated_load": "1000", "rated_speed": "1.0", "floors": "8/8/8", "manufacture_date": "2018-04-16",
     "supervised_date": "2018-10-09", "base_date": "2018-10-09", "regime": "2009"},
    {"name": "通城县锦绣华庭2栋1号梯", "address": "通城县隽水镇银山大道199号", "district": "通城县",
     "registration_code": "3110421202012000066", "user_unit": "通城锦绣物业有限公司", "maintenance_company": "通城县恒安电梯服务部",
     "manufacturer": "康力电梯股份有限公司", "model": "KLK2", "elevator_type": "passenger", "door_type": "centre",
     "rated_load": "800", "rated_speed": "1.5", "floors": "11/11/11", "manufacture_date": "2020-06-08",
     "supervised_date": "2020-12-21", "base_date": "2020-12-21", "regime": "2009"},
]

MARKETS = [("咸安区", "温泉农贸市场", "咸安区温泉路18号"), ("赤壁市", "蒲圻农贸市场", "赤壁市蒲圻街道沿河大道21号"),
           ("嘉鱼县", "城北农贸市场", "嘉鱼县鱼岳镇城北路6号"), ("崇阳县", "天城农贸市场", "崇阳县天城镇桃溪路9号"),
           ("通山县", "通羊农贸市场", "通山县通羊镇新城大道33号")]
MERCHANTS = ["王记鲜肉", "李姐蔬菜", "张氏水产", "陈家禽蛋", "刘记干货", "周师傅豆腐", "吴家水果", "赵氏粮油",
             "孙记熟食", "郑家腊味"]
SCALE_MODELS = [("ACS-15", "上海大华电子秤厂", "III", "15000", "5"), ("ACS-30", "凯丰衡器有限公司", "III", "30000", "10"),
                ("TM-A15", "厦门顶尖电子有限公司", "III", "15000", "5"), ("ACS-6", "永康市华鹰衡器有限公司", "III", "6000", "2")]

SITES: list[dict[str, Any]] = [
    {"name": "咸宁高新区光谷南科技城二期", "address": "咸安区长江产业园旗鼓大道", "district": "咸安区", "permit_no": "421202202506180101",
     "builder": "咸宁高新投资集团有限公司", "builder_leader": "胡建国", "surveyor": "湖北省地质勘察基础工程有限公司",
     "surveyor_leader": "徐明", "designer": "中南建筑设计院股份有限公司", "designer_leader": "黄海",
     "contractor": "中建三局第一建设工程有限责任公司", "contractor_leader": "刘志强", "supervisor": "湖北长阳建设监理有限公司",
     "supervisor_leader": "程伟", "gps_lat": "29.8419", "gps_lon": "114.3228"},
    {"name": "赤壁市青砖茶文化产业园", "address": "赤壁市赵李桥镇107国道旁", "district": "赤壁市", "permit_no": "421281202503020012",
     "builder": "赤壁市文旅投资有限公司", "builder_leader": "余红", "surveyor": "咸宁市勘察设计院", "surveyor_leader": "邓飞",
     "designer": "武汉市建筑设计院", "designer_leader": "宋岩", "contractor": "湖北广盛建设集团有限责任公司",
     "contractor_leader": "袁斌", "supervisor": "咸宁市建设监理有限公司", "supervisor_leader": "陶磊",
     "gps_lat": "29.7161", "gps_lon": "113.9301"},
    {"name": "嘉鱼县第二人民医院住院部", "address": "嘉鱼县鱼岳镇茶庵岭路", "district": "嘉鱼县", "permit_no": "421221202409270033",
     "builder": "嘉鱼县卫生健康局", "builder_leader": "方敏", "surveyor": "湖北省综合勘察研究院有限公司", "surveyor_leader": "彭涛",
     "designer": "湖北省建筑设计院", "designer_leader": "郭静", "contractor": "湖北咸宁建工集团有限公司",
     "contractor_leader": "潘勇", "supervisor": "湖北华宇工程建设监理有限公司", "supervisor_leader": "蔡杰",
     "gps_lat": "29.9727", "gps_lon": "113.9212"},
]

INSPECTORS = ["张伟", "李娜", "王磊", "刘洋", "陈静"]


def signature_png(name: str) -> bytes:
    """A handwriting-like squiggle so demo reports show a signature image."""
    from PIL import Image, ImageDraw

    rnd = random.Random(name)
    img = Image.new("RGBA", (360, 120), (255, 255, 255, 0))
    draw = ImageDraw.Draw(img)
    x, y = 20.0, 70.0
    points = []
    for _ in range(40):
        x += rnd.uniform(5, 11)
        y = max(20.0, min(100.0, y + rnd.uniform(-18, 18)))
        points.append((x, y))
    draw.line(points, fill=(20, 30, 120, 255), width=4, joint="curve")
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def _answer_all(store: Store, iid: str, rnd: random.Random, fail: set[str], partial: float = 1.0) -> None:
    row = store.inspections.row(iid)
    template = store.inspections.template_of(row)
    leaves = template.leaves()
    cut = int(len(leaves) * partial)
    for item in leaves[:cut]:
        if item.type == "result":
            result = "fail" if item.id in fail else "pass"
            if result == "pass" and "doc_pass" in item.results and rnd.random() < 0.05:
                result = "doc_pass"
            deduction = None
            points = item.attrs.get("points")
            if points is not None:
                deduction = "0"
                if result == "fail":
                    deduction = str(min(int(points), rnd.choice([2, 4, 5, 10])))
            note = "现场检查发现问题，已拍照取证" if result == "fail" else None
            store.inspections.answer(iid, item.id, result=result, deduction=deduction, note=note)
        elif item.type == "number" and (item.required or (item.min is not None and item.max is not None)):
            store.inspections.answer(iid, item.id, value=str(_typical_value(item)))
        if item.photo_required and not (item.id in fail and partial < 1):
            store.attachments.add(iid, demo_photo(item.label()), "image/jpeg", item_id=item.id,
                                  filename=f"{item.id}.jpg", caption=item.label())


def _typical_value(item: Any) -> Decimal:
    """A value inside the item's tolerance, as a careful inspector would measure on a good lift."""
    if item.min is not None and item.max is not None:
        return ((item.min + item.max) / 2).quantize(item.min)
    if item.max is not None:
        return (item.max * Decimal("0.8")).quantize(Decimal("0.1"))
    if item.min is not None:
        return (item.min * Decimal("1.2")).quantize(Decimal("0.1"))
    if item.range:
        return ((item.range[0] + item.range[1]) / 2).quantize(Decimal("0.1"))
    return Decimal("1")


def demo_photo(label: str) -> bytes:
    """A small JPEG standing in for a site photo (deterministic per label)."""
    from PIL import Image, ImageDraw

    rnd = random.Random(label)
    img = Image.new("RGB", (640, 480), (rnd.randint(90, 160), rnd.randint(110, 170), rnd.randint(120, 180)))
    draw = ImageDraw.Draw(img)
    for _ in range(12):
        x, y = rnd.randint(0, 600), rnd.randint(0, 440)
        draw.rectangle((x, y, x + rnd.randint(20, 160), y + rnd.randint(20, 120)),
                       fill=(rnd.randint(0, 255), rnd.randint(0, 255), rnd.randint(0, 255)))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80)
    return buf.getvalue()


def seed_demo(store: Store, today: date | None = None) -> dict[str, int]:
    """Fill ``store`` with demo subjects and inspections in every state; returns counts."""
    today = today or date.today()
    rnd = random.Random(20161)
    counts = {"subjects": 0, "inspections": 0, "signed": 0}
    by_kind: dict[str, list[str]] = {"elevator": [], "scale": [], "site": []}
    with store.transaction():
        for e in ELEVATORS:
            sid, _ = store.subjects.add("elevator", e)
            by_kind["elevator"].append(sid)
        n = 0
        for district, market, address in MARKETS:
            for stall in range(1, 5):
                model, maker, cls, mx, e = SCALE_MODELS[n % len(SCALE_MODELS)]
                expiry = today + timedelta(days=rnd.choice([-20, 5, 40, 120, 200, 300]))
                sid, _ = store.subjects.add("scale", {
                    "name": f"{market}{chr(64 + stall)}-{stall:02d}号摊位计价秤", "address": address, "district": district,
                    "serial_no": f"XN{2024000 + n * 37}", "model": model, "manufacturer": maker, "accuracy_class": cls,
                    "max": mx, "min": str(int(e) * 20), "e": e, "d": e, "merchant": MERCHANTS[n % len(MERCHANTS)],
                    "market": market, "stall": f"{chr(64 + stall)}-{stall:02d}", "cert_no": f"XNJL{today.year}-{n + 101:05d}",
                    "cert_expiry": expiry.isoformat(), "seal_state": "missing" if n % 7 == 3 else "intact"})
                by_kind["scale"].append(sid)
                n += 1
        from qcity_desktop.demo_scale import demo_weights

        store.references.add(demo_weights(today), actor="演示数据")  # so the scale wizard can give verdicts
        for s in SITES:
            sid, _ = store.subjects.add("site", s)
            by_kind["site"].append(sid)
        counts["subjects"] = sum(len(v) for v in by_kind.values())

        templates = {t.kind: [] for t in latest_templates()}
        for t in latest_templates():
            templates[t.kind].append(t)
        # (state, fail items picker) per subject, cycling through the states users meet
        plans = ["signed", "signed", "completed", "draft"]
        for kind, subjects in by_kind.items():
            for index, sid in enumerate(subjects):
                if not templates.get(kind):
                    continue
                template = templates[kind][index % len(templates[kind])]
                state = plans[index % len(plans)]
                started = today - timedelta(days=rnd.randint(0, 40), hours=rnd.randint(0, 8))
                inspector = INSPECTORS[index % len(INSPECTORS)]
                iid = store.inspections.create(sid, template.id, template.version, [inspector, INSPECTORS[(index + 2) % 5]],
                                               started_at=f"{started.isoformat()}T0{rnd.randint(1, 8)}:15:00.000Z")
                counts["inspections"] += 1
                result_items = [i.id for i in template.leaves() if i.type == "result"]
                if kind == "scale":  # legal checks fail at random; metrology comes from the test session
                    result_items = [i for i in result_items if i.startswith("S1.")]
                spread = [0, 0, 0, 0, 0, 1] if kind == "scale" else [0, 0, 0, 0, 1, 1, 2, 3]
                fail = set(rnd.sample(result_items, k=min(len(result_items), rnd.choice(spread))))
                if state == "draft":
                    _answer_all(store, iid, rnd, fail, partial=0.4)
                    continue
                _answer_all(store, iid, rnd, fail)
                if kind == "scale":
                    data = store.subjects.get(sid)["data"]
                    record_demo_test(store, iid, data, rnd, cheat=index % 6 == 4, today=today)
                # the demo's using units commit to supervised use where a few elevator items fail
                store.inspections.complete(iid, today=today, supervised_use=True)
                if state == "signed":
                    store.signatures.add(iid, "inspector", inspector, signature_png(inspector))
                    store.signatures.add(iid, "representative", "现场代表", signature_png("rep" + sid))
                    store.inspections.sign(iid, inspector)
                    counts["signed"] += 1
        added = _add_history(store, today, rnd)
        counts["inspections"] += added
        counts["signed"] += added
    return counts


def _add_history(store: Store, today: date, rnd: random.Random) -> int:
    """Earlier visits: the statistics page then shows a trend, repeat offenders and a re-inspection.

    The two stalls whose scales failed first get an earlier failed check (so each failed twice
    this year), and the latest failure gets a passing re-inspection a week later, whose signing
    closes its findings. Returns how many signed inspections were added.
    """
    failed = store.conn.execute(
        "SELECT id, subject_id, template_id, template_version, started_at FROM inspections "
        "WHERE status = 'signed' AND verdict = '不合格' AND kind = 'scale' ORDER BY started_at").fetchall()
    plans = [(sid, tid, ver, date.fromisoformat(started[:10]) - timedelta(days=50 + 40 * n), None)
             for n, (_iid, sid, tid, ver, started) in enumerate(failed[:2])]
    if failed:
        iid, sid, tid, ver, started = failed[-1]
        plans.append((sid, tid, ver, min(today, date.fromisoformat(started[:10]) + timedelta(days=7)), iid))
    for n, (sid, tid, ver, day, reinspection_of) in enumerate(plans):
        inspector = INSPECTORS[n % len(INSPECTORS)]
        iid = store.inspections.create(sid, tid, ver, [inspector], started_at=f"{day.isoformat()}T02:30:00.000Z",
                                       reinspection_of=reinspection_of)
        legal = [i.id for i in store.inspections.template_of(store.inspections.row(iid)).leaves()
                 if i.type == "result" and i.id.startswith("S1.")]
        _answer_all(store, iid, rnd, set() if reinspection_of else {rnd.choice(legal)})
        store.inspections.complete(iid, today=day)
        store.signatures.add(iid, "inspector", inspector, signature_png(inspector))
        store.inspections.sign(iid, inspector)     # a re-inspection closes the findings it found rectified
    return len(plans)
