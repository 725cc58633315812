"""The Sync page: hub address, last sync, what is waiting, a progress bar, errors and conflicts.

Offline is the normal state of an inspector's laptop, so an unreachable hub is shown calmly in
grey ("changes stay on this device") and retried on the next tick; only a refusal (a wrong or
expired token, a signed inspection the hub will not take) is an error in red. Every sync runs
on its own thread with its own database connection; results come back through queued signals,
and the page checks every few minutes whether the hub answers and syncs when it does.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from qcity_desktop.sync.credentials import token_days_left
from ui.sync_history import SyncHistoryTable
from ui.sync_texts import TEXTS, describe_conflict, lang_index, local_time, t
from ui.sync_trust import HubCertificateRow

log = logging.getLogger(__name__)

class _Bridge(QObject):
    status = Signal(object)               # dict: pending, last sync, conflicts, hub
    progress = Signal(str, int, int)
    finished = Signal(object)             # SyncResult as dict
    failed = Signal(str, str)             # kind ('offline' / 'error' / 'cancelled'), message
    bundled = Signal(str)                 # a bundle was exported or imported: the line to show


class SyncPage(QWidget):
    """Sync on demand and every few minutes while the hub answers; the shell swaps it in."""

    # A sync or bundle import finished (on the GUI thread): the shell refreshes its lists and the status
    # bar's "not yet synced" count through it (ui/pages/placeholders.py).
    finished = Signal()

    def __init__(self, store_path: str, settings: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncPage")
        self.store_path = str(store_path)
        self.settings = settings
        self._busy = False
        self._cancel = threading.Event()
        self._threads: list[threading.Thread] = []
        self.last_result: dict[str, Any] | None = None
        self.state = "idle"                # idle / busy / ok / warn / offline / error — for tests and styling
        self._status_seq = 0               # readings started / the newest shown (see _reload)
        self._shown_seq = 0

        self.bridge = _Bridge()
        self.bridge.status.connect(self._show_status, Qt.ConnectionType.QueuedConnection)
        self.bridge.progress.connect(self._show_progress, Qt.ConnectionType.QueuedConnection)
        self.bridge.finished.connect(self._finished, Qt.ConnectionType.QueuedConnection)
        self.bridge.failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)
        self.bridge.bundled.connect(self._bundled, Qt.ConnectionType.QueuedConnection)

        self.title = QLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self.hub_edit = QLineEdit()
        self.hub_edit.setObjectName("hubUrl")
        self.hub_edit.setPlaceholderText("https://hub.example.gov.cn")
        self.token_edit = QLineEdit()
        self.token_edit.setObjectName("hubToken")
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.cert_row = HubCertificateRow(self._store_certificate, lambda text: self._set_state("error", text))
        self.last_label = QLabel()
        self.last_label.setObjectName("lastSync")
        self.pending_label = QLabel()
        self.pending_label.setObjectName("pending")
        self.state_label = QLabel()
        self.state_label.setObjectName("syncState")
        self.state_label.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setObjectName("syncProgress")
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.sync_button = QPushButton()
        self.sync_button.setObjectName("syncNow")
        self.sync_button.clicked.connect(self.sync_now)
        self.cancel_button = QPushButton()
        self.cancel_button.setObjectName("cancelSync")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self._cancel.set)
        self.export_button = QPushButton()
        self.export_button.setObjectName("exportBundle")
        self.export_button.clicked.connect(self._choose_export)
        self.import_button = QPushButton()
        self.import_button.setObjectName("importBundle")
        self.import_button.clicked.connect(self._choose_import)
        self.history = SyncHistoryTable()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("syncTabs")
        self.conflicts = QTableWidget(0, 5)
        self.conflicts.setObjectName("conflicts")
        self.conflicts.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.conflicts.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.conflicts.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.conflicts.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.conflicts.verticalHeader().setVisible(False)
        self.mark_button = QPushButton()
        self.mark_button.setObjectName("markConflictsRead")
        self.mark_button.clicked.connect(self.mark_conflicts_read)

        self.form = QFormLayout()
        self.form_labels = [QLabel() for _ in range(6)]
        for label, field in zip(self.form_labels, (self.hub_edit, self.token_edit, self.cert_row, self.last_label,
                                                   self.pending_label, self.state_label), strict=True):
            self.form.addRow(label, field)
        buttons = QHBoxLayout()
        buttons.addWidget(self.sync_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.import_button)
        conflict_head = QHBoxLayout()
        conflict_head.addStretch(1)
        conflict_head.addWidget(self.mark_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(self.form)
        layout.addWidget(self.progress)
        layout.addLayout(buttons)
        conflicts_tab = QWidget()
        tab_layout = QVBoxLayout(conflicts_tab)
        tab_layout.addLayout(conflict_head)
        tab_layout.addWidget(self.conflicts, 1)
        self.tabs.addTab(conflicts_tab, "")
        self.tabs.addTab(self.history, "")
        layout.addWidget(self.tabs, 1)

        self.auto_timer = QTimer(self)
        self.auto_timer.setObjectName("autoSyncTimer")
        self.auto_timer.timeout.connect(self._auto_tick)
        self.apply_auto_interval()

        hub = str(getattr(settings, "hub_url", "") or "")
        if hub:
            self.hub_edit.setText(hub)
        self.retranslate()
        self.refresh()

    def apply_auto_interval(self) -> None:
        """Follow the settings' automatic-sync interval (0: on demand only); the shell calls it again when
        the settings are saved (ui/pages/placeholders.py)."""
        minutes = int(getattr(self.settings, "auto_sync_minutes", 5) or 0) if self.settings is not None else 5
        if minutes <= 0:
            self.auto_timer.stop()
            return
        if self.auto_timer.interval() != minutes * 60_000 or not self.auto_timer.isActive():
            self.auto_timer.start(minutes * 60_000)

    # -- texts -------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.title.setText(t("title"))
        for label, key in zip(self.form_labels, ("hub", "token", "certificate", "last", "pending", "state"),
                              strict=True):
            label.setText(t(key))
        self.cert_row.retranslate()
        self.sync_button.setText(t("sync_now"))
        self.cancel_button.setText(t("cancel"))
        self.export_button.setText(t("export_bundle"))
        self.import_button.setText(t("import_bundle"))
        self.mark_button.setText(t("mark_read"))
        self.tabs.setTabText(0, t("conflicts"))
        self.tabs.setTabText(1, t("history"))
        self.history.retranslate()
        self.conflicts.setHorizontalHeaderLabels([t("col_at"), t("col_kind"), t("col_table"), t("col_row"),
                                                  t("col_detail")])
        if self.state == "idle":
            self.state_label.setText(t("idle"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            self.refresh()
        super().changeEvent(event)

    # -- background work ---------------------------------------------------------------------
    def _spawn(self, target: Any) -> None:
        thread = threading.Thread(target=target, name="qcity-sync", daemon=True)
        self._threads = [th for th in self._threads if th.is_alive()] + [thread]
        thread.start()

    def refresh(self) -> None:
        """Re-read pending counts, last sync and conflicts (on a worker thread)."""
        self._reload()

    def _reload(self, change: Callable[[Any], None] | None = None) -> None:
        """On a worker: apply ``change`` to the device's SyncState (if any), then read the page's figures.

        Readings are numbered: one that finishes after a later one (a slow disk, a busy machine) is
        dropped, so an old status never puts back, say, a certificate the user has just cleared.
        """
        self._status_seq += 1
        seq, hub = self._status_seq, self.hub_url()

        def work() -> None:
            try:
                if change is not None:
                    from qcity_desktop.store import open_store
                    from qcity_desktop.store.sync_state import SyncState

                    store = open_store(self.store_path)
                    try:
                        change(SyncState(store))
                    finally:
                        store.close()
                self.bridge.status.emit({**_read_status(self.store_path, hub), "seq": seq})
            except Exception as err:  # noqa: BLE001 - a status line must not take the page down
                log.warning("sync status: %s", err)
        self._spawn(work)

    def hub_url(self) -> str:
        return self.hub_edit.text().strip().rstrip("/")

    def sync_now(self, automatic: bool = False) -> bool:
        """Start a sync unless one is running; returns whether one was started."""
        if self._busy:
            return False
        hub = self.hub_url()
        if not hub:
            self._set_state("error", t("no_hub"))
            return False
        if not hub.lower().startswith(("http://", "https://")):
            self._set_state("error", t("bad_hub"))
            return False
        token = self.token_edit.text().strip()
        self._busy = True
        self._cancel.clear()
        self.sync_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, 0)          # busy until the first figures arrive
        self._set_state("busy", t("checking"))
        self._spawn(lambda: self._run_sync(hub, token, automatic))
        return True

    def _run_sync(self, hub: str, typed_token: str, automatic: bool) -> None:
        from qcity_desktop.store import open_store
        from qcity_desktop.sync.client import HubFull, HubUnreachable
        from qcity_desktop.sync.credentials import load_token, save_token
        from qcity_desktop.sync.engine import Cancelled, Syncer, client_for

        store = None
        try:
            token = typed_token or load_token(hub)
            if not token:
                self.bridge.failed.emit("error", t("token_missing"))
                return
            store = open_store(self.store_path)
            with client_for(store, hub, token) as client:
                if automatic:
                    client.health()           # quiet probe: an offline laptop does not try a full sync
                result = Syncer(store, client, progress=lambda p, d, n: self.bridge.progress.emit(p, d, n),
                                cancel=self._cancel).run()
            if typed_token:
                save_token(hub, typed_token)
            self.bridge.finished.emit(result.as_dict())
        except HubUnreachable as err:      # offline is normal: grey, and the timer tries again
            self.bridge.failed.emit("offline", _worded(err))
        except HubFull as err:
            log.warning("sync paused: %s", err)
            self.bridge.failed.emit("error", t("hub_full"))
        except Cancelled:
            self.bridge.failed.emit("cancelled", t("cancelled"))
        except Exception as err:  # noqa: BLE001 - worded on the page, logged; the page stays usable
            self._fail("sync", err)
        finally:
            if store is not None:
                store.close()

    # -- offline bundles (a site without network) ---------------------------------------------
    def _choose_export(self) -> None:
        from pathlib import Path

        from ui.sync_bundles import default_bundle_name

        path, _ = QFileDialog.getSaveFileName(self, t("export_title"), str(Path.home() / default_bundle_name()),
                                              t("bundle_files"))
        if path:
            self.export_bundle_to(path)

    def _choose_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, t("import_title"), "", t("bundle_files"))
        if path:
            self.import_bundle_from(path)

    def export_bundle_to(self, path: str) -> bool:
        """Write this device's pending changes to ``path`` on a worker thread; False if busy."""
        from pathlib import Path

        from ui.sync_bundles import export_to

        return self._bundle_work(lambda token: t("exported_fmt", **{
            k: v for k, v in export_to(self.store_path, Path(path), token).items() if k in ("changes", "blobs", "file")}))

    def import_bundle_from(self, path: str) -> bool:
        """Apply a hub's bundle from ``path`` on a worker thread; False if busy."""
        from pathlib import Path

        from ui.sync_bundles import import_from

        def work(token: str) -> str:
            info = import_from(self.store_path, Path(path), token)
            return t("imported_fmt", changes=info["changes"], applied=info["applied"], blobs=info["blobs_new"])
        return self._bundle_work(work)

    def _bundle_work(self, work: Any) -> bool:
        if self._busy:
            return False
        from ui.sync_bundles import token_for

        typed, hub = self.token_edit.text(), self.hub_url()
        self._busy = True
        self.sync_button.setEnabled(False)
        self.progress.setRange(0, 0)          # busy: a bundle of photos may take a while
        self._set_state("busy", t("bundle_busy"))

        def run() -> None:
            try:
                self.bridge.bundled.emit(work(token_for(typed, hub)))
            except Exception as err:  # noqa: BLE001 - worded on the page, logged; the page stays usable
                self._fail("bundle", err)
        self._spawn(run)
        return True

    def _bundled(self, message: str) -> None:
        self._busy = False
        self.sync_button.setEnabled(True)
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self._set_state("ok", message)
        self.refresh()
        self.finished.emit()

    def _auto_tick(self) -> None:
        if self.hub_url() and not self._busy:
            self.sync_now(automatic=True)

    def _store_certificate(self, pem: str | None) -> None:
        """Trust ``pem`` for the hub from now on (None: the system's authorities again)."""
        from qcity_desktop.sync.trust import META_HUB_CA

        self._reload(lambda state: state.set(META_HUB_CA, pem or ""))

    def mark_conflicts_read(self) -> None:
        self._reload(lambda state: state.mark_conflicts_seen())

    def _fail(self, what: str, err: Exception) -> None:
        """A failed sync or bundle, on its worker thread: the user's words on the page, the core's in the log."""
        from qcity_desktop.errors import QCityError

        if isinstance(err, QCityError):
            log.warning("%s stopped: %s", what, err)
            self.bridge.failed.emit("error", _worded(err))
        else:   # a bug: its traceback goes to the log
            log.exception("%s failed", what)
            self.bridge.failed.emit("error", t("error_fmt", f"{type(err).__name__}: {err}"))

    # -- back on the GUI thread ------------------------------------------------------------------
    def _set_state(self, state: str, text: str) -> None:
        self.state = state
        self.state_label.setText(text)
        colour = {"error": "#b00020", "offline": "#666666", "ok": "#1b5e20", "warn": "#a35200"}.get(state, "")
        self.state_label.setStyleSheet(f"color: {colour};" if colour else "")

    def _show_progress(self, phase: str, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))
        if phase in TEXTS:
            self.state_label.setText(t(phase))

    def _finished(self, result: dict[str, Any]) -> None:
        self._busy = False
        self.last_result = result
        self.sync_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        done = t("done_fmt", pushed=result["pushed"], pulled=result["pulled"], conflicts=result["conflict_count"])
        days = token_days_left(result.get("token_expires_at", ""))
        if days is None:
            self._set_state("ok", done)
        else:   # still synced, but the inspector must act before the token stops every sync
            self._set_state("warn", done + t("token_expiring", date=result["token_expires_at"][:10], days=days))
        if self.settings is not None and hasattr(self.settings, "hub_url") and self.settings.hub_url != self.hub_url():
            self.settings.hub_url = self.hub_url()
        self.token_edit.clear()
        self.refresh()
        self.finished.emit()

    def _failed(self, kind: str, message: str) -> None:
        self._busy = False
        self.sync_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self._set_state("offline" if kind == "offline" else "error" if kind == "error" else "idle", message)
        self.refresh()

    def _show_status(self, status: dict[str, Any]) -> None:
        if status["seq"] < self._shown_seq:
            return
        self._shown_seq = status["seq"]
        pending = status["pending"]
        text = t("pending_fmt", changes=pending["changes"], blobs=pending["blobs"])
        if pending["inbox"]:
            text += t("waiting_fmt", inbox=pending["inbox"])
        self.pending_label.setText(text)
        self.last_label.setText(local_time(status["last_success"]) if status["last_success"] else t("never"))
        if not self.hub_url() and status["hub"]:
            self.hub_edit.setText(status["hub"])
        self.token_edit.setPlaceholderText(t("token_stored") if status.get("has_token") else t("token_missing"))
        self.cert_row.show_fingerprint(status.get("certificate"))
        self.history.show_runs(status.get("runs", []))
        rows = status["conflicts"]
        self.conflicts.setRowCount(len(rows))
        for r, c in enumerate(rows):
            kind = TEXTS.get(f"kind_{c['kind']}", (c["kind"], c["kind"]))[lang_index()]
            table = TEXTS.get(f"table_{c['tbl']}", (c["tbl"], c["tbl"]))[lang_index()]
            values = [local_time(c["at"]), kind, table, c["row_id"][:8], describe_conflict(c)]
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                if col == 4:
                    item.setToolTip(c["detail"])   # the engine's own words, for a support call
                self.conflicts.setItem(r, col, item)

    def pending_text(self) -> str:
        return self.pending_label.text()

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        self.auto_timer.stop()
        self._cancel.set()
        for th in self._threads:
            th.join(5)
        super().closeEvent(event)


