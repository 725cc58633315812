"""Display names for the codes the core stores (kinds, statuses, verdicts), through Qt translation.

The store keeps stable codes (``elevator``, ``draft``) and the rules write verdicts in Chinese
(合格) because that is what goes on the certificate; the screens show both in the chosen language.
Marked with QT_TRANSLATE_NOOP so lupdate extracts them, translated at display time.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from ui.i18n import lang

KINDS = ("elevator", "scale", "site")

_KIND = {
    "elevator": QT_TRANSLATE_NOOP("Labels", "Elevator"),
    "scale": QT_TRANSLATE_NOOP("Labels", "Scale"),
    "site": QT_TRANSLATE_NOOP("Labels", "Construction site"),
}
_KIND_PLURAL = {
    "elevator": QT_TRANSLATE_NOOP("Labels", "Elevators"),
    "scale": QT_TRANSLATE_NOOP("Labels", "Scales"),
    "site": QT_TRANSLATE_NOOP("Labels", "Construction sites"),
}
STATUSES = ("draft", "completed", "signed")
_STATUS = {
    "draft": QT_TRANSLATE_NOOP("Labels", "Draft"),
    "completed": QT_TRANSLATE_NOOP("Labels", "Completed"),
    "signed": QT_TRANSLATE_NOOP("Labels", "Signed"),
}
# Verdicts as the rules store them (Chinese, as printed on certificates).
VERDICTS = ("合格", "不合格", "复检合格", "整改后合格", "优良")
_VERDICT = {
    "合格": QT_TRANSLATE_NOOP("Labels", "Pass"),
    "不合格": QT_TRANSLATE_NOOP("Labels", "Fail"),
    "复检合格": QT_TRANSLATE_NOOP("Labels", "Pass on re-inspection"),
    "整改后合格": QT_TRANSLATE_NOOP("Labels", "Pass after rectification"),
    "优良": QT_TRANSLATE_NOOP("Labels", "Good"),
}
FAILING_VERDICTS = frozenset({"不合格"})
_DUE = {
    "periodic_inspection": QT_TRANSLATE_NOOP("Labels", "Periodic inspection"),
    "self_test": QT_TRANSLATE_NOOP("Labels", "Self-test"),
    "verification_expiry": QT_TRANSLATE_NOOP("Labels", "Verification expires"),
    "reinspection": QT_TRANSLATE_NOOP("Labels", "Re-inspection"),
    "returned": QT_TRANSLATE_NOOP("Labels", "Returned by review"),
    "next_due": QT_TRANSLATE_NOOP("Labels", "Next inspection"),
}


translate = QCoreApplication.translate


def _t(text: str) -> str:
    return QCoreApplication.translate("Labels", text)


def kind_label(kind: str) -> str:
    return _t(_KIND[kind]) if kind in _KIND else kind


def kind_plural(kind: str) -> str:
    return _t(_KIND_PLURAL[kind]) if kind in _KIND_PLURAL else kind


def status_label(status: str | None) -> str:
    return _t(_STATUS[status]) if status in _STATUS else (status or "")


def verdict_label(verdict: str | None) -> str:
    return _t(_VERDICT[verdict]) if verdict in _VERDICT else (verdict or "")


_REVIEW = {
    "approved": QT_TRANSLATE_NOOP("Labels", "Approved"),
    "returned": QT_TRANSLATE_NOOP("Labels", "Returned"),
    None: QT_TRANSLATE_NOOP("Labels", "To review"),
}


def review_label(decision: str | None, status: str | None = "signed") -> str:
    """The latest review of a signed inspection; nothing for one not signed yet (nothing to review)."""
    if status != "signed":
        return ""
    return _t(_REVIEW[decision]) if decision in _REVIEW else (decision or "")


def due_label(what: str) -> str:
    return _t(_DUE[what]) if what in _DUE else what


def days_text(days_left: int) -> str:
    # plain strings rather than %n plurals: lupdate does not see plurals in translate() calls
    if days_left < 0:
        n = -days_left
        return translate("Labels", "1 day overdue") if n == 1 else translate("Labels", "{0} days overdue").format(n)
    if days_left == 0:
        return translate("Labels", "due today")
    return translate("Labels", "in 1 day") if days_left == 1 else translate("Labels", "in {0} days").format(days_left)


_template_titles: dict[str, dict[str, str]] = {}


def load_template_titles() -> int:
    """Read the checklist templates' titles (file work: call it on a worker thread, once)."""
    from qcity_desktop.checklists.templates import all_templates

    for t in all_templates():  # sorted by version, so the newest title wins
        _template_titles[t.id] = dict(t.title)
    return len(_template_titles)


def template_title(template_id: str) -> str:
    """The checklist's title in the current language (its id until the titles are loaded)."""
    title = _template_titles.get(template_id)
    return (title.get(lang()) or title.get("zh") or template_id) if title else template_id


def local_time(iso: str | None) -> str:
    """A stored UTC timestamp (``2025-03-04T08:15:00.000Z``) as local ``2025-03-04 16:15``."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso[:16].replace("T", " ")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")
