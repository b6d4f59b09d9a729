"""Fixtures for driving the real app on a real X server.

Each test gets its own Xvfb screen (1366×768, a display number Xvfb picks itself), openbox
as the window manager, and the installed ``engagement-desk`` program started as a separate
process on its own copy of a data folder that the app's command line filled once per session.
Everything a test started is stopped when it ends, pass or fail; on a failure a screenshot
of the screen is saved first, into the test's tmp folder.

Without the X programs (scripts/install-system-deps.sh --test installs them) these tests are
skipped with the reason, except when the CI environment variable is set: then that is a
failure, so a CI machine that lost a package cannot pass by skipping.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
from collections.abc import Generator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType

import pytest

from tests.desktop.desk import (
    KIOSK_PIN,
    PEOPLE,
    DeskData,
    RunningDesk,
    Ticket,
    clean_env,
    cli,
    entry_point,
)
from tests.desktop.xsession import Processes, XSession, missing_x_tools

TEST_SECONDS = 58  # each test, fixtures included, stays under a minute
_REPORTS = pytest.StashKey[list[pytest.TestReport]]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "desktop: starts the real app on an Xvfb screen and types with xdotool "
        "(needs the X programs from scripts/install-system-deps.sh --test)",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.desktop)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Remember each phase's report, so teardown knows whether the test failed."""
    report = yield
    item.stash[_REPORTS] = [*item.stash.get(_REPORTS, []), report]
    return report


def _failed(item: pytest.Item) -> bool:
    return any(report.failed for report in item.stash.get(_REPORTS, []))


def on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def x_tools() -> None:
    """Skip (or, on CI, fail) when a program these tests need is missing."""
    missing = missing_x_tools()
    if not entry_point().is_file():
        missing.append(f"the engagement-desk program ({entry_point()}; run scripts/install.sh)")
    if missing:
        message = (
            "Desktop tests need " + ", ".join(missing) + ". Install them with "
            "scripts/install-system-deps.sh --test (Debian: apt-get install xvfb openbox xdotool "
            "imagemagick xclip x11-utils)."
        )
        if on_ci():
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(autouse=True)
def time_limit() -> Iterator[None]:
    """Fail a test that runs past TEST_SECONDS instead of letting it hang the suite."""

    def too_long(_signum: int, _frame: FrameType | None) -> None:
        pytest.fail(f"the test took longer than {TEST_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, too_long)
    signal.setitimer(signal.ITIMER_REAL, TEST_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# ---- the data: made with the app's own command line ------------------------------------


@pytest.fixture(scope="session")
def desk_template(x_tools: None, tmp_path_factory: pytest.TempPathFactory) -> DeskData:
    """One data folder filled through the command line: an event happening now (so the
    Check-in page opens on it), four people registered, and a kiosk PIN."""
    root = tmp_path_factory.mktemp("desk-template")
    folder = root / "desk"
    env = clean_env(root / "home")
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    event = json.loads(
        cli(
            folder,
            env,
            *("events", "add", "--title", "Scanner morning", "--kind", "venue"),
            *("--venue", "Town Hall", "--json"),
            *("--start", (now - timedelta(minutes=15)).isoformat()),
            *("--end", (now + timedelta(hours=4)).isoformat()),
        )
    )
    code = event["short_code"]
    for name in PEOPLE:
        email = name.lower().replace(" ", ".") + "@example.org"
        cli(folder, env, "register", code, "--name", name, "--email", email)
    cli(folder, env, "kiosk", "set-pin", stdin=f"{KIOSK_PIN}\n")
    rows = json.loads(cli(folder, env, "people", "list", code, "--json"))
    tickets = {
        row["name"]: Ticket(row["name"], row["registration_id"], row["ticket_code"]) for row in rows
    }
    assert set(tickets) == set(PEOPLE), rows
    for ticket in tickets.values():
        # What these tests are about: codes a scanner must send with Shift held for capitals.
        assert any(c.isupper() for c in ticket.code) and "-" in ticket.code, ticket.code
    return DeskData(folder, code, tickets)


@pytest.fixture
def desk_data(desk_template: DeskData, tmp_path: Path) -> DeskData:
    """This test's own copy of the template data folder."""
    folder = tmp_path / "desk"
    shutil.copytree(desk_template.folder, folder)
    return DeskData(folder, desk_template.event, desk_template.tickets)


# ---- the screen and the running app --------------------------------------------------


@pytest.fixture
def processes() -> Iterator[Processes]:
    """Everything the test starts; all of it stopped at the end, whatever happened."""
    running = Processes()
    try:
        yield running
    finally:
        running.stop_all()


@pytest.fixture
def x_session(
    x_tools: None, processes: Processes, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[XSession]:
    session = XSession(processes, tmp_path / "x", clean_env(tmp_path / "home"))
    yield session
    if _failed(request.node) and "desk_app" not in request.fixturenames:
        print(f"Screen at failure: {session.screenshot('at-failure')}")


@pytest.fixture
def desk_app(
    x_session: XSession,
    desk_data: DeskData,
    processes: Processes,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> Iterator[RunningDesk]:
    """The app running on the test's screen, its main window showing and active."""
    app = RunningDesk(x_session, desk_data, processes, tmp_path / "app.log")
    yield app
    if _failed(request.node):
        print(f"Screen at failure: {x_session.screenshot('at-failure')}")
        print(f"App log: {app.log}")
    processes.stop(app.process)
