"""The Sync page's hub-certificate row: which certificate this computer trusts for the bureau's hub.

A hub on the bureau's intranet often has a self-signed certificate; without this row the only way
was an environment variable, and the page could only say "offline". The chosen certificate is kept
in the device's database (qcity_desktop/sync/trust.py), shown by its SHA-256 fingerprint so the
inspector can compare it with the one the bureau reads out.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QWidget

from ui.sync_texts import t


class HubCertificateRow(QWidget):
    """Label + 选择证书… + 清除; ``store`` saves (PEM) or clears (None) on a worker, ``failed`` words an error."""

    def __init__(self, store: Callable[[str | None], None], failed: Callable[[str], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._failed = failed
        self._fingerprint: str | None = None
        self.label = QLabel()
        self.label.setObjectName("hubCertificate")
        self.label.setWordWrap(True)
        self.choose_button = QPushButton()
        self.choose_button.setObjectName("chooseHubCertificate")
        self.choose_button.clicked.connect(self._choose)
        self.clear_button = QPushButton()
        self.clear_button.setObjectName("clearHubCertificate")
        self.clear_button.clicked.connect(lambda: self._store(None))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label, 1)
        row.addWidget(self.choose_button)
        row.addWidget(self.clear_button)
        self.retranslate()

    def retranslate(self) -> None:
        self.choose_button.setText(t("cert_choose"))
        self.clear_button.setText(t("cert_clear"))
        self.show_fingerprint(self._fingerprint)

    def show_fingerprint(self, fingerprint: str | None) -> None:
        """The stored certificate's SHA-256 (first 8 pairs shown, all in the tooltip), or the system's default."""
        self._fingerprint = fingerprint
        if fingerprint:
            self.label.setText(t("cert_own", short=":".join(fingerprint.split(":")[:8]) + "…"))
            self.label.setToolTip(f"SHA-256 {fingerprint}")
        else:
            self.label.setText(t("cert_system"))
            self.label.setToolTip("")
        self.clear_button.setEnabled(bool(fingerprint))

    def _choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, t("cert_title"), "", t("cert_files"))
        if path:
            self.use_file(path)

    def use_file(self, path: str) -> bool:
        """Check ``path`` and store its certificate; False (and a line on the page) if it holds none."""
        from qcity_desktop.errors import InputError
        from qcity_desktop.sync.trust import read_ca_file

        try:
            pem = read_ca_file(path)
        except InputError:
            self._failed(t("cert_bad"))
            return False
        self._store(pem)
        return True
