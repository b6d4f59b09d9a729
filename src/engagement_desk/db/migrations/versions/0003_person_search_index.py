"""person search index: the People list walks it in name order and stops at the first matches

Revision ID: 0003_person_search_index
Revises: 0002_people_search
Create Date: 2026-11-28 15:05:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0003_person_search_index"
down_revision = "0002_people_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Search-as-you-type matches LIKE '%text%' on the folded name and email. A substring
    # cannot use an index to seek, but scanning this narrow index in order (instead of the
    # wide person table, then sorting) finds the first 200 matches of a common name at once
    # and checks all 50,000 people for a rare one in a few milliseconds.
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_search_text"), ["search_text"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_search_text"))
