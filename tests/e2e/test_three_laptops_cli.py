"""The three-laptop scenario through the real command line: the office packs one event to two
venue laptops; each checks people in, takes a walk-in and corrects someone's details; their
bundles come back and are merged in both orders, giving the same office data, with the
detail both laptops changed listed as a conflict."""

from __future__ import annotations

import json
import shutil
import sqlite3
import uuid
from dataclasses import replace
from pathlib import Path

from engagement_desk.bootstrap import open_desk
from engagement_desk.paths import AppPaths
from tests.e2e.conftest import run_cli
from tests.e2e.test_pack_cli import PASSPHRASE, ok, people

# Everything an office keeps about the event's people and what happened at the door (not
# the audit log or when each device was last seen, which differ by nature).
OFFICE_DATA = {
    "person": "SELECT id, full_name, email, role, access_needs, access_notes, consent_store,"
    " consent_quote, consent_future_contact, field_changes FROM person ORDER BY id",
    "registration": "SELECT id, person_id, status, ticket_id FROM registration ORDER BY id",
    "check_in": "SELECT id, registration_id, device_id, checked_in_at, undone_at,"
    " undone_by_device FROM check_in ORDER BY id",
}


def named_laptop(folder: Path, name: str) -> Path:
    """A data folder whose laptop has a name of its own (the test machine has one name)."""
    paths = AppPaths(folder).ensure()
    identity = {"id": str(uuid.uuid4()), "name": name}
    paths.device_file.write_text(json.dumps(identity), encoding="utf-8")
    return folder


def edit(folder: Path, name: str, **changes: object) -> None:
    """A correction made on a laptop (the Check-in page's person dialog does the same)."""
    desk = open_desk(AppPaths(folder).ensure())
    try:
        [row] = desk.registrations.search(None, name)
        assert row.person_id is not None
        draft = desk.registrations.person(row.person_id).draft
        desk.registrations.update_person(row.person_id, replace(draft, **changes))  # type: ignore[arg-type]
    finally:
        desk.close()


def office_data(folder: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(folder / "engagement-desk.sqlite3") as db:
        data = {table: db.execute(query).fetchall() for table, query in OFFICE_DATA.items()}
    db.close()
    return data


def test_three_laptops_through_the_command_line(tmp_path: Path) -> None:
    office = named_laptop(tmp_path / "office", "Office desk")
    front = named_laptop(tmp_path / "front", "Front door laptop")
    side = named_laptop(tmp_path / "side", "Side door laptop")
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
    for name in ("Sarah Ashworth", "Tom Byrne", "Priya Shah"):
        email = name.lower().replace(" ", ".") + "@example.org"
        ok(run_cli("register", event, "--name", name, "--email", email, data_dir=office))
    codes = {name: str(row["ticket_code"]) for name, row in people(office, event).items()}

    # One pack, to both laptops.
    pack = tmp_path / "usb" / "have-your-say.edpack"
    pack.parent.mkdir()
    ok(run_cli("pack", "export", event, "-o", pack, "--passphrase-file", secret, data_dir=office))
    for laptop in (front, side):
        ok(run_cli("pack", "import", pack, "--passphrase-file", secret, data_dir=laptop))

    # The door: check-ins (Sarah scanned at both doors), a walk-in each, corrections.
    ok(run_cli("checkin", event, codes["Sarah Ashworth"], codes["Tom Byrne"], data_dir=front))
    ok(run_cli("checkin", event, codes["Sarah Ashworth"], codes["Priya Shah"], data_dir=side))
    ok(run_cli("register", event, "--name", "Wendy Walkin", "--walk-in", data_dir=front))
    ok(run_cli("register", event, "--name", "Walter Walkin", "--walk-in", data_dir=side))
    edit(front, "Sarah Ashworth", access_needs=("wheelchair access",))
    edit(front, "Tom Byrne", access_notes="Needs a quiet space.", consent_quote=False)
    edit(side, "Priya Shah", full_name="Priya Shah-Khan")
    edit(side, "Tom Byrne", access_notes="Uses a hearing loop.")  # later: it wins

    bundles = {}
    for laptop in (front, side):
        bundles[laptop] = tmp_path / "usb" / f"{laptop.name}.edbundle"
        made = ok(
            run_cli(
                *("bundle", "export", "-o", bundles[laptop], "--passphrase-file", secret),
                data_dir=laptop,
            )
        )
        assert "check-in" in made

    # The office merges front then side; a copy of it merges side then front.
    other_office = tmp_path / "office-copy"
    shutil.copytree(office, other_office)
    first = ok(
        run_cli(
            *("bundle", "merge", bundles[front], bundles[side], "--passphrase-file", secret),
            data_dir=office,
        )
    )
    second = json.loads(
        ok(
            run_cli(
                *("bundle", "merge", bundles[side], bundles[front]),
                *("--passphrase-file", secret, "--json"),
                data_dir=other_office,
            )
        )
    )

    assert office_data(office) == office_data(other_office)
    listed = people(office, event)
    assert set(listed) == {
        "Sarah Ashworth",
        "Tom Byrne",
        "Priya Shah-Khan",
        "Wendy Walkin",
        "Walter Walkin",
    }
    with sqlite3.connect(office / "engagement-desk.sqlite3") as db:
        tom = db.execute(
            "SELECT id, access_notes, consent_quote, email FROM person WHERE full_name = ?",
            ("Tom Byrne",),
        ).fetchone()
        sarah = db.execute(
            "SELECT access_needs FROM person WHERE full_name = 'Sarah Ashworth'"
        ).fetchone()
        live = db.execute("SELECT count(*) FROM check_in WHERE undone_at IS NULL").fetchone()
    db.close()
    assert tom[1:] == ("Uses a hearing loop.", 0, "tom.byrne@example.org")
    assert json.loads(sarah[0]) == ["wheelchair access"]
    assert live == (5,)  # Sarah once, Tom, Priya and the two walk-ins

    # The conflict is listed, in words and in JSON, whichever order.
    assert f"Person {tom[0]}, access notes: changed on Front door laptop" in first
    assert "the later change, from Side door laptop, was kept" in first
    assert "Tom Byrne" not in first
    conflicts = [c for result in second for c in result["conflicts"]]
    assert [(c["person_id"], c["detail"], c["kept_from"]) for c in conflicts] == [
        (tom[0], "access_notes", "Side door laptop")
    ]
    assert sum(result["second_admissions"] for result in second) == 1
    assert sum(result["details_updated"] for result in second) == 3

    # Merging again adds and changes nothing.
    again = json.loads(
        ok(
            run_cli(
                *("bundle", "merge", bundles[front], bundles[side]),
                *("--passphrase-file", secret, "--json"),
                data_dir=office,
            )
        )
    )
    assert [sum(r["added"].values()) + r["details_updated"] for r in again] == [0, 0]
    assert all(r["conflicts"] == [] for r in again)
