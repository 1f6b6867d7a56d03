"""Database engine, sessions and migrations (SQLite by default, PostgreSQL by URL)."""
