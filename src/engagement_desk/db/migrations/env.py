"""Alembic environment: migrations always run on a connection the app hands over."""

from __future__ import annotations

from alembic import context

from engagement_desk.db.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only the developer's autogenerate path
    from sqlalchemy import create_engine

    url = context.config.get_main_option("sqlalchemy.url") or "sqlite://"
    connection = create_engine(url).connect()

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
