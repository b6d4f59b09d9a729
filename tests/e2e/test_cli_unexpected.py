"""A fault in the app itself reaches the user as a plain sentence and the log, never as a
traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from engagement_desk import cli
from engagement_desk.services.events import EventService


def test_an_unexpected_fault_is_a_plain_message_and_logged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise KeyError("a fault planted by this test")

    monkeypatch.delenv("ENGAGEMENT_DESK_DATABASE", raising=False)
    monkeypatch.setattr(EventService, "list_events", broken)
    home = tmp_path / "desk"

    code = cli.main(["--data-dir", str(home), "events", "list"])

    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in err
    assert err.startswith("engagement-desk: Something went wrong that Engagement Desk did not")
    assert "(KeyError)" in err and str(home / "logs") in err
    logged = "".join(p.read_text(encoding="utf-8") for p in (home / "logs").glob("*.log*"))
    assert "a fault planted by this test" in logged and "Traceback" in logged
