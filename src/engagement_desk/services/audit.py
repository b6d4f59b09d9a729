"""The audit log: who did what, from which laptop. Written inside the caller's transaction."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engagement_desk.db.models import AuditEntry


def record(
    session: Session, device_id: str, action: str, entity: str, entity_id: str, detail: str = ""
) -> None:
    session.add(
        AuditEntry(
            device_id=device_id, action=action, entity=entity, entity_id=entity_id, detail=detail
        )
    )
