"""erasure tombstones: the id and time of each person erased, so no merge brings them back

Revision ID: 0005_erasure_tombstones
Revises: 0004_one_admission_per_ticket
Create Date: 2026-12-02 13:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_erasure_tombstones"
down_revision = "0004_one_admission_per_ticket"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tombstone",
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("erased_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_tombstone")),
    )


def downgrade() -> None:
    op.drop_table("tombstone")
