"""The email commands end to end: settings, a dry run, sending to a real SMTP server on
127.0.0.1, sending again, the outbox when the server is away, and .eml drafts."""

from __future__ import annotations

import json
from email import policy
from email.parser import BytesParser
from pathlib import Path

from tests.e2e.conftest import Cli
from tests.unit.mail_server import free_port, smtp_server


def _event(cli: Cli) -> str:
    added = cli(
        "events", "add", "--title", "Have your say", "--kind", "venue",
        "--start", "2031-03-14T10:00", "--end", "2031-03-14T12:30",
        "--venue", "Bury Town Hall", "--capacity", "2",
    )  # fmt: skip
    assert added.code == 0, added.err
    listed = json.loads(cli("events", "list", "--json").out)
    code = str(listed[0]["short_code"])
    for name, email in (("Aisha Begum", "aisha@example.org"), ("Zofia Kowalska", None)):
        extra = ["--email", email] if email else []
        assert cli("register", code, "--name", name, *extra).code == 0
    assert cli("register", code, "--name", "Wendy Waiting", "--email", "w@example.org").code == 0
    return code


def _settings(cli: Cli, port: int) -> None:
    result = cli(
        "mail", "settings", "--host", "127.0.0.1", "--port", str(port),
        "--from", "events@bury.example.org", "--no-tls",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "Email settings saved: 127.0.0.1" in result.out


def test_send_tickets_dry_run_send_and_send_again(cli: Cli) -> None:
    code = _event(cli)
    with smtp_server() as (port, inbox):
        _settings(cli, port)

        dry = cli("send-tickets", code, "--dry-run", "--json")
        assert dry.code == 0, dry.err
        plan = json.loads(dry.out)
        assert sorted(m["message"] for m in plan["to_send"]) == ["ticket", "waiting list"]
        assert [r["reason"] for r in plan["not_sent"]] == ["no email address"]
        assert inbox.received == []

        sent = cli("send-tickets", code, "--json")
        assert sent.code == 0, sent.err
        result = json.loads(sent.out)
        assert (result["queued"], result["sent"], result["waiting"]) == (2, 2, 0)
        assert sorted(to[0] for to, _ in inbox.received) == ["aisha@example.org", "w@example.org"]

        again = cli("send-tickets", code)
        assert again.code == 0, again.err
        assert "0 messages" in again.out
        assert "ticket already sent" in again.out
        assert len(inbox.received) == 2

        everyone = cli("send-tickets", code, "--all", "--json")
        assert json.loads(everyone.out)["sent"] == 2
        listed = cli("outbox", "list", "--all")
        assert listed.code == 0 and "4 sent" in listed.out


def test_with_the_server_away_the_outbox_keeps_them_until_outbox_send(cli: Cli) -> None:
    code = _event(cli)
    port = free_port()
    _settings(cli, port)

    queued = cli("send-tickets", code)

    assert queued.code == 0, queued.err
    assert "could not be reached" in queued.out and "2 waiting in the outbox" in queued.out
    listed = cli("outbox", "list", "--json")
    assert [row["status"] for row in json.loads(listed.out)] == ["waiting", "waiting"]
    with smtp_server(port) as (_port, inbox):
        sent = cli("outbox", "send")
        assert sent.code == 0, sent.err
        assert "2 sent" in sent.out and "0 waiting" in sent.out
        assert len(inbox.received) == 2


def test_eml_dir_writes_one_draft_per_person(cli: Cli, tmp_path: Path) -> None:
    code = _event(cli)
    _settings(cli, 2525)
    folder = tmp_path / "drafts"
    folder.mkdir()

    result = cli("send-tickets", code, "--eml-dir", folder)

    assert result.code == 0, result.err
    files = sorted(folder.glob("*.eml"))
    assert len(files) == 2
    for file in files:
        message = BytesParser(policy=policy.default).parsebytes(file.read_bytes())
        kinds = [part.get_content_type() for part in message.walk()]
        assert "text/plain" in kinds and "text/html" in kinds
    assert "Nothing was sent" in result.out
    assert "0 waiting" in cli("outbox", "list").out


def test_refusals_are_plain_and_change_nothing(cli: Cli) -> None:
    code = _event(cli)
    unset = cli("send-tickets", code)
    assert unset.code == 1 and "Email is not set up" in unset.err
    bad = cli("mail", "settings", "--host", "smtp.example.org", "--port", "587", "--from", "nope")
    assert bad.code == 1 and "From address" in bad.err and "Nothing was saved" in bad.err
    missing = cli("send-tickets", "NOSUCH")
    assert missing.code == 1
