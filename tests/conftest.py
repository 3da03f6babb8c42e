"""Fixtures for a real database, on both engines the app supports.

* `database_url` — parametrised ("sqlite", "postgresql"): a URL to a fresh, empty database for
  this test, in the form a user would put into DATABASE_URL (`sqlite:///…`, `postgresql://…`).
  Page tests put it into the environment; store tests build an engine on it.
* `engine` — `workshop.db.make_engine` on that URL (the schema is created by make_engine).
* `session` — `workshop.db.session(engine)`.
* `engine_factory` — more engines on the same URL (a second app process, a server restart).
* `postgres_server` — session-scoped: a throwaway PostgreSQL cluster started by the tests
  themselves (initdb + pg_ctl on a free loopback port), stopped at the end, also on failure.

PostgreSQL binaries are looked up as `initdb`/`pg_ctl` on PATH, else the newest
`/usr/lib/postgresql/*/bin/`. If there are none, the PostgreSQL tests FAIL (they do not skip):
CI installs the server (see .ci/run); locally, `apt-get install postgresql`, or deselect them with
`-k "not postgresql"`.
"""
from __future__ import annotations

import glob
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy.engine import Engine

from workshop import importer, settings
from workshop.db import make_engine
from workshop.db import session as make_session

# Property tests check what a function gives, never how fast: Hypothesis's default 200 ms
# deadline per example failed them on a loaded machine.
hypothesis_settings.register_profile("untimed", deadline=None)
hypothesis_settings.load_profile("untimed")

ENGINES = ("sqlite", "postgresql")
PG_USER = "postgres"  # the cluster's superuser (initdb -U), whoever runs the tests
PG_SYSTEM_USER = "postgres"  # the system account the server runs as when we are root


# --- the PostgreSQL server ---------------------------------------------------------------------

