"""This laptop's identity: a stable id and a name people recognise."""

from __future__ import annotations

import json
import platform
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from engagement_desk.db.database import Database
from engagement_desk.db.models import Device
from engagement_desk.db.types import utcnow

_NOTED = "engagement_desk.device_noted"


@dataclass(frozen=True)
class DeviceIdentity:
    id: str
    name: str


def load_or_create_device(path: Path, *, create: bool = True) -> DeviceIdentity:
    """Read the device file, creating it on first run; a damaged file is replaced.

    ``create=False`` (only reading): a missing file gives a passing identity, not written.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return DeviceIdentity(id=str(uuid.UUID(data["id"])), name=str(data["name"])[:100])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    identity = DeviceIdentity(id=str(uuid.uuid4()), name=platform.node() or "This laptop")
    if not create:
        return identity
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"id": identity.id, "name": identity.name}), encoding="utf-8")
    return identity


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
