"""Event pack and device bundle round trip between two data folders, through the real CLI."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.e2e.conftest import CliResult, run_cli

PASSPHRASE = "bury town hall saturday\n"


def ok(result: CliResult) -> str:
    assert result.code == 0, (result.out, result.err)
    assert "Traceback" not in result.err
    return result.out


def refused(result: CliResult, message: str) -> None:
    assert result.code == 1, (result.out, result.err)
    assert result.err.startswith("engagement-desk: ")
    assert message in result.err
    assert "Traceback" not in result.err
    assert result.out == ""


def people(folder: Path, event: str) -> dict[str, dict[str, object]]:
    rows = json.loads(ok(run_cli("people", "list", event, "--json", data_dir=folder)))
    return {str(row["name"]): row for row in rows}


def check_ins(folder: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(folder / "engagement-desk.sqlite3") as db:
        rows = db.execute("SELECT id, device_id FROM check_in ORDER BY id").fetchall()
    db.close()
    return [(str(a), str(b)) for a, b in rows]


def test_pack_and_bundle_round_trip(tmp_path: Path) -> None:
    office, laptop = tmp_path / "office", tmp_path / "venue-laptop"
    secret = tmp_path / "passphrase.txt"
    secret.write_text(PASSPHRASE, encoding="utf-8")
    added = ok(
        run_cli(
            *("events", "add", "--title", "Have your say", "--kind", "venue"),
            *("--start", "2030-03-14T10:00", "--end", "2030-03-14T12:30"),
            *("--venue", "Bury Town Hall", "--json"),
            data_dir=office,
        )
    )
    event = str(json.loads(added)["short_code"])
    for name in ("Sarah Ashworth", "Tom Byrne"):
        email = name.lower().replace(" ", ".") + "@example.org"
        ok(run_cli("register", event, "--name", name, "--email", email, data_dir=office))
    pack = tmp_path / "have-your-say.edpack"

    made = ok(
        run_cli("pack", "export", event, "-o", pack, "--passphrase-file", secret, data_dir=office)
    )
    assert "2 registrations" in made
    assert b"Sarah" not in pack.read_bytes()

    taken = ok(run_cli("pack", "import", pack, "--passphrase-file", secret, data_dir=laptop))
    assert "cannot make new ones" in taken
    door = people(laptop, event)
    assert set(door) == {"Sarah Ashworth", "Tom Byrne"}
    assert door["Sarah Ashworth"]["email"] is None  # the door never gets contact details

    codes = people(office, event)
    scanned = ok(
        run_cli("checkin", event, str(codes["Sarah Ashworth"]["ticket_code"]), data_dir=laptop)
    )
    assert "Sarah Ashworth" in scanned
    bundle = tmp_path / "venue-laptop.edbundle"
    ok(run_cli("bundle", "export", "-o", bundle, "--passphrase-file", secret, data_dir=laptop))

    merged = ok(run_cli("bundle", "merge", bundle, "--passphrase-file", secret, data_dir=office))
    assert "1 check-in" in merged
    again = json.loads(
        ok(
            run_cli(
                *("bundle", "merge", bundle, "--passphrase-file", secret, "--json"),
                data_dir=office,
            )
        )
    )
    assert sum(again[0]["added"].values()) == 0
    assert check_ins(office) == check_ins(laptop)
    assert len(check_ins(office)) == 1


def test_wrong_passphrase_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    office, laptop = tmp_path / "office", tmp_path / "venue-laptop"
    right, wrong = tmp_path / "right.txt", tmp_path / "wrong.txt"
    right.write_text(PASSPHRASE, encoding="utf-8")
    wrong.write_text("bury town hall sunday\n", encoding="utf-8")
    added = ok(
        run_cli(
            *("events", "add", "--title", "Drop-in", "--kind", "drop-in"),
            *("--start", "2030-03-14T10:00", "--end", "2030-03-14T12:30"),
            *("--venue", "Bury Library", "--json"),
            data_dir=office,
        )
    )
    event = str(json.loads(added)["short_code"])
    ok(run_cli("register", event, "--name", "Sarah Ashworth", data_dir=office))
    pack = tmp_path / "drop-in.edpack"
    ok(run_cli("pack", "export", event, "-o", pack, "--passphrase-file", right, data_dir=office))

    result = run_cli("pack", "import", pack, "--passphrase-file", wrong, data_dir=laptop)

    refused(result, "The passphrase is wrong, or the file was changed after it was made.")
    assert "Nothing was imported." in result.err
    listed = json.loads(ok(run_cli("events", "list", "--json", data_dir=laptop)))
    assert listed == []

    short = tmp_path / "short.txt"
    short.write_text("1234567\n", encoding="utf-8")
    elsewhere = tmp_path / "never-written.edpack"
    refused(
        run_cli(
            "pack", "export", event, "-o", elsewhere, "--passphrase-file", short, data_dir=office
        ),
        "too short",
    )
    assert not elsewhere.exists()
    refused(
        run_cli("bundle", "merge", pack, "--passphrase-file", right, data_dir=office),
        "'pack import' instead",
    )
