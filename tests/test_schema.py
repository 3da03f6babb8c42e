"""The schema version and migrations: a database written by an older release opens in this one.

`tests/fixtures/first-release.sqlite` was written by the first release (see
tests/fixtures/make_first_release_db.py): no join codes, uploads, sign-offs, wall links or agenda,
and no schema version. On PostgreSQL the same rows are put into the first release's schema
(migration 0001) before the app opens the database.
"""
from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

from tests.conftest import sqlalchemy_url
from tests.test_pages import new_app, texts
from workshop import schema, store
from workshop.db import make_engine, session
from workshop.definition import Definition
from workshop.migrations import helpers

FIXTURE = Path(__file__).parent / "fixtures" / "first-release.sqlite"
FIRST_RELEASE_TABLES = ("workshop", "participant", "draft", "shareddefinition")
FINISHED, DRAFTING = "b39urnyo5v", "68yyd0vxzo"  # the fixture's two workshops (and "demo")


def raw_engine(url: str) -> sa.Engine:
    """An engine that does not touch the schema (make_engine would migrate it)."""
    return sa.create_engine(sqlalchemy_url(url))


def differences(url: str) -> list:
    engine = raw_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, SQLModel.metadata)
    finally:
        engine.dispose()


def revision_of(url: str) -> str | None:
    engine = raw_engine(url)
    try:
        with engine.connect() as connection:
            return schema.current_revision(connection)
    finally:
        engine.dispose()


def migrate_to(url: str, revision: str) -> None:
    engine = raw_engine(url)
    try:
        with engine.begin() as connection:
            command.upgrade(schema.config(connection), revision)
    finally:
        engine.dispose()


def first_release_database(url: str) -> None:
    """The fixture's database at `url`: the file itself on SQLite; on PostgreSQL the first
    release's schema with the fixture's rows copied in, and no schema version."""
    if url.startswith("sqlite"):
        shutil.copy(FIXTURE, url.split("///", 1)[1])
        return
    source, target = raw_engine(f"sqlite:///{FIXTURE}"), raw_engine(url)
    try:
        with target.begin() as connection:
            command.upgrade(schema.config(connection), schema.FIRST_RELEASE)
            connection.execute(sa.text("DROP TABLE alembic_version"))
        old = sa.MetaData()
        old.reflect(target, only=FIRST_RELEASE_TABLES)
        with source.connect() as reading, target.begin() as writing:
            for name in FIRST_RELEASE_TABLES:
                rows = [dict(row._mapping) for row in reading.execute(sa.text(
                    f"SELECT * FROM {name}"))]
                for row in rows:  # SQLite hands booleans and datetimes back as it stored them
                    for column in old.tables[name].columns:
                        if isinstance(column.type, sa.Boolean) and row[column.name] is not None:
                            row[column.name] = bool(row[column.name])
                writing.execute(old.tables[name].insert(), rows)
            for name in ("participant", "draft"):  # serial ids continue after the copied ones
                writing.execute(sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT max(id) FROM {name}))"))
    finally:
        source.dispose()
        target.dispose()


def tokens(engine, workshop_id: str) -> dict[str, str]:
    with engine.connect() as connection:
        return {role: token for role, token in connection.execute(sa.text(
            "SELECT role, token FROM participant WHERE workshop_id = :w"), {"w": workshop_id})}


# --- a new database ----------------------------------------------------------------------------

def test_a_new_database_carries_the_latest_schema_version(database_url):
    engine = make_engine(sqlalchemy_url(database_url))
    engine.dispose()
    assert revision_of(database_url) == schema.head() == "0011"
    assert differences(database_url) == []


def test_the_migrations_alone_build_the_schema_the_app_expects(database_url):
    migrate_to(database_url, "0010")
    missing = differences(database_url)  # the comparison does see the last release's changes
    assert sorted((d[0], d[2], d[3].name) for d in missing) == [
        ("add_column", "participant", "turn_pin"),
        ("add_column", "participant", "turn_pin_misses")]
    migrate_to(database_url, "head")
    assert differences(database_url) == []


def test_the_0009_migration_builds_its_part(database_url):
    migrate_to(database_url, "0008")
    missing = differences(database_url)  # the comparison does see the last release's changes
    missing = [d for d in missing if d[0] != "add_column"  # 0010's and 0011's
               or d[2] not in ("workshop", "participant")]
    columns = {(d[2], d[3].name) for d in missing if d[0] == "add_column"}
    assert columns == {("proposal", "decisions_json"), ("version", "decisions_json")}
    tables = sorted((d[0], d[1].name) for d in missing if d[0].endswith("_table"))
    assert tables == [("add_table", "objectiondraft")]
    assert len(missing) == len(columns) + len(tables)
    migrate_to(database_url, "head")
    assert differences(database_url) == []


