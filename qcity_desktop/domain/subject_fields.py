"""The fields of each kind of subject, as data the CLI, the forms and the validators share.

One list per kind means the desktop form, ``qcity subjects add --set``, the import format and the
validation messages never disagree about what an elevator or a scale has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from qcity_desktop.errors import InputError


@dataclass(frozen=True)
class Field:
    name: str
    zh: str
    en: str
    type: str = "text"          # text / int / decimal / date / choice
    required: bool = False
    column: str | None = None   # the common column it fills: name, address, district, owner
    code: bool = False          # searchable identifier (goes into the codes column)
    choices: tuple[str, ...] = ()
    unit: str = ""


COMMON = (
    Field("name", "名称", "Name", required=True, column="name"),
    Field("address", "地址", "Address", column="address"),
    Field("district", "区县", "District", column="district"),
)

ELEVATOR = COMMON + (
    Field("registration_code", "注册代码", "Registration code", code=True),
    Field("equipment_code", "设备代码", "Equipment code", code=True),
    Field("user_unit", "使用单位", "User unit", column="owner"),
    Field("maintenance_company", "维护保养单位", "Maintenance company"),
    Field("manufacturer", "制造单位", "Manufacturer"),
    Field("model", "型号", "Model"),
    Field("elevator_type", "电梯类型", "Elevator type", type="choice", choices=("passenger", "goods")),
    Field("door_type", "开门方式", "Door type", type="choice", choices=("side", "centre")),
    Field("rated_load", "额定载重量", "Rated load", type="decimal", unit="kg"),
    Field("rated_speed", "额定速度", "Rated speed", type="decimal", unit="m/s"),
    Field("floors", "层/站/门", "Floors/stops/doors"),
    Field("manufacture_date", "制造日期", "Manufacture date", type="date"),
    Field("supervised_date", "监督检验日期", "Supervisory inspection date", type="date"),
    Field("base_date", "定期检验基准日", "Base date", type="date"),
    Field("regime", "检验规则", "Inspection regime", type="choice", choices=("2009", "2023")),
    Field("drive", "驱动方式", "Drive", type="choice", choices=("traction", "positive")),
    Field("suspension", "悬挂方式", "Suspension", type="choice", choices=("rope", "belt")),
    Field("firefighter", "消防员电梯", "Firefighter lift", type="choice", choices=("yes", "no")),
    Field("explosion_proof", "防爆电梯", "Explosion-proof", type="choice", choices=("yes", "no")),
    Field("inclined", "斜行电梯", "Inclined lift", type="choice", choices=("yes", "no")),
    Field("supervision_regime", "监督检验所依规则", "Rule of the supervisory inspection", type="choice",
          choices=("2009", "2023")),
    Field("last_periodic_date", "上次定期检验日期", "Last periodic inspection", type="date"),
    Field("last_self_test_date", "上次自行检测日期", "Last self-test", type="date"),
)

SCALE = COMMON + (
    Field("serial_no", "出厂编号", "Serial number", code=True, required=True),
    Field("model", "型号", "Model"),
    Field("manufacturer", "制造单位", "Manufacturer"),
    Field("accuracy_class", "准确度等级", "Accuracy class", type="choice", choices=("I", "II", "III", "IIII")),
    Field("max", "最大秤量 Max", "Max", type="decimal", unit="g"),
    Field("min", "最小秤量 Min", "Min", type="decimal", unit="g"),
    Field("e", "检定分度值 e", "Verification interval e", type="decimal", unit="g"),
    Field("d", "实际分度值 d", "Scale interval d", type="decimal", unit="g"),
    Field("merchant", "经营者", "Merchant", column="owner"),
    Field("market", "市场", "Market"),
    Field("stall", "摊位号", "Stall"),
    Field("cert_no", "检定证书编号", "Verification certificate no.", code=True),
    Field("verification_date", "检定日期", "Verification date", type="date"),
    Field("cert_expiry", "检定有效期至", "Certificate valid until", type="date"),
    Field("seal_state", "铅封状态", "Seal", type="choice", choices=("intact", "broken", "missing")),
)

PARTIES = (("builder", "建设单位", "Client"), ("surveyor", "勘察单位", "Surveyor"), ("designer", "设计单位", "Designer"),
           ("contractor", "施工单位", "Contractor"), ("supervisor", "监理单位", "Supervisor"))

SITE = COMMON + (
    Field("permit_no", "施工许可证号", "Permit number", code=True),
) + tuple(
    f for key, zh, en in PARTIES
    for f in (Field(key, zh, en, column="owner" if key == "builder" else None),
              Field(f"{key}_leader", f"{zh}项目负责人", f"{en} project leader"))
) + (
    Field("gps_lat", "纬度", "Latitude", type="decimal"),
    Field("gps_lon", "经度", "Longitude", type="decimal"),
)

FIELDS: dict[str, tuple[Field, ...]] = {"elevator": ELEVATOR, "scale": SCALE, "site": SITE}
KIND_LABELS = {"elevator": {"zh": "电梯", "en": "Elevator"}, "scale": {"zh": "计价秤", "en": "Scale"},
               "site": {"zh": "建筑工地", "en": "Construction site"}}

_CLASS_LIMITS = {  # OIML R76-1 Table 3: n = Max/e bounds per class (see resources/metrology for sources)
    "I": (50000, None), "II": (100, 100000), "III": (100, 10000), "IIII": (100, 1000),
}


# How stored choice values read to people (forms, lists, reports); the stored value stays English.
CHOICE_LABELS: dict[str, dict[str, str]] = {
    "passenger": {"zh": "乘客电梯", "en": "passenger"}, "goods": {"zh": "载货电梯", "en": "goods"},
    "side": {"zh": "旁开门", "en": "side-opening"}, "centre": {"zh": "中分门", "en": "centre-opening"},
    "traction": {"zh": "曳引驱动", "en": "traction"}, "positive": {"zh": "强制驱动", "en": "positive drive"},
    "rope": {"zh": "钢丝绳", "en": "steel rope"}, "belt": {"zh": "包覆带", "en": "coated belt"},
    "yes": {"zh": "是", "en": "yes"}, "no": {"zh": "否", "en": "no"},
    "intact": {"zh": "完好", "en": "intact"}, "broken": {"zh": "破损", "en": "broken"},
    "missing": {"zh": "缺失", "en": "missing"},
    "2009": {"zh": "TSG T7001-2009", "en": "TSG T7001-2009"}, "2023": {"zh": "TSG T7001-2023", "en": "TSG T7001-2023"},
}


def display_value(kind: str, name: str, value: Any, lang: str = "zh") -> str:
    """A field's value as people read it: choice codes in words, decimals with their unit."""
    if value is None or value == "":
        return ""
    spec = {f.name: f for f in FIELDS.get(kind, ())}.get(name)
    text = str(value)
    if spec is not None and spec.type == "choice" and text in CHOICE_LABELS:
        return CHOICE_LABELS[text].get(lang, text)
    if spec is not None and spec.unit:
        return f"{text} {spec.unit}"
    return text


