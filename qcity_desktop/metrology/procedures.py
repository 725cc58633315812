"""Test procedures as data: the guided plan of a scale test, step by step.

The wizard (ui/) walks the inspector through ``ScaleTestPlan.steps`` in order and hands each reading
to ``ScaleTestSession`` (session.py); this module only decides *what* to do: which load to place
(in g and in e), where, how many readings, and the limit the result is judged against. The order is
itself part of the method: the anti-cheat "as found" readings come first, before anyone touches the
keypad (a cheat mode is cleared by a restart or a key), then the power cycle and the key presses,
then the metrological tests (zero, weighing up and down, eccentricity, repeatability,
discrimination, tare) and finally the price computation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from qcity_desktop.errors import InputError, NotFoundError
from qcity_desktop.metrology.classes import ScaleSpec, validate_scale
from qcity_desktop.metrology.data import dec, frac, thresholds
from qcity_desktop.metrology.mpe import band_edges_e, mpe, normalize_stage
from qcity_desktop.metrology.units import format_mass, in_e, plain

SECTIONS = ("anticheat", "zero", "weighing", "eccentricity", "repeatability", "discrimination", "tare", "price")

POSITIONS_ZH = {
    "centre": ("中心", "centre"),
    "front_left": ("左前", "front left"),
    "front_right": ("右前", "front right"),
    "back_right": ("右后", "back right"),
    "back_left": ("左后", "back left"),
}

# Kinds a step records; they are the ``kind`` of the measurement rows in the store.
KINDS = (
    "as_found", "power_cycle", "after_keys", "zero", "weighing", "eccentricity", "repeatability",
    "discrimination", "tare_zero", "tare", "price",
)


@dataclass(frozen=True)
class Step:
    """One thing the inspector does and reads. Loads in grams; ``limit`` is the ± acceptance limit."""

    id: str
    kind: str
    seq: int
    zh: str
    en: str
    instruction_zh: str
    instruction_en: str
    load: Decimal | None = None
    load_e: Decimal | None = None
    limit: Decimal | None = None
    weights_limit: Decimal | None = None
    min_readings: int = 1
    max_readings: int | None = 1
    change_point: bool = False
    position: str | None = None
    direction: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "seq": self.seq,
            "title": {"zh": self.zh, "en": self.en},
            "instruction": {"zh": self.instruction_zh, "en": self.instruction_en},
            "load_g": None if self.load is None else plain(self.load),
            "load_e": None if self.load_e is None else plain(self.load_e),
            "load_text": None if self.load is None else format_mass(self.load),
            "limit_g": None if self.limit is None else plain(self.limit),
            "weights_limit_g": None if self.weights_limit is None else plain(self.weights_limit),
            "min_readings": self.min_readings,
            "max_readings": self.max_readings,
            "change_point": self.change_point,
            "position": self.position,
            "direction": self.direction,
            "extra": self.extra,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Step:
        def num(key: str) -> Decimal | None:
            return None if d.get(key) is None else Decimal(str(d[key]))

        return cls(
            id=d["id"], kind=d["kind"], seq=int(d["seq"]), zh=d["title"]["zh"], en=d["title"]["en"],
            instruction_zh=d["instruction"]["zh"], instruction_en=d["instruction"]["en"],
            load=num("load_g"), load_e=num("load_e"), limit=num("limit_g"), weights_limit=num("weights_limit_g"),
            min_readings=int(d.get("min_readings", 1)), max_readings=d.get("max_readings"),
            change_point=bool(d.get("change_point")), position=d.get("position"), direction=d.get("direction"),
            extra=dict(d.get("extra") or {}),
        )


def _proc(name: str) -> Any:
    return thresholds()["procedure"][name]


def _frac(name: str) -> Fraction:
    return frac(_proc(name), f"thresholds.json procedure.{name}")


def round_load(scale: ScaleSpec, value: Fraction | Decimal, *, down: bool = False) -> Decimal:
    """A practical test load near ``value``: a multiple of the plan grid (10 e), within [Min, Max].

    Weight sets come in 1-2-5 steps, so ½ Max = 7.5 kg is placeable but ⅓ of 40 kg is not; rounding
    to 10 e keeps the load within the 20 e that eccentricity rounding may drop (NZ TS-007).
    """
    grid = scale.e * int(_proc("plan_round_to_e"))
    exact = Decimal(value.numerator) / Decimal(value.denominator) if isinstance(value, Fraction) else value
    steps = (exact / grid).quantize(Decimal(1), rounding=ROUND_FLOOR if down else ROUND_HALF_UP)
    load = steps * grid
    if load < scale.min:
        load = scale.min
    return min(load, scale.max)


def _fraction_load(scale: ScaleSpec, name: str, *, down: bool = False) -> Decimal:
    if name == "min":
        return scale.min
    if name == "max":
        return scale.max
    return round_load(scale, Fraction(str(name)) * Fraction(scale.max), down=down)


def weighing_points(scale: ScaleSpec) -> list[Decimal]:
    """Min, the MPE band change-overs below Max (class III: 500 e, 2000 e), about ½ Max and Max.

    When Max is small in e and change-overs fall above it, ¼ and ¾ Max fill up to the minimum
    number of points (5 by default, configurable).
    """
    points = {scale.min, scale.max, round_load(scale, Fraction(scale.max) / 2)}
    for edge in band_edges_e(scale.accuracy_class):
        load = edge * scale.e
        if scale.min < load < scale.max:
            points.add(load)
    wanted = int(_proc("weighing_min_points"))
    for filler in (Fraction(1, 4), Fraction(3, 4), Fraction(1, 10), Fraction(9, 10)):
        if len(points) >= wanted:
            break
        points.add(round_load(scale, filler * Fraction(scale.max)))
    return sorted(points)


@dataclass
class ScaleTestPlan:
    """The ordered steps of a guided test for one scale at one verification stage."""

    scale: ScaleSpec
    stage: str
    sections: tuple[str, ...]
    steps: list[Step]

    @classmethod
    def for_scale(
        cls,
        accuracy_class: str,
        max_: Decimal,
        e: Decimal,
        min_: Decimal | None = None,
        *,
        d: Decimal | None = None,
        stage: str = "in_service",
        sections: tuple[str, ...] | list[str] = SECTIONS,
    ) -> ScaleTestPlan:
        """Validate the nameplate and lay out the steps. ``stage`` sets the MPE (in service = 2×)."""
        scale = validate_scale(accuracy_class, max_, e, min_=min_, d=d)
        stage = normalize_stage(stage)
        unknown = [s for s in sections if s not in SECTIONS]
        if unknown:
            raise InputError(f"未知测试项目 {unknown[0]!r} / unknown test section (use {', '.join(SECTIONS)})")
        builder = _Builder(scale, stage)
        for section in SECTIONS:
            if section in sections:
                getattr(builder, f"add_{section}")()
        return cls(scale=scale, stage=stage, sections=tuple(s for s in SECTIONS if s in sections), steps=builder.steps)

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise NotFoundError(f"测试步骤 {step_id!r} 不存在 / no such test step")

    def to_dict(self) -> dict[str, Any]:
        return {
            "scale": self.scale.to_dict(),
            "stage": self.stage,
            "sections": list(self.sections),
            "steps": [s.to_dict() for s in self.steps],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScaleTestPlan:
        """Rebuild a stored plan with the very steps it was run with.

        Steps are restored as saved rather than recomputed, so a later change of thresholds.json
        (other as-found loads, another repeatability count) never orphans the readings of a test
        already under way.
        """
        scale = ScaleSpec.from_dict(data["scale"])
        stage = normalize_stage(data["stage"])
        if not data.get("steps"):
            return cls.for_scale(scale.accuracy_class, scale.max, scale.e, scale.min, d=scale.d,
                                 stage=stage, sections=tuple(data["sections"]))
        return cls(scale=scale, stage=stage, sections=tuple(data["sections"]),
                   steps=[Step.from_dict(s) for s in data["steps"]])


class _Builder:
    """Appends steps with their limits; kept apart so each section reads as its procedure."""

    def __init__(self, scale: ScaleSpec, stage: str) -> None:
        self.scale = scale
        self.stage = stage
        self.steps: list[Step] = []

    # -- helpers -------------------------------------------------------------------------------
    def _mpe(self, load: Decimal) -> Decimal:
        return mpe(self.scale.accuracy_class, self.scale.e, load, self.stage).mpe

    def _weights_limit(self, limit: Decimal) -> Decimal:
        # shown to the inspector, rounded down to 0.1 mg so the displayed limit is never too lenient;
        # the session compares exactly (error × q ≤ limit × p).
        f = _frac("weights_fraction")
        return (limit * Decimal(f.numerator) / Decimal(f.denominator)).quantize(Decimal("0.0001"), rounding=ROUND_FLOOR)

    def _add(self, **kw: Any) -> Step:
        load = kw.get("load")
        if load is not None and "load_e" not in kw:
            kw["load_e"] = in_e(load, self.scale.e)
        if "limit" in kw and kw["limit"] is not None and "weights_limit" not in kw:
            kw["weights_limit"] = self._weights_limit(kw["limit"])
        step = Step(seq=len(self.steps) + 1, **kw)
        self.steps.append(step)
        return step

    def _load_text(self, load: Decimal) -> str:
        return f"{format_mass(load)}（{plain(in_e(load, self.scale.e))} e）"

    # -- sections ------------------------------------------------------------------------------
    def add_anticheat(self) -> None:
        loads = sorted({_fraction_load(self.scale, str(f)) for f in thresholds()["anticheat"].get(
            "as_found_loads", ["min", "1/10", "1/3", "2/3", "max"])})
        for i, load in enumerate(loads, 1):
            self._add(
                id=f"as_found-{i}", kind="as_found", load=load, limit=self._mpe(load),
                zh=f"原状读数 {i}", en=f"As-found reading {i}",
                instruction_zh=f"不要触碰键盘。放上 {self._load_text(load)}，记录顾客显示与串口读数。",
                instruction_en=f"Do not touch the keypad. Place {format_mass(load)}; note the customer display and the serial value.",
            )
        for i, load in enumerate(loads, 1):
            self._add(
                id=f"power_cycle-{i}", kind="power_cycle", load=load, limit=self._mpe(load),
                zh=f"断电重启后读数 {i}", en=f"After power cycle {i}",
                instruction_zh=("请摊主关闭电源再开机（记录置零情况）。" if i == 1 else "")
                + f"放上 {self._load_text(load)}，记录读数。",
                instruction_en=("Have the vendor switch the scale off and on. " if i == 1 else "")
                + f"Place {format_mass(load)} and read.",
            )
        key_load = _fraction_load(self.scale, "1/3")
        self._add(
            id="after_keys", kind="after_keys", load=key_load, limit=self._mpe(key_load),
            min_readings=1, max_readings=None,
            zh="按记忆/单价键后读数", en="After memory / unit-price keys",
            instruction_zh=f"放上 {self._load_text(key_load)}，依次按各记忆键、单价键（M1、M2、M3…）及“数字+去皮”组合，"
            "每按一次记录读数并注明所按的键。",
            instruction_en=f"With {format_mass(key_load)} on the pan press each memory / unit-price key (M1, M2, M3 …) "
            "and digit + TARE combinations; read after each and note the key.",
        )

    def add_zero(self) -> None:
        load = self.scale.e * int(_proc("zero_test_load_e"))
        limit = dec(_proc("zero_setting_limit_e"), "thresholds.json procedure.zero_setting_limit_e") * self.scale.e
        self._add(
            id="zero", kind="zero", load=load, limit=limit, change_point=True,
            zh="置零准确度 (E0)", en="Zero-setting accuracy (E0)",
            instruction_zh=f"空秤按置零键；放上 {self._load_text(load)}以脱离零点跟踪，再逐个加 0.1 d 小砝码至示值增加一个分度，"
            "记录示值与所加小砝码总量 ΔL。",
            instruction_en=f"Zero the empty scale; place {format_mass(load)} to escape zero tracking, then add 0.1 d "
            "weights until the indication steps up; enter the indication and the small weights added (ΔL).",
            extra={"limit_e": plain(in_e(limit, self.scale.e))},
        )

    def add_weighing(self) -> None:
        points = weighing_points(self.scale)
        sequence = [(p, "up") for p in points] + [(p, "down") for p in reversed(points[:-1])]
        for i, (load, direction) in enumerate(sequence, 1):
            arrow = "加载" if direction == "up" else "卸载"
            self._add(
                id=f"weighing-{i}", kind="weighing", load=load, limit=self._mpe(load), change_point=True,
                direction=direction,
                zh=f"称量测试 {i}（{arrow}）", en=f"Weighing test {i} ({direction})",
                instruction_zh=f"{arrow}至 {self._load_text(load)}；示值稳定后加 0.1 d 小砝码至示值增加一个分度，记录示值与 ΔL。",
                instruction_en=f"{'Load' if direction == 'up' else 'Unload'} to {format_mass(load)}; when stable add 0.1 d "
                "weights until the indication steps up; enter the indication and ΔL.",
            )

    def add_eccentricity(self) -> None:
        load = round_load(self.scale, _frac("eccentricity_fraction") * Fraction(self.scale.max), down=True)
        for pos in _proc("eccentricity_positions"):
            zh, en = POSITIONS_ZH.get(pos, (pos, pos))
            self._add(
                id=f"eccentricity-{pos}", kind="eccentricity", load=load, limit=self._mpe(load),
                change_point=True, position=pos,
                zh=f"偏载测试：{zh}", en=f"Eccentricity: {en}",
                instruction_zh=f"将 {self._load_text(load)}放在秤盘{zh}（约占 1/4 面积，勿叠放过高），记录示值与 ΔL。",
                instruction_en=f"Place {format_mass(load)} on the {en} of the platter (about a quarter of its area); "
                "enter the indication and ΔL.",
            )

    def add_repeatability(self) -> None:
        load = round_load(self.scale, _frac("repeatability_fraction") * Fraction(self.scale.max))
        count = int(_proc("repeatability_count"))
        self._add(
            id="repeatability", kind="repeatability", load=load, limit=self._mpe(load), change_point=True,
            min_readings=count, max_readings=None,
            zh="重复性测试", en="Repeatability",
            instruction_zh=f"同一载荷 {self._load_text(load)}重复称量 {count} 次，每次之间回零；各次示值之差不得超过 MPE 绝对值。",
            instruction_en=f"Weigh the same {format_mass(load)} {count} times, returning to zero in between; "
            "the spread must not exceed |MPE|.",
        )

    def add_discrimination(self) -> None:
        factor = dec(_proc("discrimination_factor"), "thresholds.json procedure.discrimination_factor")
        added = factor * self.scale.d
        for name in _proc("discrimination_points"):
            load = _fraction_load(self.scale, str(name))
            self._add(
                id=f"discrimination-{name.replace('/', '_')}", kind="discrimination", load=load,
                zh=f"鉴别力测试（{format_mass(load)}）", en=f"Discrimination at {format_mass(load)}",
                instruction_zh=f"放上 {self._load_text(load)}，加 0.1 d 小砝码至示值刚要变化前，记录示值；"
                f"再轻放 {format_mass(added)}（{plain(factor)} d），记录新示值——示值须增加至少一个分度。",
                instruction_en=f"Place {format_mass(load)}, add 0.1 d weights until just before the indication changes "
                f"and note it; gently add {format_mass(added)} ({plain(factor)} d): the indication must rise by at least d.",
                extra={"added_g": plain(added), "factor": plain(factor)},
            )

    def add_tare(self) -> None:
        tare = round_load(self.scale, _frac("tare_fraction") * Fraction(self.scale.max))
        zero_load = self.scale.e * int(_proc("zero_test_load_e"))
        zero_limit = dec(_proc("zero_setting_limit_e"), "thresholds.json procedure.zero_setting_limit_e") * self.scale.e
        self._add(
            id="tare_zero", kind="tare_zero", load=zero_load, limit=zero_limit, change_point=True,
            zh="去皮后零点", en="Net zero after tare",
            instruction_zh=f"放上皮重 {self._load_text(tare)}并按去皮键；再放 {self._load_text(zero_load)}，"
            "加 0.1 d 小砝码至示值增加一个分度，记录净重示值与 ΔL。",
            instruction_en=f"Place a tare of {format_mass(tare)} and press TARE; add {format_mass(zero_load)} and 0.1 d "
            "weights until the net indication steps up; enter it and ΔL.",
            extra={"tare_g": plain(tare)},
        )
        net = round_load(self.scale, _frac("tare_net_fraction") * Fraction(self.scale.max))
        net = min(net, self.scale.max - tare)
        self._add(
            id="tare", kind="tare", load=net, limit=self._mpe(net), change_point=True,
            zh="去皮称量", en="Net weighing after tare",
            instruction_zh=f"皮重 {format_mass(tare)} 保留在秤上，加放净重 {self._load_text(net)}，记录净重示值与 ΔL。",
            instruction_en=f"With the {format_mass(tare)} tare still on, add a net load of {format_mass(net)}; "
            "enter the net indication and ΔL.",
            extra={"tare_g": plain(tare)},
        )

    def add_price(self) -> None:
        load = _fraction_load(self.scale, "1/10")
        self._add(
            id="price", kind="price", load=load, min_readings=1, max_readings=None,
            zh="计价功能核对", en="Price computation",
            instruction_zh=f"放上 {self._load_text(load)}，输入一个单价，记录显示的重量、单价与金额；"
            "再请摊主按其平时方式输入单价核对（防 ×0.01 单价）。",
            instruction_en=f"Place {format_mass(load)}, key in a unit price and note weight, unit price and amount shown; "
            "then have the vendor key in the price as usual (checks the ×0.01 unit-price trick).",
        )
