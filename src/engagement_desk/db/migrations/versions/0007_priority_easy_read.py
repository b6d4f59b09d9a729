"""priority easy-read words: each priority in plain words for parents at the kiosk

Revision ID: 0007_priority_easy_read
Revises: 0006_outbox
Create Date: 2026-12-02 13:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_priority_easy_read"
down_revision = "0006_outbox"
branch_labels = None
depends_on = None

# The five seeded priorities (by their unchanged titles) get the seed's easy-read words; a
# priority staff renamed or added keeps '' and shows its title until staff write some.
_SEEDED = {
    "Live, learn and grow up locally": (
        "Children do well at nursery, school and college close to home."
    ),
    "Families' voices shape services": (
        "Families are listened to and help decide how services work."
    ),
    "Earlier help and prevention": "Help comes early, before problems get bigger.",
    "Communities prevent escalation": ("Local groups and neighbours help before things get hard."),
    "Invest where need is greatest": (
        "More local help for autism, speech and mental health, and in mainstream school."
    ),
}


def upgrade() -> None:
    with op.batch_alter_table("priority", schema=None) as batch_op:
        batch_op.add_column(sa.Column("easy_read", sa.Text(), server_default="", nullable=False))
    priority = sa.table("priority", sa.column("title", sa.String), sa.column("easy_read", sa.Text))
    bind = op.get_bind()
    for title, words in _SEEDED.items():
        bind.execute(
            priority.update()
            .where(priority.c.title == title, priority.c.easy_read == "")
            .values(easy_read=words)
        )


def downgrade() -> None:
    with op.batch_alter_table("priority", schema=None) as batch_op:
        batch_op.drop_column("easy_read")