def _read_status(store_path: str, page_hub: str = "") -> dict[str, Any]:
    from qcity_desktop.store import open_store
    from qcity_desktop.store.sync_state import META_HUB_URL, SyncState
    from qcity_desktop.sync.credentials import load_token
    from qcity_desktop.sync.trust import META_HUB_CA, fingerprint

    store = open_store(store_path)
    try:
        state = SyncState(store)
        hub = state.get(META_HUB_URL) or ""
        ask = page_hub or hub
        pem = state.get(META_HUB_CA)
        return {"pending": state.pending(), "last_success": state.last_success(), "hub": hub,
                "certificate": fingerprint(pem) if pem else None, "runs": state.last_runs(50),
                "conflicts": state.conflicts(unseen_only=True, limit=200),
                "has_token": bool(ask and load_token(ask))}
    finally:
        store.close()


def _worded(err: Exception) -> str:
    """A failure in the user's language, by its kind: a refusal by the hub (``code``), a bundle refused
    (``code``), this computer's own trouble (disk full, database in use); anything else as the core's
    line inside the page's frame."""
    from qcity_desktop.errors import EnvironmentProblem
    from qcity_desktop.sync.bundle import BundleError
    from qcity_desktop.sync.client import HubRefused, HubUnreachable

    info: dict[str, Any] = getattr(err, "info", {})
    if isinstance(err, HubUnreachable):   # no answer at all, or one that says "not now" (and why)
        key = "hub_db_taken" if err.code == "hub_db_taken" else "hub_unavailable" if err.status else "offline"
        info = {"status": err.status}
    elif isinstance(err, HubRefused):
        key = f"refused_{err.code}"
    elif isinstance(err, BundleError):
        key = f"bundle_{err.code}"
    elif isinstance(err, EnvironmentProblem):
        key = f"device_{err.kind}"
    else:
        key = ""
    return t(key, **info) if key in TEXTS else t("error_fmt", err)
