"""Creating and restoring workshops is limited per network (workshop/limits.py): a few a minute
and some dozens an hour, counted in the database every app process shares — on SQLite and
PostgreSQL (see conftest.py). The command line is the server's operator and is not limited."""
from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from sqlmodel import func, select

from tests.test_cli import run
from tests.test_joining import START, HandClock
from tests.test_own_devices import button, new_app, texts
from workshop import backup, demo, limits, store
from workshop.db import session as make_session
from workshop.models import Workshop, WorkshopCreation
from workshop.store import TooManyWorkshops

(MINUTE, PER_MINUTE, _), (HOUR, PER_HOUR, _) = limits.CREATION_LIMITS
(_, COPIES_PER_MINUTE, _), (_, COPIES_PER_HOUR, _) = limits.DEMO_COPY_LIMITS
HOME, OFFICE = "203.0.113.5", "198.51.100.7"


def create(session, client: str | None, clock: HandClock, company: str = "Acme"):
    return store.create_workshop(session, company=company, title="Q1", facilitator_name="Dana",
                                 client=client, clock=clock)


def a_backup(session) -> bytes:
    """A small workshop's backup file (made by the server's operator, so not counted)."""
    workshop, token = store.create_workshop(session, company="Backed Up Ltd", title="Q1",
                                            facilitator_name="Dana")
    store.reveal(session, workshop.id, token)
    return backup.export_workshop(session, workshop.id, token).encode()


def count(session, table) -> int:
    return session.exec(select(func.count()).select_from(table)).one()


def made_by_people(session) -> int:
    """Workshops other than the demos (which the app and the command line add on first use)."""
    return session.exec(select(func.count()).select_from(Workshop)
                        .where(Workshop.is_demo.is_(False))).one()


def test_the_limits_are_a_few_a_minute_and_some_dozens_an_hour():
    assert (MINUTE, PER_MINUTE, HOUR, PER_HOUR) == (timedelta(minutes=1), 5,
                                                    timedelta(hours=1), 30)
    assert limits.DEMO_COPY_LIMITS == ((timedelta(minutes=1), 20, "minute"),
                                       (timedelta(hours=1), 100, "hour"))


def copy(session, client: str | None, clock: HandClock) -> str:
    return demo.copy_demo(session, demo.DEMO_ID, client=client, clock=clock)[0]


def test_demo_copies_are_counted_apart_and_more_generously(session):
    """A class behind one router may each open the demo; someone opening copies in a loop
    is stopped, and neither count eats into the other."""
    clock = HandClock()
    for _ in range(PER_MINUTE):
        create(session, HOME, clock)
    for second in range(COPIES_PER_MINUTE):  # the network's workshops do not stop the copies
        clock.move_to(second)
        copy(session, HOME, clock)
    copies = count(session, Workshop)
    clock.move_to(30)
    with pytest.raises(TooManyWorkshops) as refused:
        copy(session, HOME, clock)
    assert str(refused.value) == (
        f"You have opened {COPIES_PER_MINUTE} copies of the demos in the last minute from this "
        "network; wait 30 seconds and try again.")
    assert count(session, Workshop) == copies
    copy(session, OFFICE, clock)  # another network is not affected
    copy(session, None, clock)  # nor the server's own doing
    clock.move_to(60)  # the first copy has left the minute; the workshops too
    copy(session, HOME, clock)
    create(session, HOME, clock)


def test_demo_copies_within_an_hour_are_limited(session):
    clock = HandClock()
    for index in range(COPIES_PER_HOUR):  # 10 a minute: never 20 in one
        clock.move_to(index * 6)
        copy(session, HOME, clock)
    clock.move_to(59 * 60)
    with pytest.raises(TooManyWorkshops, match=f"You have opened {COPIES_PER_HOUR} copies of "
                                               "the demos in the last hour"):
        copy(session, HOME, clock)


