"""Reference standards: the weight sets and reference scales a verdict is traced to.

A metrology verdict is only as good as the standards behind it: a court asks which weights were
used, who calibrated them and whether the certificate was valid on the day. So every test records
its references, and a reference whose certificate has expired cannot produce a verdict — the
readings are kept, the verdict is refused with a message naming the certificate and its expiry.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from qcity_desktop.errors import InputError, StateError
from qcity_desktop.metrology.classes import normalize_class
from qcity_desktop.metrology.data import dec, thresholds
from qcity_desktop.metrology.units import format_mass, plain

KINDS = ("weight_set", "reference_scale")
WEIGHT_CLASSES = ("E1", "E2", "F1", "F2", "M1", "M12", "M2", "M23", "M3")
KIND_ZH = {"weight_set": "标准砝码组", "reference_scale": "参考秤"}


@dataclass(frozen=True)
class ReferenceInstrument:
    """A weight set (class E2…M3) or a reference scale (class I…IIII) with its certificate."""

    kind: str
    name: str
    accuracy_class: str
    certificate_no: str
    expires: date
    issued_by: str = ""
    serial_no: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise InputError(f"未知标准器类型 {self.kind!r} / unknown reference kind (use weight_set or reference_scale)")
        if not self.name.strip():
            raise InputError("标准器名称不能为空 / a reference needs a name")
        if not self.certificate_no.strip():
            raise InputError(f"{self.name}: 缺少检定/校准证书编号 / certificate number missing")
        if not isinstance(self.expires, date):
            raise InputError(f"{self.name}: 证书有效期无效 / certificate expiry must be a date")
        if self.kind == "weight_set":
            if self.accuracy_class not in WEIGHT_CLASSES:
                raise InputError(
                    f"{self.name}: 砝码准确度等级 {self.accuracy_class!r} 无效 / weight class must be one of "
                    + ", ".join(WEIGHT_CLASSES)
                )
        else:
            object.__setattr__(self, "accuracy_class", normalize_class(self.accuracy_class))

    @property
    def label(self) -> str:
        """How the reference is named in messages and reports."""
        return f"{KIND_ZH[self.kind]}「{self.name}」({self.accuracy_class}, 证书 {self.certificate_no})"

    def is_valid_on(self, day: date) -> bool:
        """The certificate's expiry date is the last valid day."""
        return day <= self.expires

    def require_valid(self, day: date) -> None:
        """Raise StateError when the certificate had expired on ``day``."""
        if not self.is_valid_on(day):
            raise StateError(
                f"{self.label} 已于 {self.expires.isoformat()} 过期，不能出具结论 / "
                f"reference certificate {self.certificate_no} expired on {self.expires.isoformat()}: no verdict possible"
            )

    def weights_error(self, load: Decimal) -> Decimal:
        """Largest error (grams) of the weights making up ``load``, for the ⅓ MPE check.

        A certified figure in ``data["mpe_mg_per_kg"]``/``data["floor_mg"]`` wins over the class
        default in thresholds.json. Below 100 g the floor applies, which over-states the error of
        small pieces and so errs on the side of refusing an inadequate set.
        """
        if self.kind != "weight_set":
            raise InputError(f"{self.label} 不是砝码组 / not a weight set")
        table = thresholds()["weights"]
        cls = self.accuracy_class
        per_kg = self.data.get("mpe_mg_per_kg", table["mpe_mg_per_kg"].get(cls))
        floor = self.data.get("floor_mg", table["floor_mg"].get(cls))
        if per_kg is None or floor is None:
            raise InputError(f"{self.label}: 没有该等级砝码的误差数据 / no error data for weight class {cls}")
        per_kg_mg = dec(per_kg, f"{self.name} mpe_mg_per_kg")
        floor_mg = dec(floor, f"{self.name} floor_mg")
        error_mg = max(per_kg_mg * load / Decimal(1000), floor_mg)
        return error_mg / Decimal(1000)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "name": self.name,
            "class": self.accuracy_class,
            "certificate_no": self.certificate_no,
            "expires": self.expires.isoformat(),
            "issued_by": self.issued_by,
            "serial_no": self.serial_no,
            "data": dict(self.data),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReferenceInstrument:
        try:
            expires = date.fromisoformat(str(data["expires"]))
        except (KeyError, ValueError) as err:
            raise InputError(f"标准器证书有效期无效 / bad reference expiry: {data.get('expires')!r}") from err
        return cls(
            id=str(data.get("id") or uuid.uuid4()),
            kind=str(data["kind"]),
            name=str(data["name"]),
            accuracy_class=str(data["class"]),
            certificate_no=str(data["certificate_no"]),
            expires=expires,
            issued_by=str(data.get("issued_by", "")),
            serial_no=str(data.get("serial_no", "")),
            data=dict(data.get("data") or {}),
        )


def check_references(references: list[ReferenceInstrument], day: date, *, need_weights: bool = True) -> None:
    """Refuse a verdict on ``day`` unless every reference is valid (and a weight set was used)."""
    expired = [r for r in references if not r.is_valid_on(day)]
    if expired:
        expired[0].require_valid(day)
    if need_weights and not any(r.kind == "weight_set" for r in references):
        raise StateError("未登记所用标准砝码，不能出具结论 / no standard weight set recorded: no verdict possible")


def describe_weights_check(load: Decimal, weights_error: Decimal, mpe: Decimal, fraction: Any) -> str:
    """One-line explanation used in findings when a weight set is not good enough for a load."""
    return (
        f"{format_mass(load)} 处砝码误差 {format_mass(weights_error)} 超过 MPE ±{format_mass(mpe)} 的 {fraction} / "
        f"weights' error {plain(weights_error)} g exceeds {fraction} of the MPE at this load"
    )
