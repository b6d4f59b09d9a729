"""one admission per ticket: at most one live check-in per registration

Revision ID: 0004_one_admission_per_ticket
Revises: 0003_person_search_index
Create Date: 2026-12-02 13:30:00.000000

Before this, two doors (or two laptops on one server) could both admit the same ticket. A
database made then may hold such pairs: the earliest check-in of each registration stays
live, the later ones are set aside as undone (at the moment of migrating, by the laptop that
made them) and each is written to the audit log, so nothing is deleted and the door counts
become right.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0004_one_admission_per_ticket"
down_revision = "0003_person_search_index"
branch_labels = None
depends_on = None

INDEX = "uq_check_in_live_registration"

check_in = sa.table(
    "check_in",
    sa.column("id", sa.String),
    sa.column("device_id", sa.String),
    sa.column("registration_id", sa.String),
    sa.column("checked_in_at", sa.DateTime),
    sa.column("undone_at", sa.DateTime),
    sa.column("undone_by_device", sa.String),
)
audit_entry = sa.table(
    "audit_entry",
    sa.column("id", sa.String),
    sa.column("at", sa.DateTime),
    sa.column("device_id", sa.String),
    sa.column("action", sa.String),
    sa.column("entity", sa.String),
    sa.column("entity_id", sa.String),
    sa.column("detail", sa.Text),
)


def upgrade() -> None:
    bind = op.get_bind()
    doubled = (
        sa.select(check_in.c.registration_id)
        .where(check_in.c.undone_at.is_(None))
        .group_by(check_in.c.registration_id)
        .having(sa.func.count() > 1)
    )
    live = bind.execute(
        sa.select(check_in.c.id, check_in.c.device_id, check_in.c.registration_id)
        .where(check_in.c.undone_at.is_(None), check_in.c.registration_id.in_(doubled))
        .order_by(check_in.c.registration_id, check_in.c.checked_in_at, check_in.c.id)
    ).all()
    # Stored as the app stores times: naive UTC.
    now = datetime.now(UTC).replace(tzinfo=None)
    kept: dict[str, str] = {}
    for row in live:
        first = kept.setdefault(row.registration_id, row.id)
        if first == row.id:
            continue
        bind.execute(
            check_in.update()
            .where(check_in.c.id == row.id)
            .values(undone_at=now, undone_by_device=row.device_id)
        )
        bind.execute(
            audit_entry.insert().values(
                id=str(uuid.uuid4()),
                at=now,
                device_id=row.device_id,
                action="duplicate admission set aside",
                entity="check_in",
                entity_id=row.id,
                detail=(
                    f"A second live check-in of registration {row.registration_id}; the "
                    f"earliest ({first}) was kept when one admission per ticket became a rule."
                ),
            )
        )
    with op.batch_alter_table("check_in", schema=None) as batch_op:
        batch_op.create_index(
            INDEX,
            ["registration_id"],
            unique=True,
            sqlite_where=sa.text("undone_at IS NULL"),
            postgresql_where=sa.text("undone_at IS NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("check_in", schema=None) as batch_op:
        batch_op.drop_index(INDEX)
