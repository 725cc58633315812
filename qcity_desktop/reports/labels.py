"""Every word printed on a document, in Chinese (default) and English.

Kept in one table so a translator, or a bureau adapting its forms, changes wording in one place
and no renderer ever hard-codes a language.
"""

from __future__ import annotations

from typing import Any

LANGS = ("zh", "en")

TEXT: dict[str, tuple[str, str]] = {
    # titles
    "report_title": ("检验报告", "Inspection Report"),
    "certificate_title": ("检验证书", "Inspection Certificate"),
    "notice_title": ("整改通知书", "Rectification Notice"),
    "scale_title": ("计量器具检查记录", "Scale Test Record"),
    "draft": ("草稿", "DRAFT"),
    "draft_note": ("未签署，不作为正式文件", "Not signed: not an official document"),
    "demo_key": ("演示密钥签名，非正式文件", "Signed with the DEMO key: not official"),
    "end_of_report": ("— 报告完毕 —", "— End of Report —"),
    "end_of_record": ("— 记录完毕 —", "— End of Record —"),
    "end_of_notice": ("— 以下空白 —", "— Nothing follows —"),
    "page_of": ("第 {page} 页 共 {total} 页", "Page {page} of {total}"),
    # fields
    "report_no": ("报告编号", "Report No."),
    "certificate_no": ("证书编号", "Certificate No."),
    "notice_no": ("通知书编号", "Notice No."),
    "subject": ("受检对象", "Subject"),
    "subject_kind": ("对象类别", "Kind"),
    "address": ("地址", "Address"),
    "district": ("所属区域", "District"),
    "codes": ("编号/代码", "Codes"),
    "owner": ("使用单位/经营者", "Owner / user"),
    "template": ("检验项目表", "Checklist"),
    "standard": ("检验依据", "Basis"),
    "inspectors": ("检验人员", "Inspectors"),
    "inspection_date": ("检验日期", "Inspection date"),
    "signed_at": ("签发日期", "Issued"),
    "next_due": ("下次检验日期", "Next inspection due"),
    "valid_until": ("有效期至", "Valid until"),
    "verdict": ("检验结论", "Conclusion"),
    "score": ("得分", "Score"),
    "grade": ("评定等级", "Grade"),
    "remark": ("备注", "Remarks"),
    "content_hash": ("记录摘要(SHA-256)", "Record digest (SHA-256)"),
    "issuer": ("检验机构", "Issued by"),
    "seal": ("（检验专用章）", "(inspection seal)"),
    "scan_to_verify": ("扫码验证真伪", "Scan to verify"),
    "related_report": ("对应报告编号", "Report No."),
    # sections
    "sec_basic": ("基本信息", "General information"),
    "sec_conclusion": ("检验结论", "Conclusion"),
    "sec_items": ("检验项目及结果", "Items and results"),
    "sec_measurements": ("测量数据", "Measurements"),
    "sec_findings": ("不合格项目及整改要求", "Non-conformities and required rectification"),
    "sec_photos": ("现场照片", "Photographs"),
    "sec_signatures": ("签字", "Signatures"),
    # table heads
    "col_no": ("序号", "No."),
    "col_class": ("类别", "Class"),
    "col_item": ("检验项目及内容", "Item"),
    "col_result": ("检验结果", "Result"),
    "col_conclusion": ("结论", "Conclusion"),
    "col_kind": ("项目", "Test"),
    "col_seq": ("次", "#"),
    "col_load": ("载荷", "Load"),
    "col_indication": ("示值", "Indication"),
    "col_error": ("误差E", "Error E"),
    "col_mpe": ("MPE", "MPE"),
    "col_unit": ("单位", "Unit"),
    "col_description": ("问题描述", "Finding"),
    "col_rule": ("违反条款", "Rule broken"),
    "col_severity": ("类别", "Severity"),
    "col_deadline": ("整改期限", "Deadline"),
    "col_status": ("状态", "Status"),
    "none": ("无", "None"),
    "see_notice": ("不符合项 {count} 项，见整改通知书 {notice}", "{count} non-conformities, see rectification notice {notice}"),
    "see_report": ("不符合项 {count} 项，详见检验报告", "{count} non-conformities, see the inspection report"),
    "photo_missing": ("（照片缺失）", "(photo missing)"),
    "no_items": ("（无检验项目）", "(no items)"),
    "compiled_from": ("本报告依据已签署的检验记录生成", "Generated from the signed inspection record"),
    "clause": ("依据", "clause"),
    "deduct": ("扣{points}分", "−{points} pts"),
    # signatures
    "role_inspector": ("检验", "Inspected by"),
    "role_reviewer": ("审核", "Reviewed by"),
    "role_approver": ("批准", "Approved by"),
    "role_compiler": ("编制", "Compiled by"),
    "role_representative": ("现场代表", "Site representative"),
    "sign_date": ("日期", "Date"),
    "representative_ack": ("被检单位代表（签字）", "Representative of the inspected party (signature)"),
    "inspector_sign": ("检验人员（签字）", "Inspector (signature)"),
    # notice text
    "notice_to": ("致：{owner}", "To: {owner}"),
    "notice_body": (
        "经对 {subject}（{address}）进行检验，发现下列不符合项。请于各项整改期限前完成整改，"
        "并将整改情况及证明材料书面报告本机构；逾期未整改的，将依法处理。",
        "The inspection of {subject} ({address}) found the non-conformities below. Rectify each one "
        "before its deadline and report the rectification with evidence to this office in writing; "
        "failure to do so will be dealt with according to law.",
    ),
    "notice_objection": (
        "如对本通知有异议，可在收到之日起十五日内书面提出。",
        "Objections may be made in writing within 15 days of receipt.",
    ),
    # scale record
    "sec_instrument": ("计量器具信息", "Instrument"),
    "sec_tests": ("检查数据", "Test data"),
    "sec_scale_conclusion": ("结论", "Conclusion"),
    "m_weighing": ("称量", "Weighing"),
    "m_eccentricity": ("偏载", "Eccentricity"),
    "m_repeatability": ("重复性", "Repeatability"),
    "m_tare": ("除皮", "Tare"),
    "m_zero": ("置零", "Zero"),
    "m_discrimination": ("鉴别力", "Discrimination"),
    "m_price": ("计价", "Price computation"),
    "discarded": ("作废", "Discarded"),
    "m_as_found": ("到场即测", "As found"),
    "m_power_cycle": ("断电重启后", "After power cycle"),
    "m_after_keys": ("按记忆/单价键后", "After memory/price keys"),
    "m_tare_zero": ("除皮后置零", "Zero after tare"),
    "repeatability_range": ("重复性极差 {range} {unit}（允许 {limit} {unit}）", "Repeatability range {range} {unit} (limit {limit} {unit})"),
    "ok": ("合格", "Pass"),
    "not_ok": ("不合格", "Fail"),
    "open": ("待整改", "Open"),
    "closed": ("已整改", "Closed"),
}

