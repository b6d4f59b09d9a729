"""person field changes: when each of a person's details was last changed, and where

Revision ID: 0008_person_field_changes
Revises: 0007_priority_easy_read
Create Date: 2026-12-03 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_person_field_changes"
down_revision = "0007_priority_easy_read"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # People already here have no recorded changes: their details are as they were made.
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("field_changes", sa.JSON(), server_default="{}", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("field_changes")
