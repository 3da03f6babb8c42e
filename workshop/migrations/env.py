"""Alembic's entry point: migrations run on the connection `workshop.schema` hands over."""
from alembic import context
from sqlmodel import SQLModel

from workshop import models  # noqa: F401 - registers the tables on SQLModel.metadata

context.configure(connection=context.config.attributes["connection"],
                  target_metadata=SQLModel.metadata, render_as_batch=True,
                  transaction_per_migration=False)
with context.begin_transaction():
    context.run_migrations()
