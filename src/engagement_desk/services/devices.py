"""This laptop's identity: a stable id and a name people recognise.

The id says which laptop captured each row, so a bundle can carry what this laptop
captured. Losing it would strand those rows, so the identity file is written atomically
(a temporary file synced, then renamed over it) with a backup copy beside it. If the file
is damaged or gone, the id comes back from the backup copy, or else from the laptop's own
database (the devices in its own audit log), loudly logged. Only when neither has it does
a damaged file become a new identity, and then only when asked to (``start_afresh``):
the CLI refuses with a plain message, the GUI asks first.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import event, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import ORMExecuteState, Session

from engagement_desk.db.database import Database
from engagement_desk.db.models import AuditEntry, Device
from engagement_desk.db.types import utcnow
from engagement_desk.services.errors import UserError

log = logging.getLogger(__name__)

_NOTED = "engagement_desk.device_noted"
# Audit entries naming another laptop whose bundle was merged here: not this laptop.
_FOREIGN_DEVICE_ACTIONS = ("device bundle merged",)


@dataclass(frozen=True)
class DeviceIdentity:
    id: str
    name: str


class IdentityLost(UserError):
    """The identity file is damaged and nothing else remembers this laptop's id."""


def backup_copy_of(path: Path) -> Path:
    return path.with_name(f"{path.stem}.backup{path.suffix}")


def load_or_create_device(
    path: Path,
    *,
    create: bool = True,
    db: Database | None = None,
    start_afresh: bool = False,
) -> DeviceIdentity:
    """This laptop's identity, created on first run and recovered if damaged (see module).

    ``create=False`` (only reading): nothing is written, and when nothing remembers the
    identity a passing one is returned. ``start_afresh``: the user agreed that a damaged
    file with nothing to recover from becomes a new identity.
    """
    backup = backup_copy_of(path)
    found, damaged = _read(path)
    if found is not None:
        if create and _read(backup)[0] != found:
            _write_quietly(backup, found)
        return found
    from_backup, backup_damaged = _read(backup)
    if from_backup is not None:
        log.warning(
            "IDENTITY RECOVERED: %s was %s; this laptop keeps its id %s from the backup copy %s",
            path,
            "damaged" if damaged else "missing",
            from_backup.id,
            backup,
        )
        if create:
            _write_quietly(path, from_backup)
        return from_backup
    from_database = _from_database(db) if db is not None else None
    if from_database is not None:
        log.warning(
            "IDENTITY RECOVERED: %s and its backup copy were %s; this laptop keeps its id %s "
            "from its own database",
            path,
            "damaged" if damaged or backup_damaged else "missing",
            from_database.id,
        )
        if create:
            _write_quietly(path, from_database)
            _write_quietly(backup, from_database)
        return from_database
    identity = DeviceIdentity(id=str(uuid.uuid4()), name=_default_name())
    if not create:
        return identity
    if (damaged or backup_damaged) and not start_afresh:
        raise IdentityLost(
            f"This laptop's identity file {path} is damaged, and neither its backup copy nor "
            "this laptop's database remembers which laptop this is. Anything captured here "
            "under the old identity would not go into the next bundle. If this laptop has "
            "captured nothing that has not reached the office, move the damaged file aside "
            "(rename it) and start again to become a new laptop; otherwise restore the file "
            "from a backup first. Nothing was changed."
        )
    if damaged or backup_damaged:
        log.warning("IDENTITY REPLACED: %s was damaged; this laptop is now %s", path, identity.id)
    write_identity(path, identity)
    return identity


def write_identity(path: Path, identity: DeviceIdentity) -> None:
    """Write the identity file and its backup copy, each atomically and synced."""
    for target in (path, backup_copy_of(path)):
        _write_atomically(target, identity)


def _default_name() -> str:
    return (platform.node() or "This laptop")[:100]


