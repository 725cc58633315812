"""The rule registry: a template names its rule, the registry maps the name to a pure function.

Each rule lives in its own module in this package and registers itself with ``@rule("name")``;
all modules here are imported on first use, so adding a rule is adding one module.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping

from qcity_desktop.checklists.model import Answer, Evaluation, RuleContext, Template
from qcity_desktop.errors import InputError

RuleFn = Callable[[Template, Mapping[str, Answer], RuleContext], Evaluation]

_RULES: dict[str, RuleFn] = {}
_loaded = False


def rule(name: str) -> Callable[[RuleFn], RuleFn]:
    """Register ``fn`` as the rule called ``name``."""

    def deco(fn: RuleFn) -> RuleFn:
        if name in _RULES and _RULES[name] is not fn:
            raise RuntimeError(f"rule {name!r} registered twice")
        _RULES[name] = fn
        return fn

    return deco


def _load_all() -> None:
    global _loaded
    if _loaded:
        return
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
    _loaded = True


def get_rule(name: str) -> RuleFn:
    _load_all()
    try:
        return _RULES[name]
    except KeyError:
        raise InputError(f"unknown rule {name!r}; known rules: {', '.join(sorted(_RULES))}") from None


def rule_names() -> list[str]:
    _load_all()
    return sorted(_RULES)


def evaluate(template: Template, answers: Mapping[str, Answer], context: RuleContext | None = None) -> Evaluation:
    """Run the template's rule on the answers."""
    return get_rule(template.rule)(template, answers, context or RuleContext())
