"""people search: a folded search column on person; indexes for privacy look-ups

Revision ID: 0002_people_search
Revises: 0001_initial
Create Date: 2026-11-28 15:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from engagement_desk.core.people import search_text

revision = "0002_people_search"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("search_text", sa.String(length=600), server_default="", nullable=False)
        )
    # People already here become searchable too.
    person = sa.table(
        "person",
        sa.column("id", sa.String),
        sa.column("full_name", sa.String),
        sa.column("email", sa.String),
        sa.column("search_text", sa.String),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(person.c.id, person.c.full_name, person.c.email)).all()
    if rows:
        bind.execute(
            person.update()
            .where(person.c.id == sa.bindparam("person_id"))
            .values(search_text=sa.bindparam("text")),
            [{"person_id": r.id, "text": search_text(r.full_name, r.email)} for r in rows],
        )
    # Export and erasure find a person's comments, questions and responses by registration.
    for table in ("comment", "question", "response"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(
                batch_op.f(f"ix_{table}_registration_id"), ["registration_id"], unique=False
            )


def downgrade() -> None:
    for table in ("response", "question", "comment"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_registration_id"))
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("search_text")
