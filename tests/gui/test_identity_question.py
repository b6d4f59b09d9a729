"""The app asks before a laptop nobody remembers becomes a new one (identity file and its
spare copy damaged, and a fresh database that never recorded it): no leaves the damaged
file for someone to look at and the app does not open; yes opens it as a new laptop."""

from __future__ import annotations

from pathlib import Path

import pytest

from engagement_desk.app import open_desk_asking
from engagement_desk.paths import AppPaths


@pytest.fixture
def forgotten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppPaths:
    monkeypatch.delenv("ENGAGEMENT_DESK_DATABASE", raising=False)
    paths = AppPaths(tmp_path / "home").ensure()
    paths.device_file.write_text("not json", encoding="utf-8")
    spares = list(paths.device_file.parent.glob(paths.device_file.name + "*"))
    for spare in spares:
        if spare != paths.device_file:
            spare.write_text("also damaged", encoding="utf-8")
    return paths


def test_no_leaves_the_identity_alone_and_does_not_open(forgotten: AppPaths) -> None:
    asked: list[str] = []

    def answer_no(question: str) -> bool:
        asked.append(question)
        return False

    assert open_desk_asking(forgotten, None, answer_no) is None
    assert len(asked) == 1 and "Start as a new laptop now?" in asked[0]
    assert forgotten.device_file.read_text(encoding="utf-8") == "not json"
    # Still not a new laptop: the next start asks again.
    assert open_desk_asking(forgotten, None, answer_no) is None and len(asked) == 2


def test_yes_opens_the_desk_as_a_new_laptop(forgotten: AppPaths) -> None:
    desk = open_desk_asking(forgotten, None, lambda _question: True)
    assert desk is not None
    try:
        assert desk.device.id and forgotten.device_file.read_text(encoding="utf-8") != "not json"
    finally:
        desk.close()
