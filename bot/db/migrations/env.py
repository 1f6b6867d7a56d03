"""Alembic environment: runs on the connection handed over by ``bot.db.migrate``."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through bot.db.migrate.upgrade (python -m bot migrate)")

# render_as_batch lets ALTER-style migrations run on SQLite as well as PostgreSQL.
context.configure(connection=connection, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
