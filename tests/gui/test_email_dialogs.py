"""Email settings and Email tickets… with real widgets, a real database and a real SMTP
server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from engagement_desk.bootstrap import Desk
from engagement_desk.core.events import EventDraft
from engagement_desk.core.people import PersonDraft
from engagement_desk.services.mail import MailSettings, Security
from engagement_desk.ui.email_dialogs import EmailSettingsWidget, EmailTicketsDialog
from tests.unit.mail_server import Inbox, free_port, smtp_server
from tests.unit.ticket_data import STARTS, TOWN_HALL

SHOTS = Path("/tmp")


@dataclass
class ScriptedMailPrompts:
    password_answer: str | None = None
    folder_answer: Path | None = None
    asked: list[str] = field(default_factory=list)

    def password(self, parent: QWidget, label: str) -> str | None:
        self.asked.append(label)
        return self.password_answer

    def folder(self, parent: QWidget, title: str) -> Path | None:
        self.asked.append(title)
        return self.folder_answer


@pytest.fixture
def event_id(desk: Desk) -> str:
    detail = desk.events.create(
        EventDraft(
            title="Have your say: SEND in Bury",
            kind="venue",
            starts_at=STARTS,
            ends_at=STARTS + timedelta(hours=2, minutes=30),
            venue=TOWN_HALL,
            capacity=1,
        )
    )
    for name, email in (
        ("Aisha Begum", "aisha@example.org"),
        ("Wendy Waiting", "wendy@example.org"),
        ("Zofia Kowalska", None),
    ):
        draft = PersonDraft(full_name=name, email=email, consent_store=True, phone="07700 900123")
        desk.registrations.register(detail.id, draft)
    return detail.id


@pytest.fixture
def server(desk: Desk) -> Iterator[Inbox]:
    with smtp_server() as (port, inbox):
        desk.mail.save_settings(
            MailSettings(
                host="127.0.0.1", port=port, sender="events@bury.example.org",
                security=Security.NONE,
            )
        )  # fmt: skip
        yield inbox


def test_settings_are_saved_from_the_form_and_a_bad_address_is_explained(
    qtbot: QtBot, desk: Desk
) -> None:
    widget = EmailSettingsWidget(desk.mail, ScriptedMailPrompts())
    qtbot.addWidget(widget)
    widget.show()
    qtbot.keyClicks(widget.host, "smtp.bury.example.org")
    widget.port.setValue(587)
    qtbot.keyClicks(widget.from_address, "not an address")
    qtbot.mouseClick(widget.save_button, Qt.MouseButton.LeftButton)
    assert "Not saved" in widget.status.text() and "From address" in widget.status.text()
    assert desk.mail.settings() is None

    widget.from_address.setText("events@bury.example.org")
    widget.easy_read.setChecked(True)
    qtbot.mouseClick(widget.save_button, Qt.MouseButton.LeftButton)

    assert widget.status.text() == "Email settings saved."
    saved = desk.mail.settings()
    assert saved is not None
    assert (saved.host, saved.port, saved.security) == (
        "smtp.bury.example.org",
        587,
        Security.STARTTLS,
    )
    assert saved.style.value == "easy read"
    for child in widget.findChildren(QWidget):
        inner = child.objectName().startswith("qt_")  # a spin box's own line edit
        if child.focusPolicy() != Qt.FocusPolicy.NoFocus and child.isVisible() and not inner:
            assert child.accessibleName(), child
    buddies = {label.text(): label.buddy() for label in widget.findChildren(QLabel)}
    assert buddies["Mail &server:"] is widget.host
    assert buddies["Pass&word:"] is widget.password
    widget.resize(640, 560)
    widget.grab().save(str(SHOTS / "email-settings.png"))


def test_send_test_message_arrives(qtbot: QtBot, desk: Desk, server: Inbox) -> None:
    widget = EmailSettingsWidget(desk.mail, ScriptedMailPrompts())
    qtbot.addWidget(widget)
    widget.test_to.setText("organiser@example.org")
    qtbot.mouseClick(widget.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: widget.test_button.isEnabled(), timeout=15000)
    assert widget.status.text() == "A test message was sent to organiser@example.org."
    assert [to for to, _ in server.received] == [["organiser@example.org"]]


def test_email_tickets_previews_then_sends_once(
    qtbot: QtBot, desk: Desk, event_id: str, server: Inbox
) -> None:
    dialog = EmailTicketsDialog(desk.mail, event_id, ScriptedMailPrompts())
    qtbot.addWidget(dialog)
    dialog.show()

    assert "2 people will get a message; 1 will not" in dialog.summary.text()
    rows = [
        [dialog.model.index(r, c).data() for c in range(3)] for r in range(dialog.model.rowCount())
    ]
    assert ["Wendy Waiting", "wendy@example.org", "gets: On the waiting list"] in rows
    assert ["Zofia Kowalska", "", "not sent: no email address"] in rows
    preview = dialog.preview.toPlainText()
    assert "To: Aisha Begum <aisha@example.org>" in preview
    assert ".pdf (application/pdf)" in preview and "Bury Town Hall" in preview
    assert server.received == []  # nothing sent by looking
    assert dialog.send_button.text() == "&Send 2 messages"
    dialog.grab().save(str(SHOTS / "email-tickets.png"))

    with qtbot.waitSignal(dialog.sent, timeout=30000) as blocker:
        qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)

    assert "2 sent" in str(blocker.args[0])
    assert sorted(to[0] for to, _ in server.received) == ["aisha@example.org", "wendy@example.org"]
    assert "0 people will get a message" in dialog.summary.text()
    assert not dialog.send_button.isEnabled()


def test_save_as_email_files(
    qtbot: QtBot, desk: Desk, event_id: str, server: Inbox, tmp_path: Path
) -> None:
    prompts = ScriptedMailPrompts(folder_answer=tmp_path)
    dialog = EmailTicketsDialog(desk.mail, event_id, prompts)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert len(list(tmp_path.glob("*.eml"))) == 2
    assert "Saved 2 email files" in dialog.status.text()
    assert server.received == []


def test_without_settings_the_dialog_says_what_to_do(
    qtbot: QtBot, desk: Desk, event_id: str
) -> None:
    dialog = EmailTicketsDialog(desk.mail, event_id, ScriptedMailPrompts())
    qtbot.addWidget(dialog)
    assert "Email is not set up yet" in dialog.summary.text()
    assert not dialog.send_button.isEnabled()


def test_people_page_opens_email_tickets_and_the_status_bar_counts_the_outbox(
    qtbot: QtBot, desk: Desk, event_id: str, prompter: object
) -> None:
    from engagement_desk.ui.main_window import MainWindow

    port = free_port()  # no server: the messages wait
    desk.mail.save_settings(
        MailSettings(
            host="127.0.0.1", port=port, sender="events@bury.example.org",
            security=Security.NONE,
        )
    )  # fmt: skip
    window = MainWindow(desk, prompter=prompter)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.show()
    assert not window.outbox_label.isVisible()
    page = window.people_page
    page.choose_event(event_id)
    assert page.email_button.accessibleName() == "Email tickets"

    qtbot.mouseClick(page.email_button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(EmailTicketsDialog)
    assert dialog is not None and dialog.isVisible()
    with qtbot.waitSignal(dialog.sent, timeout=30000):
        qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)

    assert "could not be reached" in dialog.status.text()
    assert window.outbox_label.isVisible()
    assert window.outbox_label.text() == "Outbox: 2 messages waiting to be sent"
    window.grab().save(str(SHOTS / "main-window-outbox.png"))
    with smtp_server(port) as (_port, inbox):
        window.outbox_label.send_now()  # what its timer does every few minutes
        qtbot.waitUntil(lambda: window.outbox_label._task is None, timeout=30000)
        assert len(inbox.received) == 2
    assert not window.outbox_label.isVisible()


def _mnemonics(widget: QWidget) -> list[str]:
    letters = []
    for child in widget.findChildren(QWidget):
        text = child.property("text")
        if isinstance(text, str) and "&" in text.replace("&&", ""):
            letters.append(text.replace("&&", "")[text.replace("&&", "").index("&") + 1].lower())
    return letters


def test_message_words_are_edited_checked_and_reset(qtbot: QtBot, desk: Desk) -> None:
    from engagement_desk.core.messages import MessageKind, MessageStyle
    from engagement_desk.ui.email_dialogs import EmailSettingsDialog

    dialog = EmailSettingsDialog(desk.mail, ScriptedMailPrompts())
    qtbot.addWidget(dialog)
    words = dialog.templates
    words.kind.setCurrentIndex(words.kind.findData(MessageKind.REMINDER.value))
    words.style_choice.setCurrentIndex(1)
    assert words.subject.text() == "Reminder: {event} is tomorrow"
    words.body.setPlainText("See you at {venue}")
    qtbot.mouseClick(words.save_button, Qt.MouseButton.LeftButton)
    assert "Not saved" in words.status.text() and "{venue}" in words.status.text()

    words.body.setPlainText("Hello {first_name}.\n\nSee you {when}.")
    qtbot.mouseClick(words.save_button, Qt.MouseButton.LeftButton)
    assert words.status.text().startswith("Saved")
    saved = desk.mail.template(MessageKind.REMINDER, MessageStyle.EASY_READ)
    assert saved.body == "Hello {first_name}.\n\nSee you {when}."

    qtbot.mouseClick(words.reset_button, Qt.MouseButton.LeftButton)
    assert (
        "{event} is tomorrow" in words.body.toPlainText() or "tomorrow" in words.body.toPlainText()
    )
    assert desk.mail.template(MessageKind.REMINDER, MessageStyle.EASY_READ).body != saved.body
    for page in (dialog.settings, dialog.templates):
        letters = _mnemonics(page)
        assert len(letters) == len(set(letters)), letters
    dialog.resize(720, 640)
    dialog.show()
    dialog.grab().save(str(SHOTS / "email-settings-dialog.png"))


def test_reminders_are_chosen_in_the_same_dialog(
    qtbot: QtBot, desk: Desk, event_id: str, server: Inbox
) -> None:
    dialog = EmailTicketsDialog(desk.mail, event_id, ScriptedMailPrompts())
    qtbot.addWidget(dialog)
    letters = _mnemonics(dialog)
    assert len(letters) == len(set(letters)), letters
    dialog.what.setCurrentIndex(1)
    assert dialog.windowTitle() == "Email reminders"
    assert "1 person will get a message" in dialog.summary.text()
    assert not dialog.save_button.isVisible()
    with qtbot.waitSignal(dialog.sent, timeout=30000):
        qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    assert [to for to, _ in server.received] == [["aisha@example.org"]]