def _read(path: Path) -> tuple[DeviceIdentity | None, bool]:
    """The identity in ``path``, and whether a file was there but unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, False
    except (OSError, UnicodeDecodeError):
        return None, True
    try:
        data = json.loads(text)
        return DeviceIdentity(id=str(uuid.UUID(data["id"])), name=str(data["name"])[:100]), False
    except (ValueError, KeyError, TypeError, AttributeError):
        return None, True


def _write_atomically(target: Path, identity: DeviceIdentity) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.partial")
    try:
        with temporary.open("w", encoding="utf-8") as file:
            json.dump({"id": identity.id, "name": identity.name}, file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    if os.name == "posix":
        folder = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def _write_quietly(target: Path, identity: DeviceIdentity) -> None:
    """Repair a copy; a failure is logged, not fatal (the identity itself is known)."""
    try:
        _write_atomically(target, identity)
    except OSError as exc:
        log.warning("could not write the identity file %s: %s", target, exc)


def _from_database(db: Database) -> DeviceIdentity | None:
    """The laptop that has been working on this database, from its own audit log.

    On a SQLite file (one laptop's own) the newest of the devices in its audit log; on a
    shared server only if a single device ever wrote there (otherwise it cannot tell).
    """
    try:
        with db.session() as s:
            actors = _actors(s)
            if not actors or (not db.is_sqlite and len(actors) > 1):
                return None
            device_id = actors[0]
            row = s.get(Device, device_id)
            name = row.name if row is not None else _default_name()
    except SQLAlchemyError as exc:
        log.warning("could not look for this laptop's identity in the database: %s", exc)
        return None
    try:
        return DeviceIdentity(id=str(uuid.UUID(device_id)), name=name[:100])
    except ValueError:
        return None


def _actors(s: Session) -> list[str]:
    """Devices in this database's own audit log, newest first (never a merged laptop)."""
    foreign = select(AuditEntry.entity_id).where(AuditEntry.action.in_(_FOREIGN_DEVICE_ACTIONS))
    return list(
        s.scalars(
            select(AuditEntry.device_id)
            .where(AuditEntry.device_id.not_in(foreign))
            .group_by(AuditEntry.device_id)
            .order_by(func.max(AuditEntry.at).desc(), AuditEntry.device_id)
        )
    )


def own_device_ids(s: Session, me: str) -> set[str]:
    """Every id this laptop has had: its id now and the devices in its own audit log."""
    return {me, *_actors(s)}


class DeviceService:
    def __init__(self, db: Database, device: DeviceIdentity) -> None:
        self._db = db
        self.device = device
        self._noted = False

    def record_on_writes(self) -> None:
        """Note this laptop (its name, when last seen) with the first change it saves.

        Opening the database, or only reading it, writes nothing: the note rides along in
        the first transaction of this run that changes something, and is kept only if that
        transaction commits.
        """
        event.listen(self._db.session, "before_flush", self._before_flush)
        event.listen(self._db.session, "do_orm_execute", self._on_execute)
        event.listen(self._db.session, "after_commit", self._after_commit)
        event.listen(self._db.session, "after_rollback", self._after_rollback)

    def _before_flush(self, session: Session, _context: object, _instances: object) -> None:
        if session.new or session.dirty or session.deleted:
            self._note(session)

    def _on_execute(self, state: ORMExecuteState) -> None:
        if state.is_insert or state.is_update or state.is_delete:
            self._note(state.session)

    def _after_commit(self, session: Session) -> None:
        if session.info.pop(_NOTED, False):
            self._noted = True

    def _after_rollback(self, session: Session) -> None:
        session.info.pop(_NOTED, None)

    def _note(self, session: Session) -> None:
        if self._noted or session.info.get(_NOTED):
            return
        session.info[_NOTED] = True
        pending = [o for o in session.new if isinstance(o, Device) and o.id == self.device.id]
        if pending:
            return
        with session.no_autoflush:
            row = session.get(Device, self.device.id)
        if row is None:
            session.add(Device(id=self.device.id, name=self.device.name))
        else:
            row.name = self.device.name
            row.last_seen = utcnow()

    def announce(self) -> None:
        """Record that this laptop has used this database (names in merged data make sense)."""
        with self._db.session() as s, s.begin():
            row = s.get(Device, self.device.id)
            if row is None:
                s.add(Device(id=self.device.id, name=self.device.name))
            else:
                row.name = self.device.name
                row.last_seen = utcnow()

    def name_of(self, device_id: str) -> str:
        with self._db.session() as s:
            row = s.get(Device, device_id)
            return row.name if row else "another laptop"