def test_the_next_creation_within_a_minute_is_refused_with_a_sentence(session):
    clock = HandClock()
    for second in range(0, 5 * PER_MINUTE, 5):
        clock.move_to(second)
        create(session, HOME, clock)
    workshops = made_by_people(session)
    clock.move_to(25)
    with pytest.raises(TooManyWorkshops) as refused:
        create(session, HOME, clock)
    assert str(refused.value) == (
        "You have created or restored 5 workshops in the last minute from this network; wait "
        "35 seconds and try again.")
    assert made_by_people(session) == workshops
    create(session, OFFICE, clock)  # another network is not affected
    clock.move_to(60)  # the first one has left the minute
    create(session, HOME, clock)
    with pytest.raises(TooManyWorkshops, match="wait 5 seconds"):
        create(session, HOME, clock)


def test_the_next_creation_within_an_hour_is_refused_with_a_sentence(session):
    clock = HandClock()
    for minute in range(0, 2 * PER_HOUR, 2):  # one every two minutes: never five in a minute
        clock.move_to(minute * 60)
        create(session, HOME, clock)
    clock.move_to(59 * 60)
    with pytest.raises(TooManyWorkshops) as refused:
        create(session, HOME, clock)
    assert str(refused.value) == (
        "You have created or restored 30 workshops in the last hour from this network; wait "
        "1 minute and try again.")
    clock.move_to(59 * 60 + 1)
    with pytest.raises(TooManyWorkshops, match="wait 59 seconds and"):
        create(session, HOME, clock)
    create(session, OFFICE, clock)
    clock.move_to(60 * 60)  # the first one has left the hour
    create(session, HOME, clock)
    assert made_by_people(session) == PER_HOUR + 2


def test_restoring_counts_as_creating(session, tmp_path, monkeypatch):
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    data = a_backup(session)
    clock = HandClock()
    for _ in range(2):
        create(session, HOME, clock)
    for _ in range(PER_MINUTE - 2):
        backup.restore_workshop(session, data, client=HOME, clock=clock)
    workshops = made_by_people(session)
    for attempt in (lambda: backup.restore_workshop(session, data, client=HOME, clock=clock),
                    lambda: create(session, HOME, clock)):
        with pytest.raises(TooManyWorkshops, match="created or restored 5 workshops"):
            attempt()
    assert made_by_people(session) == workshops
    assert backup.restore_workshop(session, data, client=OFFICE, clock=clock).workshop_id
    # The server's operator (the command line, the demos) is not limited.
    for _ in range(3):
        backup.restore_workshop(session, data, clock=clock)
        create(session, None, clock)


