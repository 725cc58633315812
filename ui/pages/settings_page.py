"""Settings: the typed settings object as a form; Save writes the JSON file and applies the language."""

from __future__ import annotations

import copy

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext
from ui.errors import log_path, present_error
from ui.i18n import install_language
from ui.pages.common import heading
from ui.settings import Settings, settings_path

LANGUAGE_NAMES = (("zh_CN", "简体中文"), ("en", "English"))


# Offered intervals of automatic sync, in minutes (0: only on demand; the Sync page reads the setting).
AUTO_SYNC_CHOICES = (0, 5, 15, 30, 60)


class SettingsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsPage")
        self.ctx = ctx
        self._title = heading()
        self.language = QComboBox()
        self.language.setObjectName("language")
        for code, name in LANGUAGE_NAMES:
            self.language.addItem(name, code)
        self.inspector_name = QLineEdit()
        self.inspector_name.setObjectName("inspectorName")
        self.inspector_id = QLineEdit()
        self.inspector_id.setObjectName("inspectorId")
        self.bureau_name = QLineEdit()
        self.bureau_name.setObjectName("bureauName")
        self.photo_max = QSpinBox()
        self.photo_max.setObjectName("photoMax")
        self.photo_max.setRange(320, 8000)
        self.photo_max.setSingleStep(160)
        self.photo_max.setSuffix(" px")
        self.photo_quality = QSpinBox()
        self.photo_quality.setRange(1, 100)
        self.due_days = QSpinBox()
        self.due_days.setObjectName("dueDays")
        self.due_days.setRange(0, 365)
        self.paper = QComboBox()
        for p in ("A4", "A5"):
            self.paper.addItem(p, p)
        self.include_photos = QCheckBox()
        self.photos_per_page = QSpinBox()
        self.photos_per_page.setRange(1, 12)
        self.open_after = QCheckBox()
        self.hub_url = QLineEdit()
        self.hub_url.setObjectName("hubUrl")
        self.hub_url.setPlaceholderText("https://hub.example.gov.cn")
        self.auto_sync = QComboBox()
        self.auto_sync.setObjectName("autoSync")
        for minutes in AUTO_SYNC_CHOICES:
            self.auto_sync.addItem("", minutes)
        self.paths = QLabel()
        self.paths.setObjectName("paths")
        self.paths.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.paths.setWordWrap(True)
        self.save_button = QPushButton()
        self.save_button.setObjectName("saveSettings")
        self.status = QLabel()
        self.status.setObjectName("settingsStatus")

        self._groups: dict[str, QGroupBox] = {}
        self._form_labels: dict[QWidget, QLabel] = {}
        body = QVBoxLayout()
        body.addWidget(self._title)
        for key, rows in (
            ("general", (self.language, self.due_days)),
            ("inspector", (self.inspector_name, self.inspector_id, self.bureau_name)),
            ("photos", (self.photo_max, self.photo_quality)),
            ("reports", (self.paper, self.include_photos, self.photos_per_page, self.open_after)),
            ("sync", (self.hub_url, self.auto_sync)),
        ):
            box = QGroupBox()
            form = QFormLayout(box)
            for w in rows:
                label = QLabel()
                label.setBuddy(w)
                self._form_labels[w] = label
                form.addRow(label, w)
            self._groups[key] = box
            body.addWidget(box)
        self._groups["files"] = QGroupBox()
        QVBoxLayout(self._groups["files"]).addWidget(self.paths)
        body.addWidget(self._groups["files"])
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.save_button)
        body.addLayout(buttons)
        body.addStretch(1)
        inner = QWidget()
        inner.setLayout(body)
        inner.setMaximumWidth(760)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

        self.save_button.clicked.connect(self.save)
        for w in (self.inspector_name, self.inspector_id, self.bureau_name, self.hub_url):
            w.textChanged.connect(self._changed)
        for w in (self.photo_max, self.photo_quality, self.due_days, self.photos_per_page):
            w.valueChanged.connect(self._changed)
        for w in (self.language, self.paper, self.auto_sync):
            w.currentIndexChanged.connect(self._changed)
        for w in (self.include_photos, self.open_after):
            w.toggled.connect(self._changed)
        self.load(ctx.settings)
        self.retranslate()

    # -- settings <-> form ----------------------------------------------------------------------
    def load(self, s: Settings) -> None:
        self._loading = True
        self.language.setCurrentIndex(max(self.language.findData(s.language), 0))
        self.inspector_name.setText(s.inspector_name)
        self.inspector_id.setText(s.inspector_id)
        self.bureau_name.setText(s.bureau_name)
        self.photo_max.setValue(s.photo_max_px)
        self.photo_quality.setValue(s.photo_jpeg_quality)
        self.due_days.setValue(s.due_within_days)
        self.paper.setCurrentIndex(max(self.paper.findData(s.report.paper), 0))
        self.include_photos.setChecked(s.report.include_photos)
        self.photos_per_page.setValue(s.report.photos_per_page)
        self.open_after.setChecked(s.report.open_after_export)
        self.hub_url.setText(s.hub_url)
        if self.auto_sync.findData(s.auto_sync_minutes) < 0:     # a value set by hand in the file: offered as is
            self.auto_sync.addItem("", s.auto_sync_minutes)
            self._name_auto_sync()
        self.auto_sync.setCurrentIndex(self.auto_sync.findData(s.auto_sync_minutes))
        self._loading = False
        self._changed()

    def form_settings(self) -> Settings:
        s = copy.deepcopy(self.ctx.settings)
        s.language = self.language.currentData()
        s.inspector_name = self.inspector_name.text().strip()
        s.inspector_id = self.inspector_id.text().strip()
        s.bureau_name = self.bureau_name.text().strip()
        s.photo_max_px = self.photo_max.value()
        s.photo_jpeg_quality = self.photo_quality.value()
        s.due_within_days = self.due_days.value()
        s.report.paper = self.paper.currentData()
        s.report.include_photos = self.include_photos.isChecked()
        s.report.photos_per_page = self.photos_per_page.value()
        s.report.open_after_export = self.open_after.isChecked()
        s.hub_url = self.hub_url.text().strip()
        s.auto_sync_minutes = int(self.auto_sync.currentData())
        return s

    def _changed(self) -> None:
        if getattr(self, "_loading", False):
            return
        dirty = self.form_settings().to_dict() != self.ctx.settings.to_dict()
        self.save_button.setEnabled(dirty)
        if dirty:
            self.status.setText(self.tr("Unsaved changes"))

    def save(self) -> None:
        new = self.form_settings()
        try:
            where = new.save()
        except Exception as err:  # noqa: BLE001 - shown to the user by the presenter
            present_error(err, self)
            return
        language_changed = new.language != self.ctx.settings.language
        # update the shared object in place so every page sees the new values
        self.ctx.settings.__dict__.update(copy.deepcopy(new).__dict__)
        if language_changed:
            install_language(new.language)
        self.ctx.settingsChanged.emit()
        self.save_button.setEnabled(False)
        self.status.setText(self.tr("Saved to {0}").format(where))

    def activate(self) -> None:
        self._show_paths()

    def focus_search(self) -> bool:
        return False

    def _show_paths(self) -> None:
        self.paths.setText("\n".join((
            self.tr("Database: {0}").format(self.ctx.store_path),
            self.tr("Settings file: {0}").format(settings_path()),
            self.tr("Log file: {0}").format(log_path() or "—"),
        )))

    # -- language ------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self._title.setText(self.tr("Settings"))
        titles = {"general": self.tr("General"), "inspector": self.tr("Inspector"), "photos": self.tr("Photos"),
                  "reports": self.tr("Reports"), "sync": self.tr("Sync"), "files": self.tr("Files")}
        for key, box in self._groups.items():
            box.setTitle(titles[key])
        labels = {
            self.language: self.tr("Language"), self.due_days: self.tr("Today page looks ahead (days)"),
            self.inspector_name: self.tr("Inspector name"), self.inspector_id: self.tr("Inspector ID"),
            self.bureau_name: self.tr("Bureau"), self.photo_max: self.tr("Largest photo side"),
            self.photo_quality: self.tr("JPEG quality"), self.paper: self.tr("Paper size"),
            self.include_photos: self.tr("Photos in reports"), self.photos_per_page: self.tr("Photos per page"),
            self.open_after: self.tr("Open PDF after export"), self.hub_url: self.tr("Hub address"),
            self.auto_sync: self.tr("Automatic sync"),
        }
        for w, text in labels.items():
            self._form_labels[w].setText(text)
        self._name_auto_sync()
        self.include_photos.setText(self.tr("Include"))
        self.open_after.setText(self.tr("Open"))
        self.save_button.setText(self.tr("Save"))
        self._show_paths()

    def _name_auto_sync(self) -> None:
        for i in range(self.auto_sync.count()):
            minutes = int(self.auto_sync.itemData(i))
            self.auto_sync.setItemText(i, self.tr("Off (sync only on demand)") if minutes == 0
                                       else self.tr("Every hour") if minutes == 60
                                       else self.tr("Every %n minute(s)", "", minutes))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "_groups"):
            self.retranslate()
        super().changeEvent(event)