def find_postgres_bin() -> Path | None:
    """The directory holding initdb and pg_ctl: PATH first, else the newest Debian install."""
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl:
        return Path(initdb).resolve().parent

    def version(path: str) -> tuple[int, ...]:
        major = Path(path).parent.parent.name
        return tuple(int(part) for part in re.findall(r"\d+", major)) or (0,)

    candidates = [p for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")
                  if os.access(Path(p).with_name("pg_ctl"), os.X_OK)]
    if not candidates:
        return None
    return Path(max(candidates, key=version)).parent


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class PostgresServer:
    bin_dir: Path
    base_dir: Path
    port: int = 0
    user: str = PG_USER
    as_root: bool = field(default_factory=lambda: os.geteuid() == 0)
    startup_seconds: float = 0.0
    _counter: int = 0
    _connection: object = None
    _executor: ThreadPoolExecutor | None = None
    _next: Future | None = None
    _pending: list[Future] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def data_dir(self) -> Path:
        return self.base_dir / "data"

    @property
    def log_file(self) -> Path:
        return self.base_dir / "server.log"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.as_root:  # initdb and postgres refuse to run as root
            command = ["runuser", "-u", PG_SYSTEM_USER, "--", *command]
        result = subprocess.run(command, cwd=self.base_dir, capture_output=True, text=True,
                                timeout=timeout)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}):\n"
                               f"{result.stdout}\n{result.stderr}\n{self._log_tail()}")
        return result

    def _log_tail(self) -> str:
        try:
            return "server log:\n" + self.log_file.read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def start(self) -> None:
        started = time.perf_counter()
        if self.as_root:
            shutil.chown(self.base_dir, user=PG_SYSTEM_USER, group=PG_SYSTEM_USER)
        self._run("initdb", "-D", str(self.data_dir), "-U", self.user, "--auth=trust",
                  "--encoding=UTF8", "--no-locale", "--no-sync", "--no-instructions")
        last_error: Exception | None = None
        for _attempt in range(5):  # a free port can be taken between probe and bind
            self.port = _free_port()
            options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.base_dir} "
                       "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                       "-c max_connections=200")
            try:
                self._run("pg_ctl", "-D", str(self.data_dir), "-l", str(self.log_file),
                          "-w", "-t", "60", "-o", options, "start", timeout=90)
                break
            except RuntimeError as error:
                last_error = error
        else:
            raise RuntimeError(f"PostgreSQL did not start: {last_error}")
        self.startup_seconds = time.perf_counter() - started

    def stop(self) -> None:
        if not (self.data_dir / "postmaster.pid").exists():
            return
        try:
            self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "-t", "30",
                      "stop")
        except (RuntimeError, subprocess.TimeoutExpired):
            self._run("pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "stop")

    # Creating a database takes ~0.1 s, so the next one is made in the background while a test
    # runs, and drops happen there too. One worker thread with its own connection does all the
    # administration, in order.
    def _admin(self, sql: str) -> None:
        import psycopg

        if self._connection is None or self._connection.closed:
            self._connection = psycopg.connect(host="127.0.0.1", port=self.port, user=self.user,
                                               dbname="postgres", autocommit=True)
        self._connection.execute(sql)

    def _submit(self, function, *args) -> Future:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-admin")
        return self._executor.submit(function, *args)

    def _create(self, name: str) -> str:
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE template0')
        return name

    def _new_name(self) -> str:
        self._counter += 1
        return f"test_{self._counter}_{uuid.uuid4().hex[:8]}"

    def create_database(self) -> str:
        """A new empty database; its name."""
        with self._lock:
            ready = self._next or self._submit(self._create, self._new_name())
            self._next = self._submit(self._create, self._new_name())
        return ready.result(timeout=120)

    def drop_database(self, name: str) -> None:
        # FORCE: connections an app under test left open (cached engines) do not block it.
        for done in [f for f in self._pending if f.done()]:
            self._pending.remove(done)
            done.result()  # a failed drop is reported at the next one, not at the very end
        self._pending.append(
            self._submit(self._admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def close_admin(self) -> None:
        """Finish background work (raising its first error) and close the admin connection."""
        if self._executor is None:
            return
        try:
            for future in self._pending:
                future.result(timeout=120)
        finally:
            self._executor.submit(self._close_connection).result(timeout=30)
            self._executor.shutdown(wait=True)
            self._executor = None

    def _close_connection(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bin_dir = find_postgres_bin()
    if bin_dir is None:
        pytest.fail("PostgreSQL server binaries not found: no initdb/pg_ctl on PATH and no "
                    "/usr/lib/postgresql/*/bin/initdb. Install them (Debian: apt-get install "
                    "postgresql; .ci/run does this) or deselect with -k 'not postgresql'.",
                    pytrace=False)
    # Not under pytest's tmp_path: that lives in a 0700 directory the postgres user cannot enter.
    server = PostgresServer(bin_dir=bin_dir, base_dir=Path(tempfile.mkdtemp(prefix="pgtest-")))
    try:
        server.start()
        yield server
    finally:
        try:
            server.close_admin()
        finally:
            try:
                server.stop()
            finally:
                shutil.rmtree(server.base_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> str:
    """`postgresql://USER@127.0.0.1:PORT/DB` of a database created once for the session."""
    return postgres_server.url(postgres_server.create_database())


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    server = getattr(config, "_workshop_postgres", None)
    if server is not None and server.startup_seconds:
        terminalreporter.write_line(
            f"PostgreSQL test server ({server.bin_dir}) started in "
            f"{server.startup_seconds:.2f} s")


# --- per-test databases ------------------------------------------------------------------------

@pytest.fixture(params=ENGINES)
def database_url(request, tmp_path) -> Iterator[str]:
    """A URL to a fresh, empty database, as a user would write it in DATABASE_URL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'workshop.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    request.config._workshop_postgres = server
    name = server.create_database()
    try:
        yield server.url(name)
    finally:
        server.drop_database(name)


def sqlalchemy_url(url: str) -> str:
    """A DATABASE_URL as the app reads it (postgresql:// → postgresql+psycopg://)."""
    return settings.database_url({"DATABASE_URL": url})


@pytest.fixture
def engine_factory(database_url) -> Iterator[Callable[[], Engine]]:
    """Make engines on this test's database; all are disposed at the end of the test."""
    engines: list[Engine] = []

    def new_engine() -> Engine:
        engines.append(make_engine(sqlalchemy_url(database_url)))
        return engines[-1]

    yield new_engine
    for made in engines:
        made.dispose()


@pytest.fixture
def engine(engine_factory) -> Engine:
    """A fresh engine with a fresh schema, for this test only."""
    return engine_factory()


@pytest.fixture
def session(engine):
    with make_session(engine) as db_session:
        yield db_session


@pytest.fixture
def database(tmp_path, monkeypatch) -> Iterator[Engine]:
    """The app's own database, on SQLite in this test's folder, for pages run by AppTest
    (which read DATABASE_URL and UPLOAD_DIR as `make run` does)."""
    url = f"sqlite:///{tmp_path / 'workshop.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    app_engine = make_engine(url)
    yield app_engine
    app_engine.dispose()


@pytest.fixture(params=["calamine", "openpyxl"])
def xlsx_reader(request, monkeypatch):
    """A workbook test run on both readers: calamine's (checked to be the one used) and
    openpyxl's, as for a workbook calamine is not given."""
    if request.param == "openpyxl":
        monkeypatch.setattr(importer, "_calamine_sheet", lambda *args: None)
    else:
        used = []
        read = importer._calamine_sheet

        def spy(*args):
            sheet = read(*args)
            used.append(sheet is not None)
            return sheet

        monkeypatch.setattr(importer, "_calamine_sheet", spy)
        yield request.param
        assert used and all(used)
        return
    yield request.param
