"""This laptop's identity: a stable id and a name people recognise."""

from __future__ import annotations

import json
import platform
import uuid
from dataclasses import dataclass
from pathlib import Path

from engagement_desk.db.database import Database
from engagement_desk.db.models import Device
from engagement_desk.db.types import utcnow


@dataclass(frozen=True)
class DeviceIdentity:
    id: str
    name: str


def load_or_create_device(path: Path) -> DeviceIdentity:
    """Read the device file, creating it on first run; a damaged file is replaced."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return DeviceIdentity(id=str(uuid.UUID(data["id"])), name=str(data["name"])[:100])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    identity = DeviceIdentity(id=str(uuid.uuid4()), name=platform.node() or "This laptop")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"id": identity.id, "name": identity.name}), encoding="utf-8")
    return identity


class DeviceService:
    def __init__(self, db: Database, device: DeviceIdentity) -> None:
        self._db = db
        self.device = device

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
