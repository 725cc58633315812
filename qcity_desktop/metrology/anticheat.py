"""Anti-cheat analysis of a market scale's readings.

Real cheating is mostly a cheat chip or firmware back door that adds a fixed percentage (5–30 %)
once switched on by a key sequence or a remote, and that a power cycle switches off again
(reference metrology.md §2). Legitimate errors stay within 0.5–1.5 e whatever the load, so the
signature is an error that grows in proportion to the load — often only above some threshold
load, so that a small check weight looks fine. Hence:

* fit error = c + b·L (for L ≥ T) by least squares over the threshold T that explains the data
  best, and report b as a percentage; a large b is the cheat-chip signature;
* compare the as-found readings (before anyone touches the keypad) with the readings after a power
  cycle: an error that vanishes on restart is a cheat mode being cleared;
* a change of the indication without a change of load (e.g. after pressing a memory/unit-price
  key) is a jump;
* the value the customer sees must equal the value on the serial line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from qcity_desktop.errors import InputError
from qcity_desktop.metrology.data import dec, thresholds
from qcity_desktop.metrology.findings import Finding
from qcity_desktop.metrology.units import format_mass, plain

RULE = "集贸市场计量监督管理办法 (2025) 禁止使用作弊功能计量器具; JJF 2184-2025 / JJG 1204-2025"


def setting(name: str) -> Decimal:
    """An anti-cheat threshold from thresholds.json (configurable there)."""
    return dec(thresholds()["anticheat"][name], f"thresholds.json anticheat.{name}")


@dataclass(frozen=True)
class LoadErrorFit:
    """error ≈ intercept + slope·load for loads ≥ threshold_load (all loads when it is None)."""

    points: int
    intercept: Decimal
    slope: Decimal
    threshold_load: Decimal | None
    below_load: Decimal | None  # the largest tested load under the threshold (cheat starts above it)
    residual_rms: Decimal

    @property
    def percent(self) -> Decimal:
        return self.slope * 100

    def predicted(self, load: Decimal) -> Decimal:
        if self.threshold_load is not None and load < self.threshold_load:
            return self.intercept
        return self.intercept + self.slope * load

    def proportional_part(self, load: Decimal) -> Decimal:
        """The load-proportional share of the fitted error at ``load``."""
        return self.predicted(load) - self.intercept

    def to_dict(self) -> dict[str, Any]:
        return {
            "points": self.points,
            "intercept_g": plain(self.intercept.quantize(Decimal("0.001"))),
            "slope": plain(self.slope.quantize(Decimal("0.0000001"))),
            "percent": plain(self.percent.quantize(Decimal("0.01"))),
            "threshold_load_g": None if self.threshold_load is None else plain(self.threshold_load),
            "below_load_g": None if self.below_load is None else plain(self.below_load),
            "residual_rms_g": plain(self.residual_rms.quantize(Decimal("0.001"))),
        }


def _ols(xs: Sequence[Decimal], ys: Sequence[Decimal]) -> tuple[Decimal, Decimal, Decimal] | None:
    """Least squares y = c + b·x; returns (c, b, SSE) or None when x does not vary."""
    n = Decimal(len(xs))
    mx = sum(xs, Decimal(0)) / n
    my = sum(ys, Decimal(0)) / n
    sxx = sum(((x - mx) ** 2 for x in xs), Decimal(0))
    if sxx == 0:
        return None
    sxy = sum(((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)), Decimal(0))
    b = sxy / sxx
    c = my - b * mx
    sse = sum(((y - c - b * x) ** 2 for x, y in zip(xs, ys, strict=True)), Decimal(0))
    return c, b, sse


def fit_load_error(points: Iterable[tuple[Decimal, Decimal]], *, min_loads: int | None = None) -> LoadErrorFit:
    """Fit the error against the load, allowing the proportional part to start at a threshold.

    Candidate thresholds lie at each tested load that has at least one smaller load below it and
    at least two loads at or above it (so the slope is never fitted to a single point); "no
    threshold" is the plain straight line and wins ties, so an honest scale is never explained by
    an invented threshold.
    """
    pts = sorted((Decimal(load), Decimal(err)) for load, err in points)
    min_loads = int(setting("min_fit_loads")) if min_loads is None else min_loads
    distinct = sorted({load for load, _ in pts})
    if len(distinct) < max(min_loads, 2):
        raise InputError(
            f"拟合误差-载荷关系至少需要 {max(min_loads, 2)} 个不同载荷，现有 {len(distinct)} 个 / "
            f"need at least {max(min_loads, 2)} distinct loads to fit the error against the load"
        )
    loads = [p[0] for p in pts]
    errors = [p[1] for p in pts]
    best = _ols(loads, errors)
    assert best is not None  # at least two distinct loads
    c, b, sse = best
    threshold: Decimal | None = None
    below: Decimal | None = None
    for k in range(1, len(pts)):
        if loads[k] == loads[k - 1] or len(pts) - k < 2 or len({*loads[k:]}) < 2:
            continue
        xs = [Decimal(0)] * k + loads[k:]
        fit = _ols(xs, errors)
        if fit is None:
            continue
        # strictly better, with a margin so that rounding noise never invents a threshold
        if fit[2] < sse and sse - fit[2] > sse / 10:
            c, b, sse = fit
            threshold, below = loads[k], loads[k - 1]
    rms = (sse / Decimal(len(pts))).sqrt()
    return LoadErrorFit(
        points=len(pts), intercept=c, slope=b, threshold_load=threshold, below_load=below, residual_rms=rms,
    )


def proportional_finding(
    fit: LoadErrorFit, max_load: Decimal, mpe_at_max: Decimal, *, phase: str = "as_found",
    threshold_percent: Decimal | None = None,
) -> Finding | None:
    """The cheat-chip finding when the fitted percentage and the error it causes are both too big.

    Both conditions are needed: the percentage alone would flag a tiny-capacity scale whose honest
    1 e error is a large fraction of a small load; the size alone is a calibration error, not a cheat.
    """
    limit = setting("proportional_threshold_percent") if threshold_percent is None else threshold_percent
    extra = fit.proportional_part(max_load)
    if abs(fit.percent) < limit or abs(extra) <= mpe_at_max:
        return None
    pct = fit.percent.quantize(Decimal("0.01"))
    sign = "+" if pct > 0 else ""
    where_zh = where_en = ""
    if fit.threshold_load is not None:
        where_zh = f"（{format_mass(fit.below_load or Decimal(0))} 与 {format_mass(fit.threshold_load)} 之间起）"
        where_en = f" (starting between {format_mass(fit.below_load or Decimal(0))} and {format_mass(fit.threshold_load)})"
    return Finding(
        code="proportional_error" if phase == "as_found" else f"proportional_error_{phase}",
        severity="cheat",
        zh=f"示值误差随载荷成比例增长，拟合 {sign}{pct} %{where_zh}，{format_mass(max_load)} 处多出 "
           f"{format_mass(extra, signed=True)}（MPE ±{format_mass(mpe_at_max)}）：作弊芯片/后门特征",
        en=f"load-proportional error of {sign}{pct} % fitted{where_en}, {format_mass(extra, signed=True)} at "
           f"{format_mass(max_load)} (MPE ±{format_mass(mpe_at_max)}): cheat-chip signature",
        rule=RULE,
        data={"phase": phase, "fit": fit.to_dict(), "limit_percent": plain(limit)},
    )


def offset_finding(fit: LoadErrorFit, mpe_small: Decimal, *, phase: str = "as_found") -> Finding | None:
    """A constant error beyond the MPE at every load: a preset 底数 or an object left on the pan."""
    if abs(fit.intercept) <= mpe_small or abs(fit.percent) >= setting("proportional_threshold_percent"):
        return None
    off = fit.intercept.quantize(Decimal("0.1"))
    return Finding(
        code="constant_offset" if phase == "as_found" else f"constant_offset_{phase}",
        severity="cheat",
        zh=f"各载荷示值均偏差约 {format_mass(off, signed=True)}：疑似预留底数或秤盘未去皮",
        en=f"every load reads about {format_mass(off, signed=True)} off: preset offset (底数) or tare abuse suspected",
        rule=RULE,
        data={"phase": phase, "fit": fit.to_dict()},
    )


@dataclass(frozen=True)
class Jump:
    """The indication changed by ``delta`` between two readings at the same load."""

    load: Decimal
    before_label: str
    after_label: str
    before: Decimal
    after: Decimal

    @property
    def delta(self) -> Decimal:
        return self.after - self.before


def find_jumps(readings: Sequence[tuple[str, Decimal, Decimal]], tolerance: Decimal) -> list[Jump]:
    """Consecutive readings (label, load, indication) at an unchanged load that differ > tolerance."""
    jumps: list[Jump] = []
    for (la, load_a, ind_a), (lb, load_b, ind_b) in zip(readings, readings[1:], strict=False):
        if load_a == load_b and abs(ind_b - ind_a) > tolerance:
            jumps.append(Jump(load=load_a, before_label=la, after_label=lb, before=ind_a, after=ind_b))
    return jumps


def jump_finding(jump: Jump) -> Finding:
    return Finding(
        code="jump_without_load_change",
        severity="cheat",
        zh=f"载荷 {format_mass(jump.load)} 未变，示值由 {format_mass(jump.before)} 变为 {format_mass(jump.after)}"
           f"（{jump.before_label} → {jump.after_label}）",
        en=f"indication changed from {format_mass(jump.before)} to {format_mass(jump.after)} at an unchanged load "
           f"of {format_mass(jump.load)} ({jump.before_label} → {jump.after_label})",
        rule=RULE,
        data={"load_g": plain(jump.load), "before_g": plain(jump.before), "after_g": plain(jump.after),
              "before_label": jump.before_label, "after_label": jump.after_label},
    )


def power_cycle_finding(load: Decimal, as_found_error: Decimal, after_error: Decimal, e: Decimal) -> Finding | None:
    """An error that changes a lot on restart: a cheat mode being cleared by the power cycle."""
    limit = setting("power_cycle_change_e") * e
    if abs(as_found_error - after_error) <= limit:
        return None
    return Finding(
        code="changed_after_power_cycle",
        severity="cheat",
        zh=f"{format_mass(load)} 处示值误差断电重启前 {format_mass(as_found_error, signed=True)}，重启后 "
           f"{format_mass(after_error, signed=True)}：疑似作弊模式被重启清除",
        en=f"error at {format_mass(load)} was {format_mass(as_found_error, signed=True)} as found and "
           f"{format_mass(after_error, signed=True)} after a power cycle: a cheat mode cleared by restart is suspected",
        rule=RULE,
        data={"load_g": plain(load), "as_found_error_g": plain(as_found_error), "after_error_g": plain(after_error)},
    )


def display_finding(label: str, serial: Decimal, display: Decimal) -> Finding | None:
    """The customer's display (confirmed by the inspector) must show what the scale sends."""
    if serial == display:
        return None
    return Finding(
        code="display_mismatch",
        severity="cheat",
        zh=f"{label}：顾客显示 {format_mass(display)} 与串口读数 {format_mass(serial)} 不一致",
        en=f"{label}: customer display {format_mass(display)} differs from the serial value {format_mass(serial)}",
        rule="JJG 539 / OIML R76: 示值须一致 (indications must agree)",
        data={"label": label, "serial_g": plain(serial), "display_g": plain(display)},
    )
