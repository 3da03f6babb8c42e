"""The engine: SQLite by default (WAL, busy timeout, shared across threads), PostgreSQL by URL."""
from __future__ import annotations

import re
import warnings
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import event
from sqlalchemy import types as sqltypes
from sqlalchemy.dialects.sqlite import DATETIME as SQLITE_DATETIME
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from workshop import models  # noqa: F401 - registers the tables on SQLModel.metadata
from workshop.schema import prepare
from workshop.settings import database_url


def make_engine(url: str | None = None) -> Engine:
    url = url or database_url()
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        # SQLite keeps a moment as any text: one the app never writes must not fail a page.
        engine.dialect.colspecs = {**engine.dialect.colspecs,
                                   sqltypes.DateTime: _LenientSQLiteDateTime}
    else:
        engine = create_engine(url, pool_pre_ping=True)
    prepare(engine)  # creates a new database, migrates one written by an older release
    return engine


class _LenientSQLiteDateTime(SQLITE_DATETIME):
    """SQLite's moments read as SQLAlchemy writes them, and also as people and other tools
    write them ("2026-12-07T08:59:17Z", "12/07/2026 09:15", 1765097957): a moment edited by
    hand or by another program in an odd format reads as what it says, never an error; text
    that says no moment at all reads as missing."""

    def result_processor(self, dialect, coltype):
        strict = super().result_processor(dialect, coltype)

        def process(value):
            if value is None:
                return None
            try:
                return strict(value)
            except (ValueError, TypeError):
                return odd_moment(value)
        return process


def odd_moment(value: object) -> datetime | None:
    """A moment written in a format the app does not write, as naive UTC, or None."""
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, int | float) or (isinstance(value, str)
                                              and re.fullmatch(r"\s*\d{9,13}(\.\d+)?\s*", value)):
            seconds = float(value)
            seconds = seconds / 1000 if seconds > 1e11 else seconds  # milliseconds
            return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        with warnings.catch_warnings():  # "could not infer format": it is read all the same
            warnings.simplefilter("ignore")
            moment = pd.to_datetime(str(value).strip(), utc=True)
    except (ValueError, TypeError, OverflowError, OSError):
        return None
    if pd.isna(moment):
        return None
    return moment.to_pydatetime().replace(tzinfo=None)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def session(engine: Engine) -> Session:
    return Session(engine, expire_on_commit=False)
