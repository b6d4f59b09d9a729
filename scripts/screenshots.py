"""Make the screenshots in docs/screenshots: every page, the schedule and the New event
dialog's problems, as a 1366×768 laptop shows them, at the default text size and at 24
points (``-24pt`` in the name). Fictional demo data in a temporary folder; nothing else is
touched.

    .venv/bin/python scripts/screenshots.py            into docs/screenshots
    .venv/bin/python scripts/screenshots.py -o DIR     somewhere else

Drawn offscreen with the app's own fonts, so the pictures are the same on any machine.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
SCREEN = (1366, 768)
SIZES = {11: "", 24: "-24pt"}
PAGE_FILES = {
    "Events": "events",
    "People": "people",
    "Check-in": "check-in",
    "Voices": "voices",
    "Reports": "reports",
    "Settings": "settings",
    "Laptops": "laptops",
}


def settle(seconds: float = 0.2) -> None:
    import time

    from PySide6.QtWidgets import QApplication  # noqa: TID251 (a GUI script)

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    args.output.mkdir(parents=True, exist_ok=True)

    from PySide6.QtWidgets import QApplication, QWidget  # noqa: TID251 (a GUI script)

    from engagement_desk.app import application
    from engagement_desk.bootstrap import open_desk
    from engagement_desk.paths import AppPaths
    from engagement_desk.services.registrations import PersonRow
    from engagement_desk.ui.event_dialog import EventDialog
    from engagement_desk.ui.main_window import PAGES, MainWindow
    from engagement_desk.ui.theme import apply_text_size, load_fonts

    app = application()
    family = load_fonts()
    made: list[Path] = []
    found: list[PersonRow] = []
    with tempfile.TemporaryDirectory(prefix="screenshots-") as folder:
        desk = open_desk(AppPaths(Path(folder) / "desk").ensure())
        desk.demo.fill()
        try:
            for points, suffix in SIZES.items():
                apply_text_size(app, points, family)
                window = MainWindow(desk)
                window.resize(*SCREEN)
                window.show()
                settle(0.5)

                def save(widget: QWidget, name: str, suffix: str = suffix) -> None:
                    path = args.output / f"{name}{suffix}.png"
                    widget.grab().save(str(path))
                    made.append(path)

                page = window.check_in_page
                page.set_ready_after(0)  # the banner keeps its result for the picture
                if points == min(SIZES):  # a few arrivals by name search, as at the door
                    found = desk.registrations.search(page.event_id(), "a", None, 4)
                    for row in found:
                        page.search.setText(row.name)
                        page.refresh_search()
                        page.check_in_found()
                elif found:
                    page.search.setText(found[-1].name)  # scanned again: "already in"
                    page.refresh_search()
                    page.check_in_found()
                for index, name in enumerate(PAGES):
                    window.show_page(index)
                    settle()
                    if name in PAGE_FILES:
                        save(window, PAGE_FILES[name])
                window.show_page(PAGES.index("Events"))
                window.events_page.tabs.setCurrentIndex(1)
                settle()
                save(window, "schedule")
                window.events_page.tabs.setCurrentIndex(0)

                dialog = EventDialog(desk.events, now=desk.clock(), parent=window)
                dialog.show()
                settle()
                dialog.save()  # nothing typed: every problem said beside its field
                settle()
                save(dialog, "event-validation")
                dialog.done(0)
                window.close()
                window.deleteLater()
                settle()
        finally:
            desk.close()
    QApplication.processEvents()
    for path in made:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