def test_versions_signed_before_0009_keep_the_decision_notes_known_then(database_url):
    migrate_to(database_url, "0008")
    engine = raw_engine(database_url)
    try:
        with engine.begin() as c:
            c.execute(sa.text(
                "INSERT INTO workshop (id, title, company, facilitator_name, facilitator_token, "
                "join_code, auto_reveal, is_demo, created_at) VALUES ('w1', 'T', 'Acme', "
                "'Fay', 'tok', 'ABC234', false, false, CURRENT_TIMESTAMP)"))
            c.execute(sa.text(
                "INSERT INTO proposal (id, workshop_id, number, shared_revision, "
                "definition_json, figures_json, source, status, proposed_at) VALUES "
                "(1, 'w1', 1, 3, '{}', '', '', 'signed', CURRENT_TIMESTAMP)"))
            c.execute(sa.text(
                "INSERT INTO version (workshop_id, number, proposal_id, definition_json, "
                "signatories_json, signed_at) VALUES ('w1', 1, 1, '{}', '[]', "
                "CURRENT_TIMESTAMP)"))
            for question, note in (("industry", "Healthcare first"), ("budget", "  ")):
                c.execute(sa.text(
                    "INSERT INTO discussionpoint (workshop_id, question, open, note, "
                    "revision, updated_at) VALUES ('w1', :q, false, :n, 1, "
                    "CURRENT_TIMESTAMP)"), {"q": question, "n": note})
        migrate_to(database_url, "head")
        with engine.connect() as c:
            kept = [row[0] for row in c.execute(sa.text(
                "SELECT decisions_json FROM proposal UNION ALL "
                "SELECT decisions_json FROM version"))]
    finally:
        engine.dispose()
    assert [json.loads(k) for k in kept] == [{"industry": "Healthcare first"}] * 2


# --- a database written by an older release ----------------------------------------------------

def test_the_first_release_database_has_no_schema_version_yet(database_url):
    first_release_database(database_url)
    assert revision_of(database_url) is None
    assert any(d[0] == "add_table" for d in differences(database_url))


def test_a_first_release_database_is_migrated_when_the_app_opens_it(database_url):
    first_release_database(database_url)
    engine = make_engine(sqlalchemy_url(database_url))
    try:
        assert revision_of(database_url) == schema.head()
        assert differences(database_url) == []
        with session(engine) as s:
            check_first_release_data(engine, s)
    finally:
        engine.dispose()


def check_first_release_data(engine, s) -> None:
    """Everything the first release saved reads back through today's store."""
    listed = {w.id: w for w in store.list_workshops(s)}
    assert {FINISHED, DRAFTING, "demo"} <= set(listed)
    assert listed[FINISHED].company == "Lumen <b>Ledger</b>"
    assert listed[FINISHED].revealed and listed[FINISHED].agreed  # the agreement it recorded
    assert not listed[DRAFTING].revealed

    finished = tokens(engine, FINISHED)
    drafts = store.revealed_drafts(s, FINISHED, finished["marketing"])
    assert len(drafts) == 3  # the facilitator's, Priya's and Sam's
    assert all(not d.is_empty() for d in drafts.values())
    shared = store.shared_state(s, FINISHED, finished["facilitator"])
    assert shared.revision == 2 and not shared.definition.is_empty()
    assert shared.decisions == {"industry": "sales", "budget": "sales"}

    drafting = tokens(engine, DRAFTING)
    mine, revision, done = store.my_draft(s, DRAFTING, drafting["marketing"])
    assert revision == 1 and not done and not mine.is_empty()
    with pytest.raises(store.Locked):  # nobody peeks, also in a migrated database
        store.revealed_drafts(s, DRAFTING, drafting["marketing"])

    # What the first release did not have works for its workshops: a join code, join links.
    codes = set()
    for workshop_id in (FINISHED, DRAFTING, "demo"):
        invitations = store.invitations(s, workshop_id, tokens(engine, workshop_id)["facilitator"])
        assert store.normalise_join_code(invitations.join_code) == invitations.join_code
        assert set(invitations.secrets) == {"marketing", "sales"}
        codes.add(invitations.join_code)
    assert len(codes) == 3
    code = store.invitations(s, DRAFTING, drafting["facilitator"]).join_code
    _, joined = store.join_with_code(s, code, "sales", "Sven", client="test")
    assert store.my_draft(s, DRAFTING, joined)[0] == Definition()


