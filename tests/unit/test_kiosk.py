"""The kiosk PIN: stored only as a salted hash, checked in constant time, locked after five
wrong tries."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text

from engagement_desk.bootstrap import Desk
from engagement_desk.db.models import AuditEntry, Setting
from engagement_desk.services.errors import UserError
from engagement_desk.services.kiosk import (
    PIN_SETTING,
    KioskLocked,
    KioskService,
    NoKioskPin,
)
from tests.conftest import FakeClock


@pytest.fixture
def kiosk(desk: Desk, clock: FakeClock) -> KioskService:
    return KioskService(desk.db, clock=clock, device=desk.device)


def stored(desk: Desk) -> str | None:
    with desk.db.session() as s:
        setting = s.get(Setting, PIN_SETTING)
        return setting.value if setting else None


def test_no_pin_at_first(kiosk: KioskService) -> None:
    assert kiosk.has_pin() is False
    with pytest.raises(NoKioskPin, match="No kiosk PIN has been set"):
        kiosk.check_pin("1234")


def test_the_pin_is_stored_as_a_salted_hash_never_the_pin(desk: Desk, kiosk: KioskService) -> None:
    kiosk.set_pin("482913")

    value = stored(desk)
    assert value is not None
    assert kiosk.has_pin()
    assert "482913" not in value
    scheme, n, r, p, salt, digest = value.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")
    assert salt and digest
    path = desk.db.sqlite_path
    assert path is not None
    raw = path.read_bytes() + b"".join(
        extra.read_bytes()
        for extra in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-journal"))
        if extra.exists()
    )
    assert b"482913" not in raw


def test_the_same_pin_hashes_differently_each_time(desk: Desk, kiosk: KioskService) -> None:
    kiosk.set_pin("1234")
    first = stored(desk)
    kiosk.set_pin("1234", current="1234")

    assert stored(desk) != first
    assert kiosk.check_pin("1234")


def test_right_and_wrong_pins(kiosk: KioskService) -> None:
    kiosk.set_pin("2468")

    assert kiosk.check_pin("2468") is True
    assert kiosk.check_pin(" 2468 ") is True  # a stray space from a touch keyboard
    assert kiosk.check_pin("2469") is False
    assert kiosk.check_pin("24680") is False
    assert kiosk.check_pin("") is False
    assert kiosk.check_pin("abcd") is False


@pytest.mark.parametrize("pin", ["123", "123456789", "12a4", "12 34", "", "١٢٣٤", "-1234"])
def test_a_pin_is_four_to_eight_digits(desk: Desk, kiosk: KioskService, pin: str) -> None:
    with pytest.raises(UserError, match="4 to 8 digits"):
        kiosk.set_pin(pin)
    assert stored(desk) is None


@pytest.mark.parametrize("pin", ["0000", "1234", "12345678"])
def test_four_to_eight_digits_are_accepted(kiosk: KioskService, pin: str) -> None:
    kiosk.set_pin(pin)
    assert kiosk.check_pin(pin)


def test_changing_the_pin_needs_the_current_one(desk: Desk, kiosk: KioskService) -> None:
    kiosk.set_pin("1357")
    before = stored(desk)

    with pytest.raises(UserError, match="Type the current kiosk PIN"):
        kiosk.set_pin("8642")
    with pytest.raises(UserError, match="current kiosk PIN is not right"):
        kiosk.set_pin("8642", current="0000")
    assert stored(desk) == before
    assert kiosk.check_pin("1357")

    kiosk.set_pin("8642", current="1357")

    assert kiosk.check_pin("8642")
    assert not kiosk.check_pin("1357")


def test_five_wrong_tries_lock_it_for_thirty_seconds(kiosk: KioskService, clock: FakeClock) -> None:
    kiosk.set_pin("1111")
    for left in (4, 3, 2, 1):
        assert kiosk.check_pin("9999") is False
        assert kiosk.tries_left == left

    with pytest.raises(KioskLocked, match="Wait 30 seconds") as locked:
        kiosk.check_pin("9999")
    assert locked.value.seconds_left == 30

    # Locked: even the right PIN is not looked at.
    clock.advance(seconds=20)
    with pytest.raises(KioskLocked, match="Wait 10 seconds"):
        kiosk.check_pin("1111")
    assert kiosk.locked_for() == 10
    clock.advance(seconds=9.5)
    with pytest.raises(KioskLocked, match="Wait 1 second and"):
        kiosk.check_pin("1111")

    clock.advance(seconds=0.5)
    assert kiosk.locked_for() == 0
    assert kiosk.check_pin("1111") is True
    assert kiosk.tries_left == 5


def test_a_right_pin_resets_the_count(kiosk: KioskService) -> None:
    kiosk.set_pin("1111")
    for _ in range(4):
        assert not kiosk.check_pin("0000")
    assert kiosk.check_pin("1111")
    for _ in range(4):
        assert not kiosk.check_pin("0000")  # four more wrong tries, still not locked
    assert kiosk.check_pin("1111")


def test_after_a_lockout_there_are_five_tries_again(kiosk: KioskService, clock: FakeClock) -> None:
    kiosk.set_pin("1111")
    for _ in range(4):
        kiosk.check_pin("0000")
    with pytest.raises(KioskLocked):
        kiosk.check_pin("0000")
    clock.advance(seconds=30)

    for _ in range(4):
        assert kiosk.check_pin("0000") is False
    with pytest.raises(KioskLocked):
        kiosk.check_pin("0000")


def test_changing_the_pin_is_no_way_round_the_lockout(
    desk: Desk, kiosk: KioskService, clock: FakeClock
) -> None:
    kiosk.set_pin("1111")
    before = stored(desk)
    for _ in range(4):
        with pytest.raises(UserError, match="not right"):
            kiosk.set_pin("2222", current="0000")
    with pytest.raises(KioskLocked):
        kiosk.set_pin("2222", current="0000")
    with pytest.raises(KioskLocked):
        kiosk.set_pin("2222", current="1111")

    assert stored(desk) == before


def test_a_damaged_setting_matches_no_pin_and_can_be_replaced(
    desk: Desk, kiosk: KioskService
) -> None:
    with desk.db.transaction() as s:
        s.add(Setting(key=PIN_SETTING, value="not a hash"))

    assert kiosk.has_pin()
    assert kiosk.check_pin("1234") is False
    kiosk.set_pin("1234")
    assert kiosk.check_pin("1234") is True


def test_setting_and_changing_are_audited_without_the_pin(desk: Desk, kiosk: KioskService) -> None:
    kiosk.set_pin("5555")
    kiosk.set_pin("6666", current="5555")

    with desk.db.session() as s:
        entries = list(
            s.execute(
                select(AuditEntry.action, AuditEntry.detail)
                .where(AuditEntry.entity_id == PIN_SETTING)
                .order_by(AuditEntry.at, AuditEntry.id)
            )
        )
    assert [action for action, _ in entries] == ["kiosk PIN set", "kiosk PIN changed"]
    assert not any("5555" in detail or "6666" in detail for _, detail in entries)


def test_the_desk_carries_a_kiosk_service(desk: Desk) -> None:
    desk.kiosk.set_pin("7777")
    assert desk.kiosk.check_pin("7777")


# ---- each priority in plain words for parents ------------------------------------------------


def test_the_seeded_priorities_have_easy_read_words_a_parent_can_follow(desk: Desk) -> None:
    from engagement_desk.services.programmes import EASY_READ_LENGTH

    priorities = desk.programmes.current().priorities
    assert [p.title for p in priorities][3] == "Communities prevent escalation"
    assert priorities[3].plain_words == "Local groups and neighbours help before things get hard."
    for priority in priorities:
        assert priority.easy_read and priority.easy_read != priority.title
        assert len(priority.easy_read) <= EASY_READ_LENGTH
        assert priority.easy_read.endswith(".")


def test_staff_change_the_easy_read_words_and_empty_words_show_the_title(desk: Desk) -> None:
    from engagement_desk.services.errors import NotFound, ValidationFailed
    from tests.unit.conftest import venue_event

    event_id = desk.events.create(venue_event()).id
    first = desk.programmes.current().priorities[0]
    changed = desk.programmes.set_easy_read(first.id, "  Good  schools\nnear home. ")
    assert changed.easy_read == "Good schools near home."
    [seen, *_] = desk.voices.capture_settings(event_id).priorities
    assert seen.plain_words == "Good schools near home."

    with pytest.raises(ValidationFailed) as refused:
        desk.programmes.set_easy_read(first.id, "word " * 40)
    assert refused.value.problems[0].field == "easy_read"
    assert "160 characters or fewer" in str(refused.value)
    assert desk.programmes.current().priorities[0].easy_read == "Good schools near home."
    with pytest.raises(NotFound):
        desk.programmes.set_easy_read("no-such-priority", "Words")

    desk.programmes.set_easy_read(first.id, "")
    assert desk.programmes.current().priorities[0].plain_words == first.title


def test_a_database_from_before_easy_read_gets_the_words_for_its_seeded_priorities(
    tmp_path: Path,
) -> None:
    from alembic import command
    from alembic.config import Config

    from engagement_desk.db.database import MIGRATIONS, Database
    from engagement_desk.services.programmes import SEED_EASY_READ, ProgrammeService

    path = tmp_path / "desk.sqlite3"
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    old = Database(f"sqlite:///{path.as_posix()}")
    with old.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0006_outbox")
        connection.execute(
            text(
                "INSERT INTO programme (id, name, area, forum_name, description, "
                "suppression_threshold, retention_months, created_at) "
                "VALUES ('p', 'Bury', 'Bury', 'Forum', '', 5, 12, '2026-01-01 00:00:00')"
            )
        )
        for position, title in enumerate(
            ["Earlier help and prevention", "A priority staff added"], start=1
        ):
            connection.execute(
                text(
                    "INSERT INTO priority (id, programme_id, position, title, description) "
                    "VALUES (:id, 'p', :position, :title, '')"
                ),
                {"id": f"r{position}", "position": position, "title": title},
            )
    old.dispose()

    db = Database.open(f"sqlite:///{path.as_posix()}", backups_dir=tmp_path / "backups")
    try:
        [seeded, added] = ProgrammeService(db).current().priorities
    finally:
        db.dispose()
    assert seeded.easy_read == SEED_EASY_READ[2]
    assert added.easy_read == "" and added.plain_words == "A priority staff added"