def fields_for(kind: str) -> tuple[Field, ...]:
    try:
        return FIELDS[kind]
    except KeyError:
        raise InputError(f"kind {kind!r} is not one of elevator, scale, site") from None


def _convert(f: Field, raw: Any, kind: str) -> Any:
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None
    text = str(raw).strip()
    if f.type == "decimal":
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise InputError(f"{kind} field {f.name} ({f.zh}): {text!r} is not a number") from None
        if not value.is_finite():
            raise InputError(f"{kind} field {f.name} ({f.zh}): {text!r} is not a number")
        return str(value)
    if f.type == "int":
        if not re.fullmatch(r"-?\d+", text):
            raise InputError(f"{kind} field {f.name} ({f.zh}): {text!r} is not a whole number")
        return int(text)
    if f.type == "date":
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise InputError(f"{kind} field {f.name} ({f.zh}): {text!r} is not a date (YYYY-MM-DD)") from None
    if f.type == "choice" and text not in f.choices:
        raise InputError(f"{kind} field {f.name} ({f.zh}): {text!r} is not one of {', '.join(f.choices)}")
    return text


def validate_subject(kind: str, values: dict[str, Any], today: date | None = None) -> tuple[dict[str, Any], list[str]]:
    """Clean ``values`` for ``kind``: raise InputError for errors, return soft warnings as text.

    Soft checks (a 19-digit registration code, a certificate already expired) are warnings because
    the inspector may be recording the subject exactly as it is found, wrong data included.
    """
    spec = {f.name: f for f in fields_for(kind)}
    unknown = [k for k in values if k not in spec]
    if unknown:
        raise InputError(f"{kind} has no field {unknown[0]!r}; fields: {', '.join(spec)}")
    clean = {name: _convert(spec[name], raw, kind) for name, raw in values.items()}
    warnings: list[str] = []
    code = clean.get("registration_code")
    if code and not re.fullmatch(r"\d{20}", code):
        warnings.append(f"注册代码 {code} 不是20位数字（共{len(code)}位），请核对")
    if kind == "scale":
        warnings += _scale_warnings(clean, today or date.today())
    return clean, warnings


def _scale_warnings(v: dict[str, Any], today: date) -> list[str]:
    out = []
    cls, mx, e = v.get("accuracy_class"), v.get("max"), v.get("e")
    if cls and mx and e and Decimal(e) > 0:
        n = Decimal(mx) / Decimal(e)
        lo, hi = _CLASS_LIMITS[cls]
        if n < lo or (hi is not None and n > hi):
            bound = f"{lo}–{hi}" if hi else f"≥ {lo}"
            out.append(f"n = Max/e = {n.normalize():f} 超出 {cls} 级范围 {bound}")
    if v.get("d") and e and Decimal(v["d"]) > Decimal(e):
        out.append("实际分度值 d 大于检定分度值 e")
    expiry = v.get("cert_expiry")
    if expiry and date.fromisoformat(expiry) < today:
        out.append(f"检定证书已于 {expiry} 过期")
    return out


def split_columns(kind: str, clean: dict[str, Any]) -> dict[str, Any]:
    """The common columns (name, address, district, owner, codes) derived from the fields."""
    cols: dict[str, Any] = {"name": "", "address": "", "district": "", "owner": ""}
    codes = []
    for f in fields_for(kind):
        value = clean.get(f.name)
        if value is None:
            continue
        if f.column:
            cols[f.column] = str(value)
        if f.code:
            codes.append(str(value))
    cols["codes"] = " ".join(codes)
    return cols
