"""Backups from the app: the list, back up to a folder, restore with the app open, and the
automatic backups' rolling set."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from engagement_desk.bootstrap import Desk
from engagement_desk.core.people import PersonDraft
from engagement_desk.services.backups import KeptCopy, rolling_set
from engagement_desk.ui.backups_panel import AutomaticBackups, BackupsPanel
from engagement_desk.ui.main_window import MainWindow
from tests.gui.conftest import ScriptedPrompter
from tests.unit.conftest import venue_event

WAIT = 30_000
SHOTS = Path(os.environ.get("ENGAGEMENT_DESK_SHOTS", "/tmp/laptops-shots"))


def test_back_up_to_a_folder_and_restore_with_the_app_open(
    qtbot: QtBot, desk: Desk, tmp_path: Path
) -> None:
    prompter = ScriptedPrompter()
    window = MainWindow(desk, prompter=prompter)
    qtbot.addWidget(window)
    window.show()
    kept = desk.events.create(venue_event("Kept event"))
    person = desk.registrations.register(
        kept.id, PersonDraft("Jo Bloggs", email="jo@example.org", consent_store=True)
    )
    assert person.ticket_code
    automatic = AutomaticBackups(desk.backups)
    with qtbot.waitSignal(automatic.made, timeout=WAIT):
        automatic.at_start()
    panel = BackupsPanel(desk.backups, prompter, desk.clock)
    qtbot.addWidget(panel)
    panel.restored.connect(window.data_replaced)
    panel.resize(900, 360)
    panel.show()
    assert panel.model.rowCount() == 1
    assert panel.model.index(0, 1).data() == "App opened"
    assert panel.model.index(0, 0).data().endswith(":00") or panel.model.index(0, 0).data()

    # Back up now, to a folder (a USB stick).
    (tmp_path / "usb").mkdir()
    prompter.save_to = tmp_path / "usb" / "backup.sqlite3"
    with qtbot.waitSignal(panel.backed_up, timeout=WAIT) as done:
        panel.back_up_now()
    assert "checked" in done.args[0]
    copy = sqlite3.connect(tmp_path / "usb" / "backup.sqlite3")
    try:
        assert copy.execute("SELECT title FROM event").fetchall() == [("Kept event",)]
    finally:
        copy.close()

    # Something added after the backup, then the backup restored over it.
    desk.events.create(venue_event("Added later"))
    window.data_replaced()
    assert window.events_page.model.rowCount() == 2
    desk.tickets.verify(person.ticket_code)  # the ticket key is now remembered
    panel.table.selectionModel().select(
        panel.model.index(0, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    with qtbot.waitSignal(panel.restored, timeout=WAIT):
        panel.restore()

    [(_, question)] = [a for a in prompter.asked if a[0] == "confirm"]
    assert "Replace everything in this database" in question
    assert "backed up first" in question
    assert [e.title for e in desk.events.list_events()] == ["Kept event"]
    assert window.events_page.model.rowCount() == 1  # the open window shows it at once
    assert desk.tickets.verify(person.ticket_code).ok
    reasons = [panel.model.index(r, 1).data() for r in range(panel.model.rowCount())]
    assert "Before a restore" in reasons and "App opened" in reasons
    SHOTS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()  # column widths are fitted on the next turn
    panel.grab().save(str(SHOTS / "backups-panel.png"))


def test_restore_refused_when_not_confirmed_changes_nothing(
    qtbot: QtBot, desk: Desk, tmp_path: Path
) -> None:
    desk.events.create(venue_event("Here now"))
    prompter = ScriptedPrompter(open_from=tmp_path / "nothing.sqlite3", confirm_answer=False)
    panel = BackupsPanel(desk.backups, prompter, desk.clock)
    qtbot.addWidget(panel)

    assert panel.restore() is None

    assert [e.title for e in desk.events.list_events()] == ["Here now"]


def test_a_backup_is_made_every_few_minutes_only_while_people_are_checked_in(
    qtbot: QtBot, desk: Desk
) -> None:
    event = desk.events.create(venue_event())
    automatic = AutomaticBackups(desk.backups, interval_minutes=5)
    assert automatic.timer.interval() == 5 * 60_000
    with qtbot.waitSignal(automatic.made, timeout=WAIT):
        automatic.at_start()
    assert automatic.timer.isActive()

    assert automatic.during_check_in() is not None
    qtbot.waitUntil(lambda: automatic.idle, timeout=WAIT)
    assert [c.reason for c in desk.backups.list_backups()] == ["start"]  # no one came yet

    desk.registrations.walk_in(event.id, "Wendy Walkin", "wendy@example.org")
    with qtbot.waitSignal(automatic.made, timeout=WAIT):
        automatic.during_check_in()
    assert automatic.at_close() is not None
    assert not automatic.timer.isActive()
    reasons = sorted(c.reason for c in desk.backups.list_backups())
    assert reasons == ["close", "during-check-in", "start"]


def copies(*ages: tuple[float, str]) -> list[KeptCopy]:
    now = datetime(2026, 4, 15, 12, tzinfo=UTC)
    return [
        KeptCopy(Path(f"{n}-{reason}.sqlite3"), now - timedelta(hours=hours), reason, 1)
        for n, (hours, reason) in enumerate(ages)
    ]


NOW = datetime(2026, 4, 15, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("ages", "deleted"),
    [
        # Fewer than the last 20: all kept.
        ([(h, "start") for h in range(5)], set()),
        # 30 within one day: the oldest 10 go (the newest of that day is among the 20).
        ([(h * 0.2, "during-check-in") for h in range(30)], set(range(20, 30))),
        # ...but the newest of the day before stays, as that day's one.
        ([(h * 0.5, "during-check-in") for h in range(30)], set(range(20, 30)) - {27}),
        # One a day for three weeks beyond the last 20: two weeks of dailies stay.
        (
            [(h * 0.1, "start") for h in range(20)] + [(24 * d, "close") for d in range(1, 22)],
            {20 + d - 1 for d in range(15, 22)},
        ),
        # Backups by hand, before a migration or a restore are never pruned.
        (
            [(h * 0.1, "start") for h in range(20)]
            + [(24 * 30, "manual"), (24 * 40, "before-migrating-from-0003")],
            set(),
        ),
    ],
)
def test_the_rolling_set_keeps_the_last_20_and_one_a_day_for_two_weeks(
    ages: list[tuple[float, str]], deleted: set[int]
) -> None:
    kept = copies(*ages)

    doomed = rolling_set(kept, NOW)

    assert {kept.index(c) for c in doomed} == deleted
