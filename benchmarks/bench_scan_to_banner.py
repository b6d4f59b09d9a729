"""From the scanner's Enter key to the banner repainted, on the real Check-in page.

Event with 5,000 registrations; each sample types a real signed code as a scanner burst
(not timed), then times the Enter key press until the banner has repainted (the page
repaints synchronously and emits ``result_shown``). Baseline in the same run: the same
decision through CheckInService.scan alone, with no GUI. Goal: under 50 ms median.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from sqlalchemy import insert

from engagement_desk.bootstrap import open_desk
from engagement_desk.core.events import EventDraft, VenueDraft
from engagement_desk.core.tickets import new_ticket_id
from engagement_desk.db.models import Registration
from engagement_desk.db.types import new_id
from engagement_desk.paths import AppPaths
from engagement_desk.ui.checkin_page import CheckInPage

REGISTRATIONS = 5_000
SAMPLES = 120


class NoPrompts:
    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"the benchmark should not ask anything ({name})")


def main() -> None:
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        desk = open_desk(AppPaths(Path(folder)).ensure())
        from datetime import UTC, datetime, timedelta

        now = datetime.now(UTC)
        detail = desk.events.create(
            EventDraft(
                title="Benchmark event",
                kind="venue",
                starts_at=now - timedelta(minutes=30),
                ends_at=now + timedelta(hours=2),
                venue=VenueDraft("Bury Town Hall"),
            )
        )
        ids = [new_ticket_id() for _ in range(REGISTRATIONS)]
        with desk.db.session() as s, s.begin():
            s.execute(
                insert(Registration),
                [
                    {
                        "id": new_id(),
                        "device_id": desk.device.id,
                        "event_id": detail.id,
                        "ticket_id": ticket,
                        "source": "benchmark",
                    }
                    for ticket in ids
                ],
            )
        codes = [desk.tickets.mint(detail.id, ticket) for ticket in ids[: 2 * SAMPLES]]
        gui_codes, service_codes = codes[:SAMPLES], codes[SAMPLES:]

        page = CheckInPage(
            desk.events,
            desk.check_in,
            desk.registrations,
            NoPrompts(),
            desk.clock,  # type: ignore[arg-type]
        )
        page.resize(1280, 800)
        page.show()
        page.choose_event(detail.id)
        app.processEvents()

        gui: list[float] = []
        for code in gui_codes:
            QTest.keyClicks(page.search, code)
            start = time.perf_counter()
            QTest.keyClick(page.search, Qt.Key.Key_Return)
            gui.append(time.perf_counter() - start)
            assert page.banner.word.text() == "ADMITTED", page.banner.spoken_text()
            app.processEvents()

        service: list[float] = []
        for code in service_codes:
            start = time.perf_counter()
            result = desk.check_in.scan(detail.id, code)
            service.append(time.perf_counter() - start)
            assert result.outcome.admits
        page.close()
        page.scanner.stop()
        page.deleteLater()
        app.processEvents()
        del page
        desk.close()

    gui_ms, service_ms = statistics.median(gui) * 1000, statistics.median(service) * 1000
    print(
        f"scan_to_banner: Enter to banner repainted {gui_ms:.1f} ms, service decision alone "
        f"{service_ms:.1f} ms (median of {SAMPLES}, {REGISTRATIONS} registrations), "
        f"ratio {gui_ms / service_ms:.2f}x (goal < 50 ms)"
    )


if __name__ == "__main__":
    main()