def test_a_database_mixed_from_releases_before_schema_versions_is_completed(database_url):
    """Releases before schema versions only created missing tables: a first-release database
    opened by such a release has the new tables but still no join codes."""
    first_release_database(database_url)
    engine = raw_engine(database_url)
    later = [SQLModel.metadata.tables[n] for n in ("proposal", "signoff", "version", "walllink")]
    SQLModel.metadata.create_all(engine, tables=later)
    engine.dispose()
    migrated = make_engine(sqlalchemy_url(database_url))
    try:
        assert revision_of(database_url) == schema.head()
        assert differences(database_url) == []
        with session(migrated) as s:
            check_first_release_data(migrated, s)
    finally:
        migrated.dispose()


def test_app_processes_opening_an_old_database_at_once_migrate_it_once(database_url):
    first_release_database(database_url)
    engines, errors = [], []

    def open_it() -> None:
        try:
            engines.append(make_engine(sqlalchemy_url(database_url)))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        assert revision_of(database_url) == schema.head()
        with engines[0].connect() as connection:
            invites = connection.execute(sa.text(
                "SELECT workshop_id, role, count(*) FROM invite GROUP BY workshop_id, role"))
            assert {(w, r): n for w, r, n in invites} == {
                (w, r): 1 for w in (FINISHED, DRAFTING, "demo") for r in ("marketing", "sales")}
    finally:
        for engine in engines:
            engine.dispose()


def test_a_migration_that_fails_halfway_changes_nothing(database_url, monkeypatch):
    first_release_database(database_url)
    real = helpers.create_table

    def failing(name, *columns, **kwargs):
        if name == "walllink":  # after join codes, uploads and sign-off were added
            raise RuntimeError("the server went away")
        return real(name, *columns, **kwargs)

    monkeypatch.setattr(helpers, "create_table", failing)  # Alembic loads each migration anew
    with pytest.raises(RuntimeError, match="went away"):
        make_engine(sqlalchemy_url(database_url))
    assert revision_of(database_url) is None
    engine = raw_engine(database_url)
    try:
        inspector = sa.inspect(engine)
        assert set(inspector.get_table_names()) == set(FIRST_RELEASE_TABLES)
        assert "join_code" not in {c["name"] for c in inspector.get_columns("workshop")}
    finally:
        engine.dispose()
    monkeypatch.undo()
    engine = make_engine(sqlalchemy_url(database_url))  # the next start migrates it whole
    try:
        with session(engine) as s:
            check_first_release_data(engine, s)
    finally:
        engine.dispose()


def test_a_database_from_a_newer_release_is_refused_with_a_message(database_url):
    make_engine(sqlalchemy_url(database_url)).dispose()
    engine = raw_engine(database_url)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    with pytest.raises(schema.NewerDatabase, match="newer release of Ideal Lead Workshop"):
        make_engine(sqlalchemy_url(database_url))
    assert revision_of(database_url) == "0099"  # left as it was


# --- what a person sees ------------------------------------------------------------------------

def test_the_app_opens_a_first_release_database_and_lists_its_workshops(database_url,
                                                                         monkeypatch):
    first_release_database(database_url)
    monkeypatch.setenv("DATABASE_URL", database_url)
    at = new_app().run()
    assert not at.exception
    assert revision_of(database_url) == schema.head()
    engine = raw_engine(database_url)
    with engine.connect() as connection:
        keys = dict(connection.execute(sa.text("SELECT id, facilitator_token FROM workshop")).all())
    engine.dispose()
    for workshop_id in (FINISHED, DRAFTING):  # each opened once from its own link
        at.query_params["ws"], at.query_params["key"] = workshop_id, keys[workshop_id]
        at.switch_page("views/facilitator.py").run()
        assert not at.exception
    at.switch_page("views/home.py").run()
    assert not at.exception
    assert "Lumen <b>Ledger</b>" in texts(at) and "✏️ Drafting" in texts(at)


def test_the_app_says_when_the_database_is_from_a_newer_release(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'newer.db'}"
    make_engine(url).dispose()
    engine = raw_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", url)
    at = new_app().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        f"This database was written by a newer release of Ideal Lead Workshop (schema 0099; "
        f"this release knows up to {schema.head()}). Update the app, or point DATABASE_URL at "
        "another database."]


def test_the_app_says_when_the_database_server_cannot_be_reached(monkeypatch):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("DATABASE_URL", f"postgresql://ops:s3cret-pw@127.0.0.1:{port}/leads")
    at = new_app().run()
    assert not at.exception
    message = " ".join(e.value for e in at.error)
    assert f"The database at postgresql+psycopg://ops:***@127.0.0.1:{port}/leads cannot be " \
           "opened" in message
    assert "Check DATABASE_URL" in message and "s3cret-pw" not in message
