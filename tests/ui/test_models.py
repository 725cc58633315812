"""The Qt models behind the lists: lazy paging, filters, sorting and search-as-you-type.

Every model is watched by Qt's QAbstractItemModelTester (qtmodeltester) for the whole test, so a
wrong insert/reset sequence while pages arrive fails the test through a Qt warning.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt

from qcity_desktop.store import open_store
from qcity_desktop.store.browse import InspectionFilter
from ui.models.inspections import COLUMNS, ID_ROLE, InspectionsModel
from ui.models.rows import Column, RowsModel
from ui.models.subjects import SubjectsModel

# The offscreen platform warns that it cannot pass window size hints on; that is not our bug.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


@pytest.fixture(autouse=True)
def _chinese(qapp):  # noqa: ANN001, ANN202 - headers are checked in the default language, then removed
    from ui.i18n import install_language, remove_language

    install_language("zh_CN")
    yield
    remove_language()


def _load_at_least(qtbot, model, n: int) -> None:  # noqa: ANN001
    """Fetch pages as a scrolling view would, until ``n`` rows are loaded."""
    def enough() -> bool:
        if model.canFetchMore(QModelIndex()):
            model.fetchMore(QModelIndex())
        return model.rowCount() >= n and not model.loading
    qtbot.waitUntil(enough, timeout=20000)


def _load_all(qtbot, model) -> None:  # noqa: ANN001
    while True:
        qtbot.waitUntil(lambda: not model.loading, timeout=60000)
        if not model.canFetchMore(QModelIndex()):
            return
        model.fetchMore(QModelIndex())


def test_inspections_model_passes_qt_model_checks_while_pages_arrive_and_the_sort_changes(
        qtbot, qtmodeltester, big_db, make_worker):
    model = InspectionsModel(make_worker(big_db), page_size=100)
    qtmodeltester.check(model)  # Qt's tester re-checks the whole model on every signal: keep it to a few pages
    model.set_filter(InspectionFilter())
    _load_at_least(qtbot, model, 300)
    model.sort(1, Qt.SortOrder.AscendingOrder)
    _load_at_least(qtbot, model, 200)
    model.set_filter(InspectionFilter(kind="site"))
    _load_at_least(qtbot, model, 200)
    assert {model.row_data(r)["kind"] for r in range(model.rowCount())} == {"site"}


def test_inspections_arrive_page_by_page_and_all_of_them_exactly_once(qtbot, big_db, make_worker):
    model = InspectionsModel(make_worker(big_db), page_size=250)
    with qtbot.waitSignal(model.countChanged, timeout=5000) as counted:
        model.set_filter(InspectionFilter())
    qtbot.waitUntil(lambda: model.rowCount() >= 250 and not model.loading, timeout=5000)
    store = open_store(big_db)
    expected = store.conn.execute("SELECT count(*) FROM inspections").fetchone()[0]
    assert model.rowCount() < expected, "pages are fetched on demand, not the whole table at once"
    _load_all(qtbot, model)
    assert counted.args == [expected]
    ids = [model.data(model.index(r, 0), ID_ROLE) for r in range(model.rowCount())]
    assert len(ids) == expected and len(set(ids)) == expected
    dates = [model.row_data(r)["started_at"] for r in range(model.rowCount())]
    assert dates == sorted(dates, reverse=True), "newest first"


def test_inspection_filters_and_sorting_show_what_the_user_asked_for(qtbot, big_db, make_worker):
    model = InspectionsModel(make_worker(big_db), page_size=100)
    model.set_filter(InspectionFilter(status="draft", verdict="none"))
    _load_all(qtbot, model)
    assert model.rowCount() > 0
    assert all(model.row_data(r)["status"] == "draft" for r in range(model.rowCount()))
    store = open_store(big_db)
    drafts = store.conn.execute("SELECT count(*) FROM inspections WHERE status='draft' AND verdict IS NULL").fetchone()[0]
    assert model.rowCount() == drafts

    subject_col = [k for k, _ in COLUMNS].index("subject")
    model.set_filter(InspectionFilter(kind="scale"))
    model.sort(subject_col, Qt.SortOrder.AscendingOrder)
    _load_all(qtbot, model)
    names = [model.data(model.index(r, subject_col)) for r in range(model.rowCount())]
    assert names == sorted(names) and len(names) == store.conn.execute(
        "SELECT count(*) FROM inspections WHERE kind='scale'").fetchone()[0]
    assert {model.row_data(r)["kind"] for r in range(model.rowCount())} == {"scale"}


def test_a_late_page_of_an_old_filter_never_mixes_into_the_new_list(qtbot, big_db, make_worker):
    model = InspectionsModel(make_worker(big_db), page_size=100)
    model.set_filter(InspectionFilter(status="signed"))
    model.set_filter(InspectionFilter(status="draft"))  # before the first answer arrives
    _load_all(qtbot, model)
    assert model.rowCount() > 0
    assert {model.row_data(r)["status"] for r in range(model.rowCount())} == {"draft"}


def test_inspection_date_range_is_inclusive(qtbot, big_db, make_worker):
    model = InspectionsModel(make_worker(big_db), page_size=500)
    model.set_filter(InspectionFilter(date_from="2019-03-01", date_to="2019-03-31"))
    _load_all(qtbot, model)
    days = {model.row_data(r)["started_at"][:10] for r in range(model.rowCount())}
    assert days and min(days) >= "2019-03-01" and max(days) <= "2019-03-31"
    assert any(d == "2019-03-28" for d in days) or any(d > "2019-03-20" for d in days)


def test_subject_search_as_you_type_runs_one_query_when_typing_pauses(qtbot, qtmodeltester, demo_db, make_worker):
    model = SubjectsModel(make_worker(demo_db), "elevator", debounce_ms=80)
    qtmodeltester.check(model)
    model.reload()
    _load_all(qtbot, model)
    everything = model.rowCount()
    assert everything >= 5
    loads = []
    model.pageLoaded.connect(loads.append)
    for prefix in ("赤", "赤壁", "赤壁市"):  # typed quickly, one character at a time
        model.set_search(prefix)
    _load_all(qtbot, model)
    assert len(loads) == 1, "only the text the user paused on is searched"
    names = [model.row_data(r)["name"] + model.row_data(r)["address"] for r in range(model.rowCount())]
    assert names and all("赤壁市" in n for n in names)
    assert model.rowCount() < everything


def test_subject_search_finds_a_registration_code_and_headers_come_from_the_field_list(
        qtbot, qtmodeltester, demo_db, make_worker):
    model = SubjectsModel(make_worker(demo_db), "elevator", debounce_ms=10)
    qtmodeltester.check(model)
    model.set_search("31104212016080000457")
    _load_all(qtbot, model)
    assert model.rowCount() == 1
    assert model.data(model.index(0, 0)) == "咸宁市中心医院门诊楼2号梯"
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers[:2] == ["名称", "注册代码"]


def test_subject_filters_by_district_and_overdue(qtbot, qtmodeltester, demo_db, make_worker):
    model = SubjectsModel(make_worker(demo_db), "scale", debounce_ms=10)
    qtmodeltester.check(model)
    model.set_filter(district="赤壁市")
    _load_all(qtbot, model)
    assert model.rowCount() > 0
    assert {model.row_data(r)["district"] for r in range(model.rowCount())} == {"赤壁市"}
    model.set_filter(district="", due="overdue")
    _load_all(qtbot, model)
    from datetime import date

    today = date.today().isoformat()
    assert all(model.row_data(r)["next_due"] < today for r in range(model.rowCount()))


def test_rows_model_shows_its_columns(qtmodeltester):
    model = RowsModel([Column("Name", "Test", lambda r: r["name"]), Column("N", "Test", lambda r: str(r["n"]), align_right=True)])
    qtmodeltester.check(model)
    model.set_rows([{"id": "a", "name": "温泉花园", "n": 3}, {"id": "b", "name": "陆水湖", "n": 10}])
    assert model.rowCount() == 2 and model.data(model.index(1, 0)) == "陆水湖"
    assert model.data(model.index(0, 1), ID_ROLE) == "a"
    model.set_rows([])
    assert model.rowCount() == 0
