"""Email in the app: the mail server settings (with Send test message), and Email tickets…,
which shows who will and will not get a message and the first message in full before
anything is sent, then sends through the outbox; or saves one .eml file per person.

``EmailSettingsWidget`` can be placed in the Settings page as it is; ``EmailSettingsDialog``
wraps it for a window of its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from engagement_desk.core.messages import PLACEHOLDERS, MessageKind, MessageStyle, Template
from engagement_desk.services.errors import UserError
from engagement_desk.services.mail import (
    DEFAULT_CONTACT,
    MailService,
    MailSettings,
    Security,
    SendPlan,
)
from engagement_desk.services.outbox import OutboxService, SendReport
from engagement_desk.ui.workers import Task, start

SECURITY_LABELS = {
    Security.STARTTLS: "STARTTLS (usually port 587)",
    Security.SSL: "SSL/TLS from the start (usually port 465)",
    Security.NONE: "None (a relay inside the council's network only)",
}
KEYRING_YES = "The password is kept safely in this computer's keyring."
KEYRING_NO = (
    "This computer has no keyring, so the password is not kept: you will be asked for it "
    "when sending. It is never written down."
)

Index = QModelIndex | QPersistentModelIndex


class MailPrompts(Protocol):
    """The questions these dialogs ask (tests answer them without real dialogs)."""

    def password(self, parent: QWidget, label: str) -> str | None: ...

    def folder(self, parent: QWidget, title: str) -> Path | None: ...


class DialogMailPrompts:
    def password(self, parent: QWidget, label: str) -> str | None:
        text, ok = QInputDialog.getText(
            parent, "Mail server password", label, QLineEdit.EchoMode.Password
        )
        return text if ok and text else None

    def folder(self, parent: QWidget, title: str) -> Path | None:
        chosen = QFileDialog.getExistingDirectory(parent, title)
        return Path(chosen) if chosen else None


def ask_password(
    mail: MailService, prompts: MailPrompts, parent: QWidget
) -> tuple[bool, str | None]:
    """(go on?, password): asks only when the server wants one and the keyring has none."""
    if not mail.needs_password():
        return True, None
    settings = mail.settings()
    user = settings.user if settings else ""
    password = prompts.password(parent, f"Password for {user} on the mail server:")
    return password is not None, password


class EmailSettingsWidget(QWidget):
    """The mail server settings, Save, and Send test message."""

    saved = Signal(str)

    def __init__(
        self, mail: MailService, prompts: MailPrompts | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._mail = mail
        self._prompts = prompts or DialogMailPrompts()
        self.host = QLineEdit()
        self.host.setPlaceholderText("smtp.council.gov.uk")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(587)
        self.security = QComboBox()
        for value, label in SECURITY_LABELS.items():
            self.security.addItem(label, value.value)
        self.from_address = QLineEdit()
        self.from_address.setPlaceholderText("send-events@council.gov.uk")
        self.sender_name = QLineEdit("Engagement Desk")
        self.user = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.contact = QLineEdit()
        self.contact.setPlaceholderText(DEFAULT_CONTACT)
        self.easy_read = QCheckBox("Send &easy-read messages to everyone")
        self.keyring_note = QLabel(KEYRING_YES if mail.keeps_passwords() else KEYRING_NO)
        self.keyring_note.setWordWrap(True)
        self.save_button = QPushButton("Sa&ve email settings")
        self.test_to = QLineEdit()
        self.test_to.setPlaceholderText("your.name@council.gov.uk")
        self.test_button = QPushButton("Send test &message")
        self.status = QLabel("")
        self.status.setWordWrap(True)
        for widget, name in (
            (self.host, "Mail server"),
            (self.port, "Port"),
            (self.security, "Security"),
            (self.from_address, "From address"),
            (self.sender_name, "Sender's name"),
            (self.user, "User name"),
            (self.password, "Password"),
            (self.contact, "Who families should contact"),
            (self.easy_read, "Easy-read messages for everyone"),
            (self.save_button, "Save email settings"),
            (self.test_to, "Send the test message to"),
            (self.test_button, "Send test message"),
            (self.status, "Email settings result"),
            (self.keyring_note, "Where the password is kept"),
        ):
            widget.setAccessibleName(name)

        form = QFormLayout()
        form.addRow("Mail &server:", self.host)
        form.addRow("&Port:", self.port)
        form.addRow("Se&curity:", self.security)
        form.addRow("&From address:", self.from_address)
        form.addRow("Sender's &name:", self.sender_name)
        form.addRow("&User name (if needed):", self.user)
        form.addRow("Pass&word:", self.password)
        form.addRow("Who families cont&act:", self.contact)
        # addRow gives each label its field as buddy: Alt + the underlined letter goes there.
        test_row = QHBoxLayout()
        test_label = QLabel("Test message &to:")
        test_label.setBuddy(self.test_to)
        test_row.addWidget(test_label)
        test_row.addWidget(self.test_to, 1)
        test_row.addWidget(self.test_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.easy_read)
        layout.addWidget(self.keyring_note)
        layout.addWidget(self.save_button)
        layout.addLayout(test_row)
        layout.addWidget(self.status)
        self.save_button.clicked.connect(self.save)
        self.test_button.clicked.connect(self.send_test)
        self._load()

    def _load(self) -> None:
        settings = self._mail.settings()
        if settings is None:
            return
        self.host.setText(settings.host)
        self.port.setValue(settings.port)
        self.security.setCurrentIndex(max(self.security.findData(settings.security.value), 0))
        self.from_address.setText(settings.sender)
        self.sender_name.setText(settings.sender_name)
        self.user.setText(settings.user)
        self.contact.setText("" if settings.contact == DEFAULT_CONTACT else settings.contact)
        self.easy_read.setChecked(settings.style is MessageStyle.EASY_READ)

    def current(self) -> MailSettings:
        return MailSettings(
            host=self.host.text().strip(),
            port=self.port.value(),
            sender=self.from_address.text().strip(),
            security=Security(self.security.currentData()),
            user=self.user.text().strip(),
            sender_name=self.sender_name.text().strip() or "Engagement Desk",
            contact=self.contact.text().strip() or DEFAULT_CONTACT,
            style=MessageStyle.EASY_READ if self.easy_read.isChecked() else MessageStyle.PLAIN,
        )

    def save(self) -> bool:
        try:
            kept = self._mail.save_settings(self.current(), self.password.text() or None)
        except UserError as exc:
            self._say(f"Not saved: {exc}")
            return False
        note = ""
        if self.password.text():
            note = (
                " The password is kept in the keyring."
                if kept
                else " This computer has no keyring: the password will be asked for when sending."
            )
        self.password.clear()  # never left lying in the window
        self._say("Email settings saved." + note)
        self.saved.emit("Email settings saved.")
        return True

    def send_test(self) -> None:
        settings = self.current()
        password = self.password.text() or None
        if password is None and settings.user:
            go_on, password = ask_password(self._mail, self._prompts, self)
            if not go_on:
                self._say("The test message was not sent: no password given.")
                return
        self.test_button.setEnabled(False)
        self._say("Sending a test message…")
        to = self.test_to.text()
        task = Task(lambda _progress, _cancelled: self._mail.send_test(to, password, settings))
        task.signals.finished.connect(self._tested)
        task.signals.failed.connect(lambda text: self._tested(f"Test message not sent: {text}"))
        self._task = start(task)

    def _tested(self, message: object) -> None:
        self.test_button.setEnabled(True)
        self._say(str(message))

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status.setAccessibleDescription(text)


class TemplatesWidget(QWidget):
    """Edit the words of each message, plain English or easy read; placeholders checked."""

    def __init__(self, mail: MailService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._mail = mail
        self.kind = QComboBox()
        for kind in MessageKind:
            self.kind.addItem(kind.label, kind.value)
        self.style_choice = QComboBox()
        self.style_choice.addItem("Plain English", MessageStyle.PLAIN.value)
        self.style_choice.addItem("Easy read", MessageStyle.EASY_READ.value)
        self.subject = QLineEdit()
        self.body = QPlainTextEdit()
        self.body.setTabChangesFocus(True)
        self.help = QLabel(
            "Placeholders, in braces, are filled for each person: "
            + ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
            + ". A line starting '# ' is a heading; '- ' starts a list item. A heading whose "
            "section comes out empty is left out."
        )
        self.help.setWordWrap(True)
        self.save_button = QPushButton("Save these wor&ds")
        self.reset_button = QPushButton("Back to the de&fault words")
        self.status = QLabel("")
        self.status.setWordWrap(True)
        for widget, name in (
            (self.kind, "Which message"),
            (self.style_choice, "Plain English or easy read"),
            (self.subject, "Subject"),
            (self.body, "Message"),
            (self.help, "Placeholders you can use"),
            (self.save_button, "Save these words"),
            (self.reset_button, "Back to the default words"),
            (self.status, "Template result"),
        ):
            widget.setAccessibleName(name)
        form = QFormLayout()
        form.addRow("&Message:", self.kind)
        form.addRow("St&yle:", self.style_choice)
        form.addRow("S&ubject:", self.subject)
        form.addRow("&Words:", self.body)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.reset_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.help)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.kind.currentIndexChanged.connect(lambda _i: self.load())
        self.style_choice.currentIndexChanged.connect(lambda _i: self.load())
        self.save_button.clicked.connect(self.save)
        self.reset_button.clicked.connect(self.reset)
        self.load()

    def _chosen(self) -> tuple[MessageKind, MessageStyle]:
        return MessageKind(self.kind.currentData()), MessageStyle(self.style_choice.currentData())

    def load(self) -> None:
        template = self._mail.template(*self._chosen())
        self.subject.setText(template.subject)
        self.body.setPlainText(template.body)
        self.status.setText("")

    def save(self) -> bool:
        try:
            self._mail.save_template(
                *self._chosen(), Template(self.subject.text(), self.body.toPlainText())
            )
        except UserError as exc:
            self.status.setText(f"Not saved: {exc}")
            return False
        self.status.setText("Saved: the next messages use these words.")
        return True

    def reset(self) -> None:
        self._mail.reset_template(*self._chosen())
        self.load()
        self.status.setText("Back to the default words.")


class EmailSettingsDialog(QDialog):
    def __init__(
        self, mail: MailService, prompts: MailPrompts | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Email settings")
        self.settings = EmailSettingsWidget(mail, prompts, self)
        self.templates = TemplatesWidget(mail, self)
        tabs = QTabWidget()
        tabs.addTab(self.settings, "Mail server")
        tabs.addTab(self.templates, "Message words")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(buttons)


class EmailSection(QWidget):
    """For the Settings page: how email is sent now, and the button that changes it."""

    def __init__(self, mail: MailService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._mail = mail
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.open_button = QPushButton("Email settings and message &words…")
        self.open_button.setAccessibleName(
            "Email settings: the council's mail server and the words of each message"
        )
        self.open_button.clicked.connect(self.open_settings)
        layout = QVBoxLayout(self)
        layout.addWidget(self.state)
        layout.addWidget(self.open_button)
        self.refresh()

    def refresh(self) -> None:
        settings = self._mail.settings()
        if settings is None:
            text = (
                "Not set up yet: tickets can still be saved as email files for Outlook. Set "
                "up the council's mail server to send them from here."
            )
        else:
            text = f"Sending through {settings.host}:{settings.port} from {settings.sender}."
        self.state.setText(text)
        self.state.setAccessibleName(text)

    def open_settings(self) -> EmailSettingsDialog:
        dialog = EmailSettingsDialog(self._mail, parent=self)
        dialog.finished.connect(lambda _result: self.refresh())
        dialog.open()
        return dialog


class PlanModel(QAbstractTableModel):
    """Who will get which message, then who will not and why."""

    HEADERS = ("Name", "Email", "What happens")

    def __init__(self, plan: SendPlan | None = None) -> None:
        super().__init__()
        self._rows: list[tuple[str, str, str]] = []
        if plan is not None:
            self.show_plan(plan)

    def show_plan(self, plan: SendPlan) -> None:
        self.beginResetModel()
        self._rows = [(a.name, a.email, f"gets: {a.kind.label}") for a in plan.addressees]
        self._rows += [(o.name, "", f"not sent: {o.reason}") for o in plan.left_out]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.AccessibleTextRole,
        ):
            return None
        return self._rows[index.row()][index.column()]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None


class EmailTicketsDialog(QDialog):
    """Email tickets… for one event: the plan and the first message, then Send or Save."""

    sent = Signal(str)  # what happened, for the status bar

    def __init__(
        self,
        mail: MailService,
        event_id: str,
        prompts: MailPrompts | None = None,
        parent: QWidget | None = None,
        *,
        kind: MessageKind = MessageKind.TICKET,
    ) -> None:
        super().__init__(parent)
        self._mail = mail
        self._event_id = event_id
        self._prompts = prompts or DialogMailPrompts()
        self._kind = kind
        self._task: Task | None = None
        self.setWindowTitle("Email reminders" if kind is MessageKind.REMINDER else "Email tickets")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Who will get a message")
        self.what = QComboBox()
        self.what.addItem("Tickets (waiting-list people are told they are waiting)", "ticket")
        self.what.addItem("Reminders, for the day before", "reminder")
        self.what.setCurrentIndex(1 if kind is MessageKind.REMINDER else 0)
        self.what.setAccessibleName("What to send")
        self.everyone = QCheckBox("Send &again to everyone, not only those not sent one yet")
        self.everyone.setAccessibleName("Send again to everyone")
        self.model = PlanModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Who will and will not get a message")
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents
        )
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.preview_heading = QLabel("The first message:")
        self.preview = QTextBrowser()
        self.preview.setAccessibleName("The first message, as it will be sent")
        self.preview.setOpenLinks(False)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Sending result")
        self.send_button = QPushButton("&Send")
        self.save_button = QPushButton("Save as &email files…")
        self.save_button.setToolTip("One .eml file per person, to send from Outlook")
        self.close_button = QPushButton("&Close")
        self.settings_button = QPushButton("Email se&ttings…")
        for button, name in (
            (self.send_button, "Send the messages"),
            (self.save_button, "Save as email files"),
            (self.settings_button, "Email settings"),
            (self.close_button, "Close"),
        ):
            button.setAccessibleName(name)
        self.save_button.setVisible(kind is MessageKind.TICKET)
        buttons = QHBoxLayout()
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(self.settings_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        what_row = QHBoxLayout()
        what_label = QLabel("&What to send:")
        what_label.setBuddy(self.what)
        what_row.addWidget(what_label)
        what_row.addWidget(self.what, 1)
        layout.addLayout(what_row)
        layout.addWidget(self.summary)
        layout.addWidget(self.everyone)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.preview_heading)
        layout.addWidget(self.preview, 2)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.everyone.toggled.connect(lambda _on: self.refresh())
        self.what.currentIndexChanged.connect(lambda _i: self._choose_kind())
        self.send_button.clicked.connect(self.send)
        self.save_button.clicked.connect(self.save_files)
        self.close_button.clicked.connect(self.reject)
        self.settings_button.clicked.connect(self.edit_settings)
        self.resize(820, 640)
        self.plan: SendPlan | None = None
        self.refresh()

    def refresh(self) -> None:
        try:
            if self._kind is MessageKind.REMINDER:
                plan = self._mail.plan_reminders(self._event_id, everyone=self.everyone.isChecked())
            else:
                plan = self._mail.plan_tickets(self._event_id, everyone=self.everyone.isChecked())
        except UserError as exc:
            self.plan = None
            self.summary.setText(str(exc))
            self.send_button.setEnabled(False)
            self.save_button.setEnabled(False)
            return
        self.plan = plan
        self.model.show_plan(plan)
        count = len(plan.addressees)
        people = "person" if count == 1 else "people"
        self.summary.setText(
            f"{plan.event_title} ({plan.event_code}): {count} {people} will get a message; "
            f"{len(plan.left_out)} will not (see why below). Nothing is sent until you "
            "press Send."
        )
        self.send_button.setText(f"&Send {count} message{'' if count == 1 else 's'}")
        self.send_button.setEnabled(count > 0)
        self.save_button.setEnabled(count > 0)
        if plan.preview is None:
            self.preview.setPlainText("No one to send to.")
            return
        attached = ", ".join(plan.preview.attachments) or "nothing"
        header = (
            f"To: {plan.preview.to}\nSubject: {plan.preview.subject}\nAttached: {attached}\n"
            + "-" * 40
            + "\n"
        )
        self.preview.setPlainText(header + plan.preview.text)

    def send(self) -> None:
        go_on, password = ask_password(self._mail, self._prompts, self)
        if not go_on:
            self.status.setText("Nothing was sent: the mail server needs its password.")
            return
        everyone = self.everyone.isChecked()
        kind = self._kind
        event_id = self._event_id
        mail = self._mail

        def job(progress: Any, cancelled: Any) -> tuple[int, SendReport]:
            if kind is MessageKind.REMINDER:
                queued = mail.queue_reminders(event_id, everyone=everyone).queued
            else:
                queued = mail.queue_tickets(event_id, everyone=everyone).queued
            return queued, mail.send_outbox(password, progress=progress, cancelled=cancelled)

        self.send_button.setEnabled(False)
        self.save_button.setEnabled(False)
        self.status.setText("Adding the messages to the outbox and sending…")
        task = Task(job)
        task.signals.progress.connect(
            lambda done, total: self.status.setText(f"Sending: {done} of {total}…")
        )
        task.signals.finished.connect(self._done)
        task.signals.failed.connect(self._failed)
        self._task = start(task)

    def _done(self, result: object) -> None:
        assert isinstance(result, tuple)
        queued, report = result
        assert isinstance(report, SendReport)
        text = f"{queued} added to the outbox. {report.summary}"
        self.status.setText(text)
        self.sent.emit(text)
        self.refresh()

    def _failed(self, message: str) -> None:
        self.status.setText(f"Not all sent: {message}")
        self.sent.emit(message)
        self.refresh()

    def save_files(self) -> None:
        folder = self._prompts.folder(self, "Save one email file per person in…")
        if folder is None:
            return
        try:
            _plan, files = self._mail.email_files(
                self._event_id, folder, everyone=self.everyone.isChecked()
            )
        except UserError as exc:
            self.status.setText(f"Not saved: {exc}")
            return
        text = (
            f"Saved {len(files)} email file{'' if len(files) == 1 else 's'} in {folder}. "
            "Open them in Outlook to send; they are not marked as sent."
        )
        self.status.setText(text)
        self.sent.emit(text)

    def _choose_kind(self) -> None:
        self._kind = MessageKind(self.what.currentData())
        self.setWindowTitle(
            "Email reminders" if self._kind is MessageKind.REMINDER else "Email tickets"
        )
        self.save_button.setVisible(self._kind is MessageKind.TICKET)
        self.refresh()

    def edit_settings(self) -> None:
        dialog = EmailSettingsDialog(self._mail, self._prompts, self)
        dialog.finished.connect(lambda _result: self.refresh())
        dialog.open()


def open_email_tickets(parent: QWidget, mail: MailService, event_id: str) -> EmailTicketsDialog:
    """Email tickets… as a window-modal dialog that does not block (the People page's
    button); what it did is also given to ``sent``."""
    dialog = EmailTicketsDialog(mail, event_id, parent=parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


class OutboxIndicator(QLabel):
    """The status bar's word on the outbox: how many messages wait (hidden when none).

    When messages wait and the keyring holds the password (or none is needed), it tries to
    send them every few minutes in the background: a laptop back on a network sends what
    it queued at the venue without anyone asking.
    """

    CHECK_MS = 60_000
    RETRY_EVERY = 5  # checks: five minutes between tries

    def __init__(self, mail: MailService, outbox: OutboxService, parent: QWidget | None = None):
        super().__init__(parent)
        self._mail = mail
        self._outbox = outbox
        self._checks = 0
        self._task: Task | None = None
        self.setAccessibleName("Messages waiting in the outbox")
        self._timer = QTimer(self)
        self._timer.setInterval(self.CHECK_MS)
        self._timer.timeout.connect(self._tick)
        self._timer.start()
        self.refresh()

    def refresh(self) -> int:
        waiting = self._outbox.waiting_count()
        text = (
            f"Outbox: {waiting} message{'' if waiting == 1 else 's'} waiting to be sent"
            if waiting
            else ""
        )
        self.setText(text)
        self.setAccessibleDescription(text)
        self.setVisible(bool(waiting))
        return waiting

    def _tick(self) -> None:
        self._checks += 1
        if self.refresh() and self._checks % self.RETRY_EVERY == 0:
            self.send_now()

    def send_now(self) -> None:
        """Try to send what waits, in the background; quietly leaves them if it cannot."""
        if self._task is not None or self._mail.settings() is None or self._mail.needs_password():
            return
        task = Task(lambda progress, cancelled: self._mail.send_outbox(progress=progress))
        task.signals.finished.connect(self._finished)
        task.signals.failed.connect(self._finished)
        self._task = start(task)

    def _finished(self, _result: object) -> None:
        self._task = None
        self.refresh()
