"""The app under test: its data made with its own command line, and the running program seen
from outside (its windows, its text boxes through the clipboard, its SQLite file)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.desktop.xsession import Processes, XSession, wait_until

APP_START_SECONDS = 30
CHECK_IN_SECONDS = 10
KIOSK_PIN = "2468"
PEOPLE = ("Amira Khan", "Ben Oduya", "Carla Finch", "Dev Patel")
MAIN_WINDOW = "^Engagement Desk — "  # the title once the database is open and the pages built
KIOSK_WINDOW = "^Engagement Desk kiosk$"


def entry_point() -> Path:
    """The ``engagement-desk`` program installed beside this Python (the project's venv)."""
    return Path(sys.executable).with_name("engagement-desk")


def clean_env(home: Path) -> dict[str, str]:
    """The environment for programs we start: none of the test run's own settings for the
    app or Qt, and a home folder of their own so nothing is written into the real one."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ENGAGEMENT_DESK_", "QT_", "PYTEST_"))
        and key not in ("DISPLAY", "WAYLAND_DISPLAY", "PYTHONWARNINGS", "XAUTHORITY")
    }
    runtime = home / "runtime"
    runtime.mkdir(parents=True, exist_ok=True)
    runtime.chmod(0o700)
    env.update(HOME=str(home), XDG_RUNTIME_DIR=str(runtime), PYTHONIOENCODING="utf-8")
    return env


def cli(data_dir: Path, env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    """Run an ``engagement-desk`` command; its standard output, or the test fails."""
    completed = subprocess.run(
        [str(entry_point()), "--data-dir", str(data_dir), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**env, "QT_QPA_PLATFORM": "offscreen"},
        timeout=60,
        check=False,
    )
    if completed.returncode != 0:
        pytest.fail(f"engagement-desk {' '.join(args)} failed: {completed.stderr}")
    return completed.stdout


@dataclass(frozen=True)
class Ticket:
    name: str
    registration_id: str
    code: str


@dataclass(frozen=True)
class DeskData:
    folder: Path
    event: str
    tickets: dict[str, Ticket]


@dataclass(frozen=True)
class CheckInRow:
    registration_id: str
    method: str


class RunningDesk:
    """The app as a separate process on an X screen, with ways to look at it from outside."""

    def __init__(self, x: XSession, data: DeskData, processes: Processes, log: Path) -> None:
        self.x = x
        self.data = data
        self.log = log
        self.database = data.folder / "engagement-desk.sqlite3"
        self.process = processes.start(
            [str(entry_point()), "--data-dir", str(data.folder)],
            env={**x.env, "QT_QPA_PLATFORM": "xcb"},
            log=log,
        )
        self.window = self.wait_for_window(MAIN_WINDOW, "the main window", APP_START_SECONDS)
        if not self.x.activate(self.window):
            self.fail("the main window never got the keyboard")

    # ---- windows -------------------------------------------------------------------------

    def wait_for_window(self, pattern: str, what: str, timeout: float = 15) -> str:
        def shown() -> str | None:
            if self.process.poll() is not None:
                self.fail(f"the app exited ({self.process.returncode}) while waiting for {what}")
            found = self.x.windows_named(pattern)
            return found[0] if found else None

        window = wait_until(shown, timeout=timeout, interval=0.1)
        if window is None:
            self.fail(f"{what} did not appear within {timeout:.0f} s")
        assert window is not None
        return window

    def wait_for_window_gone(self, pattern: str, what: str, timeout: float = 15) -> None:
        if not wait_until(lambda: not self.x.windows_named(pattern), timeout=timeout):
            self.fail(f"{what} was still on screen after {timeout:.0f} s")

    # ---- the database, read as a person checking the records would -----------------------

    def check_ins(self) -> list[CheckInRow]:
        """Check-ins not undone, read from the SQLite file (read-only; the app holds it open)."""
        connection = sqlite3.connect(f"{self.database.as_uri()}?mode=ro", uri=True, timeout=5)
        try:
            rows = connection.execute(
                "SELECT registration_id, method FROM check_in WHERE undone_at IS NULL"
            ).fetchall()
        finally:
            connection.close()
        return [CheckInRow(str(r[0]), str(r[1])) for r in rows]

    def check_ins_for(self, ticket: Ticket) -> list[CheckInRow]:
        return [row for row in self.check_ins() if row.registration_id == ticket.registration_id]

    def expect_checked_in_once(
        self, ticket: Ticket, after: str, *, boxes: dict[str, str] | None = None
    ) -> CheckInRow:
        """Wait for the ticket's check-in; it must then be the only one in the database.
        On a failure the message says what the database and (``boxes``) the text boxes hold."""
        found = wait_until(lambda: self.check_ins_for(ticket), timeout=CHECK_IN_SECONDS)
        everyone = self.check_ins()
        if found and len(found) == 1 and len(everyone) == 1:
            return found[0]
        names = {t.registration_id: t.name for t in self.data.tickets.values()}
        seen = [f"{names.get(r.registration_id, r.registration_id)} ({r.method})" for r in everyone]
        message = (
            f"{after}, {ticket.name}'s ticket should be checked in exactly once and nobody "
            f"else. Check-ins in the database (not undone) after {CHECK_IN_SECONDS} s: "
            f"{', '.join(seen) or 'none'}."
        )
        if self.x.last_burst is not None:
            keys, seconds = self.x.last_burst
            message += f" (The scanner burst of {keys} keys took {seconds:.2f} s to send.)"
        if boxes:
            shot = self.x.screenshot("not-checked-in")
            message += f"\nScreen then: {shot}\n{self._describe_boxes(boxes)}"
        self.fail(message)
        raise AssertionError(message)  # not reached: fail() raises

    # ---- text boxes, read as a person would ------------------------------------------------

    def text_of_box(self, mnemonic: str) -> str:
        """What a text box holds, found as a person would: jump to it with its Alt shortcut,
        select all, copy, and read the clipboard. An empty box copies nothing, so a marker
        put on the clipboard first is still there afterwards."""
        marker = f"(nothing copied from alt+{mnemonic})"
        self.x.set_clipboard(marker)
        self.x.key(f"alt+{mnemonic}", "ctrl+a", "ctrl+c")
        # A box with text replaces the marker within milliseconds; an empty one never does,
        # so this waits its full second only when the box is empty.
        copied = wait_until(lambda: (self.x.clipboard() or marker) != marker, timeout=1.0)
        return (self.x.clipboard() or "") if copied else ""

    def _describe_boxes(self, boxes: dict[str, str]) -> str:
        held = {label: self.text_of_box(letter) for label, letter in boxes.items()}
        return "\n".join(
            f"The {label} box holds {text!r}." if text else f"The {label} box is empty."
            for label, text in held.items()
        )

    def expect_boxes_empty(self, boxes: dict[str, str], after: str) -> None:
        """``boxes`` maps a box's label to its Alt shortcut letter."""
        kept = {label: self.text_of_box(letter) for label, letter in boxes.items()}
        kept = {label: text for label, text in kept.items() if text}
        if kept:
            held = " ".join(f"The {label} box holds {text!r}." for label, text in kept.items())
            self.fail(f"{after}, no text box should keep any of the scanned characters. {held}")

    # ---- failing clearly -----------------------------------------------------------------

    def fail(self, message: str) -> None:
        shot = self.x.screenshot("failure")
        pytest.fail(f"{message}\nScreenshot: {shot}\nApp log (last lines):\n{self.log_tail()}")

    def log_tail(self, lines: int = 15) -> str:
        try:
            text = self.log.read_text(errors="replace")
        except FileNotFoundError:
            return "(no log)"
        # Qt Multimedia's notes about optional libraries a test machine lacks are noise here.
        useful = [line for line in text.splitlines() if "qt.multimedia" not in line]
        return "\n".join(useful[-lines:]) or "(empty)"
