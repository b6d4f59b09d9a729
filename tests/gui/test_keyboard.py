"""The keyboard: every dialog opens with its first field ready, Escape asks before losing
typing, shortcut letters never clash on a page or in a dialog, and arriving at a page puts
the focus on its main control."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QGroupBox,
    QLabel,
    QPushButton,
    QTabBar,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from engagement_desk.bootstrap import Desk
from engagement_desk.core.events import EventDraft, VenueDraft
from engagement_desk.core.people import PersonDraft
from engagement_desk.ui.event_dialog import EventDialog
from engagement_desk.ui.forms import DISCARD_QUESTION
from engagement_desk.ui.import_dialog import ImportDialog
from engagement_desk.ui.main_window import PAGES, MainWindow
from engagement_desk.ui.person_dialog import PersonDialog
from engagement_desk.ui.walk_in_dialog import WalkInDialog
from tests.gui.conftest import ScriptedPrompter

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"


@pytest.fixture
def event_id(desk: Desk) -> str:
    """An event today, with every way of hearing from people switched on."""
    event = desk.events.create(
        EventDraft(
            title="Whitefield listening morning",
            kind="venue",
            starts_at=datetime(2026, 4, 15, 8, tzinfo=UTC),
            ends_at=datetime(2026, 4, 15, 12, tzinfo=UTC),
            venue=VenueDraft("Whitefield Library"),
        )
    )
    desk.voices.set_capture(event.id, ["dots", "ranking", "points", "comments"], 5, 3)
    desk.registrations.register(event.id, PersonDraft(full_name="Ayesha Khan", consent_store=True))
    return event.id


@pytest.fixture
def window(qtbot: QtBot, desk: Desk, prompter: ScriptedPrompter, event_id: str) -> MainWindow:
    shown = MainWindow(desk, prompter=prompter)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    shown.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is shown)
    return shown


# ---- shortcut letters ------------------------------------------------------------


def mnemonic(text: str) -> str:
    """'Save se&ttings' -> 'T'; '' when the text has no shortcut letter."""
    return QKeySequence.mnemonic(text).toString().replace("Alt+", "")


def shortcut_letters(root: QWidget) -> dict[str, list[str]]:
    """Each shortcut letter on what is visible in ``root``, with what carries it."""
    found: dict[str, list[str]] = defaultdict(list)

    def note(text: str) -> None:
        letter = mnemonic(text)
        if letter:
            found[letter].append(text)

    for widget in [root, *root.findChildren(QWidget)]:
        if widget is not root and not widget.isVisibleTo(root):
            continue
        if isinstance(widget, QAbstractButton) or (
            isinstance(widget, QLabel) and widget.buddy() is not None
        ):
            note(widget.text())
        elif isinstance(widget, QGroupBox):
            note(widget.title())
        elif isinstance(widget, QTabBar):
            for index in range(widget.count()):
                note(widget.tabText(index))
    return dict(found)


def clashes(root: QWidget) -> dict[str, list[str]]:
    return {k: v for k, v in shortcut_letters(root).items() if len(v) > 1}


def tab_states(root: QWidget) -> Iterator[str]:
    """Show each tab of each tab widget in turn (the others as they are)."""
    yield "as opened"
    for tabs in root.findChildren(QTabWidget):
        if not tabs.isVisibleTo(root):
            continue
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            yield f"tab {tabs.tabText(index)!r}"


def test_the_walker_finds_a_clash(qtbot: QtBot) -> None:
    """The check below can fail: two buttons with the same letter are caught."""
    root = QWidget()
    qtbot.addWidget(root)
    for text in ("Save se&ttings", "Paper &tally", "&Open"):
        QPushButton(text, root)
    root.show()
    assert clashes(root) == {"T": ["Save se&ttings", "Paper &tally"]}


def test_no_page_has_two_controls_with_one_shortcut_letter(
    qtbot: QtBot, window: MainWindow
) -> None:
    problems = []
    for number, name in enumerate(PAGES):
        window.show_page(number)
        page = window.page_named(name)
        for state in tab_states(page):
            for letter, texts in clashes(page).items():
                problems.append(f"{name} ({state}): Alt+{letter} is on {texts}")
    if problems:
        pytest.fail("\n".join(problems))


def dialogs(window: MainWindow, desk: Desk, event_id: str) -> Iterator[tuple[str, QDialog]]:
    people, events = window.people_page, window.events_page
    yield "New event", events.new_event()
    yield "Edit event", events.edit_event(event_id)
    people.choose_event(event_id)
    register = people.register_someone()
    assert register is not None
    yield "Register someone", register
    walk_in = people.walk_in()
    assert walk_in is not None
    yield "Walk-in", walk_in
    people.table.selectRow(0)
    edit = people.edit_selected()
    assert edit is not None
    yield "Edit a person", edit
    path = DATA / "forms_export.csv"
    yield (
        "Import",
        ImportDialog(desk.imports, event_id, "Whitefield", path, desk.imports.preview(path)),
    )


def test_no_dialog_has_two_controls_with_one_shortcut_letter(
    qtbot: QtBot, window: MainWindow, desk: Desk, event_id: str
) -> None:
    problems = []
    for name, dialog in dialogs(window, desk, event_id):
        qtbot.addWidget(dialog)
        dialog.show()
        for state in tab_states(dialog):
            for letter, texts in clashes(dialog).items():
                problems.append(f"{name} ({state}): Alt+{letter} is on {texts}")
        dialog.done(0)
    if problems:
        pytest.fail("\n".join(problems))


# ---- the first field -------------------------------------------------------------


def test_every_dialog_opens_with_its_first_field_ready_for_typing(
    qtbot: QtBot, window: MainWindow, desk: Desk, event_id: str
) -> None:
    expected = {
        "New event": lambda d: d.title,
        "Edit event": lambda d: d.title,
        "Register someone": lambda d: d.name,
        "Walk-in": lambda d: d.name,
        "Edit a person": lambda d: d.name,
        "Import": lambda d: next(iter(d.choices.values())),
    }
    for name, dialog in dialogs(window, desk, event_id):
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.activateWindow()
        first = expected[name](dialog)
        qtbot.waitUntil(lambda first=first: QApplication.focusWidget() is first)  # type: ignore[misc]
        dialog.done(0)


def test_typing_after_ctrl_n_goes_into_the_title(qtbot: QtBot, window: MainWindow) -> None:
    window.show_page(PAGES.index("Events"))
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(window.events_page.findChildren(EventDialog)))
    dialog = window.events_page.findChildren(EventDialog)[0]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.title)
    qtbot.keyClicks(QApplication.focusWidget(), "Tottington drop-in")
    assert dialog.title.text() == "Tottington drop-in"
    dialog.done(0)


# ---- Escape on a changed form ----------------------------------------------------


def press_escape(qtbot: QtBot, dialog: QDialog) -> None:
    target = QApplication.focusWidget() or dialog
    qtbot.keyClick(target, Qt.Key.Key_Escape)


@pytest.mark.parametrize("answer", [False, True])
def test_escape_on_a_half_filled_registration_asks_first(
    qtbot: QtBot, desk: Desk, prompter: ScriptedPrompter, event_id: str, answer: bool
) -> None:
    dialog = PersonDialog(
        desk.registrations, event_id=event_id, event_title="Whitefield", prompter=prompter
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.name)
    qtbot.keyClicks(dialog.name, "Grace O'Neill")
    dialog.consent_store.setChecked(True)
    prompter.confirm_answer = answer
    press_escape(qtbot, dialog)
    assert ("confirm", DISCARD_QUESTION) in prompter.asked
    assert dialog.isVisible() is not answer  # "No" keeps the form and the typing
    assert dialog.name.text() == "Grace O'Neill"
    assert dialog.result() == QDialog.DialogCode.Rejected
    if not answer:
        dialog.done(0)


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(
            lambda d, p, e: EventDialog(d.events, now=datetime.now(UTC), prompter=p), id="event"
        ),
        pytest.param(
            lambda d, p, e: PersonDialog(d.registrations, event_id=e, event_title="W", prompter=p),
            id="register",
        ),
        pytest.param(
            lambda d, p, e: WalkInDialog(d.registrations, e, "W", prompter=p), id="walk-in"
        ),
    ],
)
def test_escape_on_an_unchanged_form_closes_without_asking(
    qtbot: QtBot, desk: Desk, prompter: ScriptedPrompter, event_id: str, make: object
) -> None:
    dialog = make(desk, prompter, event_id)  # type: ignore[operator]
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    press_escape(qtbot, dialog)
    assert not dialog.isVisible()
    assert prompter.asked == []


def test_escape_on_a_changed_event_or_walk_in_asks(
    qtbot: QtBot, desk: Desk, prompter: ScriptedPrompter, event_id: str
) -> None:
    prompter.confirm_answer = False
    event = EventDialog(desk.events, now=datetime.now(UTC), prompter=prompter)
    walk_in = WalkInDialog(desk.registrations, event_id, "W", prompter=prompter)
    for dialog, change in (
        (event, lambda: event.capacity.setText("40")),
        (walk_in, lambda: walk_in.needs["hearing loop"].setChecked(True)),
    ):
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        change()
        press_escape(qtbot, dialog)
        assert dialog.isVisible()
        dialog.done(0)
    assert [kind for kind, _ in prompter.asked] == ["confirm", "confirm"]


def test_escape_on_a_half_typed_comment_asks_before_clearing(
    qtbot: QtBot, window: MainWindow, prompter: ScriptedPrompter
) -> None:
    window.show_page(PAGES.index("Voices"))
    page = window.voices_page
    comment = page.forms["Comments"]
    page.tabs.setCurrentWidget(comment)
    comment.text.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is comment.text)
    qtbot.keyClicks(comment.text, "More speech therapy in schools")
    prompter.confirm_answer = False
    qtbot.keyClick(comment.text, Qt.Key.Key_Escape)
    assert comment.text.toPlainText() == "More speech therapy in schools"
    prompter.confirm_answer = True
    qtbot.keyClick(comment.text, Qt.Key.Key_Escape)
    assert comment.text.toPlainText() == ""
    asked = len(prompter.asked)
    qtbot.keyClick(comment.text, Qt.Key.Key_Escape)  # nothing typed: nothing to ask
    assert len(prompter.asked) == asked


# ---- arriving at a page ----------------------------------------------------------


def test_arriving_at_a_page_puts_the_focus_on_its_main_control(
    qtbot: QtBot, window: MainWindow
) -> None:
    main_controls = {
        "Events": window.events_page.table,
        "People": window.people_page.search,
        "Check-in": window.check_in_page.code_field,
        "Voices": window.voices_page.event_choice,
        "Reports": window.reports_page.event_choice,
        "Settings": window.settings_page.text_size,
        "Laptops": window.laptops_page.event_choice,
    }
    for number, name in enumerate(PAGES, start=1):
        qtbot.keyClick(window, Qt.Key(Qt.Key.Key_0 + number), Qt.KeyboardModifier.ControlModifier)
        page = window.page_named(name)
        control = main_controls.get(name)
        if control is None:  # another page: the first thing Tab reaches on it
            qtbot.waitUntil(lambda page=page: page.isAncestorOf(QApplication.focusWidget()))  # type: ignore[misc]
        else:
            qtbot.waitUntil(lambda control=control: QApplication.focusWidget() is control)  # type: ignore[misc]


# ---- seeing where the focus is -----------------------------------------------------


def test_the_focused_control_has_a_thick_two_colour_outline(
    qtbot: QtBot, window: MainWindow
) -> None:
    from engagement_desk.ui.focus import INNER, OUTER, WIDTH

    window.show_page(PAGES.index("People"))
    search = window.people_page.search
    qtbot.waitUntil(lambda: QApplication.focusWidget() is search)
    ring = window.focus_indicator.ring
    assert ring is not None
    qtbot.waitUntil(ring.isVisible)
    assert ring.geometry() == search.geometry().adjusted(-WIDTH, -WIDTH, WIDTH, WIDTH)
    # On screen: two lines of at least 2 px each, dark outside and yellow inside.
    image = window.grab().toImage()
    middle = search.mapTo(window, search.rect().center())
    top = search.mapTo(window, search.rect().topLeft()).y()
    column = [image.pixelColor(middle.x(), top - WIDTH + n).name() for n in range(WIDTH)]
    assert column == [OUTER.name()] * (WIDTH // 2) + [INNER.name()] * (WIDTH // 2)

    # It follows the focus.
    window.show_page(PAGES.index("Settings"))
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.settings_page.text_size)
    ring, text_size = window.focus_indicator.ring, window.settings_page.text_size
    assert ring is not None and ring.isVisible()
    # Around it, or inside its edge where its parent leaves no room around it.
    assert ring.parentWidget() in (text_size, text_size.parentWidget())
    assert window.focus_indicator.target is text_size


def test_high_contrast_applies_at_once_and_is_remembered(
    qtbot: QtBot, desk: Desk, prompter: ScriptedPrompter, tmp_path: Path
) -> None:
    from PySide6.QtGui import QPalette

    from engagement_desk.services.preferences import Preferences
    from engagement_desk.ui.theme import apply_contrast

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    prefs = Preferences()
    window = MainWindow(desk, prompter=prompter, preferences=prefs)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    saved = tmp_path / "preferences.json"
    window.preferences_changed.connect(lambda: prefs.save(saved))
    try:
        window.settings_page.high_contrast.setChecked(True)
        assert app.palette().color(QPalette.ColorRole.Window).name() == "#000000"
        assert app.palette().color(QPalette.ColorRole.WindowText).name() == "#ffffff"
        table = window.events_page.table
        qtbot.waitUntil(lambda: table.palette().color(QPalette.ColorRole.Base).name() == "#000000")
        assert Preferences.load(saved).high_contrast is True
        window.settings_page.high_contrast.setChecked(False)
        assert app.palette().color(QPalette.ColorRole.Window).name() != "#000000"
        assert Preferences.load(saved).high_contrast is False
    finally:
        apply_contrast(app, False)