# Item result codes (answers.result) → (symbol, zh conclusion, en conclusion); symbols as on
# TSG T7001 reports (../shared/reference/checklists.md §1.5 [S]).
RESULTS: dict[str, tuple[str, str, str]] = {
    "pass": ("√", "符合", "Pass"),
    "fail": ("×", "不符合", "Fail"),
    "na": ("／", "无此项", "N/A"),
    "not_tested": ("△", "未检测", "Not tested"),
    "doc_pass": ("▽", "资料确认符合", "Confirmed by documents"),
    "rectified": ("√", "整改后符合", "Rectified"),
}

VERDICTS: dict[str, tuple[str, str]] = {
    "pass": ("合格", "Pass"),
    "passed": ("合格", "Pass"),
    "qualified": ("合格", "Pass"),
    "合格": ("合格", "Pass"),
    "fail": ("不合格", "Fail"),
    "failed": ("不合格", "Fail"),
    "不合格": ("不合格", "Fail"),
    "conditional": ("合格（监护使用）", "Pass (supervised use)"),
    "reinspection_pass": ("复检合格", "Pass on re-inspection"),
    "复检合格": ("复检合格", "Pass on re-inspection"),
    "reinspection_fail": ("复检不合格", "Fail on re-inspection"),
    "复检不合格": ("复检不合格", "Fail on re-inspection"),
    "excellent": ("优良", "Excellent"),
    "优良": ("优良", "Excellent"),
}

SUBJECT_KINDS: dict[str, tuple[str, str]] = {
    "elevator": ("电梯", "Elevator"),
    "scale": ("计量器具（秤）", "Scale"),
    "site": ("建筑施工现场", "Construction site"),
}

ITEM_CLASS: dict[str, tuple[str, str]] = {
    "key": ("关键", "key"),
    "guarantee": ("保证", "guarantee"),
    "general": ("一般", "general"),
}


ZH_NUMERALS = "一二三四五六七八九十"


def heading(number: int, key: str, lang: str) -> str:
    """A numbered section heading (一、… / 1. …), numbered as printed so a skipped section leaves no gap."""
    if lang == "en":
        return f"{number}. {t(key, lang)}"
    numeral = ZH_NUMERALS[number - 1] if 0 < number <= len(ZH_NUMERALS) else str(number)
    return f"{numeral}、{t(key, lang)}"


def t(key: str, lang: str, **fmt: Any) -> str:
    """The text for ``key`` in ``lang``; missing keys show the key so a gap is visible, not fatal."""
    pair = TEXT.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "en" else pair[0]
    return text.format(**fmt) if fmt else text


def pick(value: Any, lang: str) -> str:
    """A {zh, en} dict (templates, bureau) in the wanted language, falling back to the other."""
    if isinstance(value, dict):
        first, second = ("en", "zh") if lang == "en" else ("zh", "en")
        return str(value.get(first) or value.get(second) or "")
    return "" if value is None else str(value)


def verdict_text(verdict: str | None, lang: str) -> str:
    if not verdict:
        return "—"
    pair = VERDICTS.get(str(verdict).strip().lower()) or VERDICTS.get(str(verdict).strip())
    if pair is None:
        return str(verdict)
    return pair[1] if lang == "en" else pair[0]


def is_pass(verdict: str | None) -> bool | None:
    """True/False for a known verdict, None when the word is not recognised."""
    zh = verdict_text(verdict, "zh")
    if zh in ("合格", "复检合格", "优良", "合格（监护使用）"):
        return True
    if zh in ("不合格", "复检不合格"):
        return False
    return None


def result_text(result: str | None, lang: str) -> tuple[str, str]:
    """(symbol, conclusion word) of an item result."""
    if not result:
        return ("", "")
    entry = RESULTS.get(result)
    if entry is None:
        return (result, result)
    return entry[0], (entry[2] if lang == "en" else entry[1])


def kind_text(kind: str | None, lang: str) -> str:
    pair = SUBJECT_KINDS.get(kind or "")
    return (pair[1] if lang == "en" else pair[0]) if pair else (kind or "")
