"""Schema migrations (Alembic); `workshop.schema.prepare` runs them on opening a database."""
