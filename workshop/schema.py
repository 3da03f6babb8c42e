"""The database's schema version, and bringing an older database up to date when the app opens it.

Every database carries its schema version in Alembic's `alembic_version` table. A new database
gets the whole schema at once and is marked as up to date; one written by an older release is
migrated (workshop/migrations/versions), in one transaction that other app processes wait for. A
database from before schema versions existed is taken as the first release and migrated from
there: each migration looks before it changes, because those releases created tables one by one.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool
from sqlmodel import SQLModel, create_engine

from workshop import models  # noqa: F401 - registers the tables on SQLModel.metadata

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
FIRST_RELEASE = "0001"
_PG_LOCK = 7_201_851  # any constant: the advisory lock migrating app processes queue on


class NewerDatabase(RuntimeError):
    """The database was written by a newer release than this one."""


def config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


@cache
def head() -> str:
    return ScriptDirectory.from_config(config()).get_current_head()


@cache
def known_revisions() -> frozenset[str]:
    return frozenset(s.revision for s in ScriptDirectory.from_config(config()).walk_revisions())


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def prepare(engine: Engine) -> None:
    """Create or migrate the schema so that it is this release's."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        SQLModel.metadata.create_all(engine)  # a fresh database every time
        return
    with engine.connect() as connection:  # the usual case, without waiting for any lock
        if current_revision(connection) == head():
            return
    if url.get_backend_name() == "sqlite":
        migrating = _sqlite_migration_engine(url)
        try:
            with migrating.begin() as connection:  # BEGIN IMMEDIATE: one process at a time
                _bring_up_to_date(connection)
        finally:
            migrating.dispose()
        return
    with engine.begin() as connection:
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
        _bring_up_to_date(connection)


def _bring_up_to_date(connection: Connection) -> None:
    current = current_revision(connection)
    if current == head():
        return
    if current is not None and current not in known_revisions():
        raise NewerDatabase(
            f"This database was written by a newer release of Ideal Lead Workshop (schema "
            f"{current}; this release knows up to {head()}). Update the app, or point "
            "DATABASE_URL at another database.")
    cfg = config(connection)
    if current is None and not inspect(connection).has_table("workshop"):
        SQLModel.metadata.create_all(connection)
        command.stamp(cfg, "head")
        return
    if current is None:
        command.stamp(cfg, FIRST_RELEASE)
    command.upgrade(cfg, "head")


def _sqlite_migration_engine(url) -> Engine:
    """Its own connection for migrating: foreign keys off (tables are rebuilt to change them)
    and the whole migration, DDL included, in one transaction that holds the write lock."""
    engine = create_engine(url, poolclass=NullPool, connect_args={"timeout": 60})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # pysqlite leaves transactions to us
        dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        dbapi_connection.execute("PRAGMA busy_timeout=60000")

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