def test_the_command_line_restores_whatever_the_networks_made(engine, database_url, session,
                                                               tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    monkeypatch.setenv("DATABASE_URL", database_url)
    path = tmp_path / "backup.json"
    path.write_bytes(a_backup(session))
    for client in ("unknown", "127.0.0.1", HOME):
        session.add_all(WorkshopCreation(network=client, at=store.utcnow())
                        for _ in range(PER_HOUR))
    session.commit()
    workshops = made_by_people(session)
    code, said, _ = run(capsys, "restore", str(path))
    assert code == 0, said
    assert made_by_people(session) == workshops + 1


def test_a_creation_that_fails_is_not_counted(session, tmp_path, monkeypatch):
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    data = a_backup(session)
    clock = HandClock()
    for _ in range(PER_MINUTE + 2):
        with pytest.raises(ValueError, match="company name"):
            create(session, HOME, clock, company="  ")
        with pytest.raises(backup.BackupError):
            backup.restore_workshop(session, b"{not a backup", client=HOME, clock=clock)

    def broken(*_args, **_kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(backup, "_restore", broken)
    for _ in range(PER_MINUTE + 2):
        with pytest.raises(RuntimeError, match="disk is full"):
            backup.restore_workshop(session, data, client=HOME, clock=clock)
    assert count(session, WorkshopCreation) == 0
    create(session, HOME, clock)


def test_old_creations_are_pruned(session):
    clock = HandClock()
    for minute in range(0, 2 * PER_HOUR, 2):
        clock.move_to(minute * 60)
        create(session, f"10.0.0.{minute}", clock)
    assert count(session, WorkshopCreation) == PER_HOUR
    clock.move_to(2 * 60 * 60)
    create(session, HOME, clock)
    assert session.exec(select(WorkshopCreation.network)).all() == [HOME]
    assert session.exec(select(WorkshopCreation.at)).one().replace(tzinfo=None) == \
        (START + timedelta(hours=2)).replace(tzinfo=None)


def test_app_processes_share_the_limit(engine, engine_factory):
    """Creations from one network at the same moment through two app processes: never more
    than the limit (all may be refused together, which the next try mends)."""
    engines = (engine, engine_factory())
    clock = HandClock()
    tries = 2 * PER_MINUTE + 2
    barrier = threading.Barrier(tries)
    outcomes: list[object] = []

    def try_to_create(index: int) -> None:
        with make_session(engines[index % 2]) as s:
            barrier.wait(timeout=30)
            try:
                outcomes.append(create(s, HOME, clock, company=f"Company {index}")[0].id)
            except TooManyWorkshops as refused:
                outcomes.append(refused)

    threads = [threading.Thread(target=try_to_create, args=(i,)) for i in range(tries)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    made = [o for o in outcomes if isinstance(o, str)]
    assert len(outcomes) == tries and len(made) <= PER_MINUTE
    assert all(isinstance(o, TooManyWorkshops) for o in outcomes if o not in made)
    with make_session(engine) as s:
        assert count(s, WorkshopCreation) == len(made)
        for _ in range(PER_MINUTE - len(made)):  # refusals were given back: the rest still fit
            create(s, HOME, clock)
        with pytest.raises(TooManyWorkshops):
            create(s, HOME, clock)


# --- what a person sees ------------------------------------------------------------------------

def test_the_home_page_says_when_this_network_has_created_enough(engine, database_url,
                                                                 monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    with make_session(engine) as s:
        s.add_all(WorkshopCreation(network="unknown", at=store.utcnow())  # this machine
                  for _ in range(PER_MINUTE))
        s.commit()
        workshops = made_by_people(s)
    at = new_app()
    at.text_input[0].input("Acme Analytics")
    at.text_input[1].input("Q1 lead workshop")
    at.text_input[2].input("Sam Lee")
    button(at, "Create workshop").click().run()
    assert not at.exception
    assert "You have created or restored 5 workshops in the last minute from this network; " \
           "wait" in texts(at)
    with make_session(engine) as s:
        assert made_by_people(s) == workshops


def test_the_home_page_says_when_this_network_has_opened_enough_demo_copies(
        engine, database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    at = new_app()  # the demos are there
    with make_session(engine) as s:
        s.add_all(WorkshopCreation(network=limits.DEMO_COPIES + "unknown", at=store.utcnow())
                  for _ in range(COPIES_PER_MINUTE))  # this machine's
        s.commit()
        workshops = count(s, Workshop)
    button(at, "Open").click().run()
    assert not at.exception
    assert f"You have opened {COPIES_PER_MINUTE} copies of the demos in the last minute from " \
           "this network; wait" in texts(at)
    with make_session(engine) as s:
        assert count(s, Workshop) == workshops


def test_the_restore_panel_says_when_this_network_has_created_enough(engine, database_url,
                                                                     tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    with make_session(engine) as s:
        data = a_backup(s)
        s.add_all(WorkshopCreation(network="unknown", at=store.utcnow() - timedelta(minutes=5))
                  for _ in range(PER_HOUR))
        s.commit()
        workshops = made_by_people(s)
    at = new_app()
    at.file_uploader(key="restore:file").set_value(("backup.json", data, "application/json"))
    at.run()
    button(at, "Restore it as a new workshop").click().run()
    assert not at.exception
    assert re.search(r"You have created or restored 30 workshops in the last hour from this "
                     r"network; wait \d+ minutes and try again\.", texts(at))
    with make_session(engine) as s:
        assert made_by_people(s) == workshops
