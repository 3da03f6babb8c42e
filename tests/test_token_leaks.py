"""Keys and secrets stay out of every file taken away and out of the logs (issue 8, access).

* Exports: the one-pager as PDF (text read with pypdf), PNG (rendered from the same page as the
  PDF; its HTML twin is checked), HTML and Markdown; the definition JSON, SQL and points CSV; the
  leads CSV with stages and reasons; the announcement e-mail (text and mailto); the command
  line's `export` and `list`; the workshop backup (from the app's function and from
  `python -m workshop backup`). None holds a facilitator key, a participant
  key, a join link's secret or the join code; the wall link's secret is in the one-pager and the
  e-mail exactly when they are made for the wall link, and nowhere else. (The download buttons
  on the pages are read back in tests/test_access_pages.py, cell by cell.)
* Logs: a real `streamlit run` at debug level, opened in Chromium with every kind of key in the
  URL, joined by link and by code, a wrong key, a wrong code and a bad upload; and an AppTest run
  through every page with every logger at DEBUG. No key, secret or join code in either.
"""
from __future__ import annotations

import io
import logging
import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from pypdf import PdfReader
from sqlmodel import select

from tests.test_access_pages import (
    MEMBERS,
    PAGES,
    PHASES,
    VISITORS,
    World,
    one_layout_per_page,  # noqa: F401 - a fixture: the page table's PDF layouts are reused
    params_for,
    sqlite_world,  # noqa: F401 - a fixture
    visit,
)
from tests.test_restart import (
    CHROMIUM,
    CHROMIUM_ARGS,
    IDLE,
    free_port,
    require_chromium,
    settle,
)
from workshop import announce, backup, cli, formats, lead_export, merge, store, versions
from workshop import wall as wall_module
from workshop.db import make_engine, session
from workshop.evaluate import evaluate
from workshop.leads import load_sample_leads
from workshop.models import Participant
from workshop.ui.log_redaction import REDACTED, install, redact

ROOT = Path(__file__).resolve().parent.parent
WALL_BASE = "http://localhost:8501"  # where AppTest's pages say the app is


@pytest.fixture
def world(sqlite_world) -> World:  # noqa: F811
    """The page table's workshops (built once a session): a workshop drafting, one revealed,
    one with two signed versions and a wall link (and a replaced one), and another one."""
    return sqlite_world


def secrets_of(world: World) -> dict[str, str]:
    return {name: value for w in world.workshops() for name, value in w.secrets().items()}


def held(text: str, named: dict[str, str]) -> list[str]:
    """Which of the named secrets `text` holds, also URL-encoded (a mailto link)."""
    return sorted(name for name, value in named.items()
                  if value in text or quote(value, safe="") in text)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    links = [str(annotation.get_object().get("/A", {}).get("/URI", ""))
             for page in reader.pages for annotation in page.get("/Annots") or []]
    return "\n".join([page.extract_text() for page in reader.pages] + links)


def as_text(fmt: str, data: bytes) -> str:
    return pdf_text(data) if fmt == "pdf" else data.decode("utf-8")


# --- exports -----------------------------------------------------------------------------------

def test_every_export_of_the_agreed_definition_holds_no_key_and_the_wall_link_only_where_meant(
        world):
    signed = world.phases["signed"]
    engine = make_engine(world.url)
    try:
        with session(engine) as s:
            agreed = wall_module.agreed(s, signed.id)
            people = store.revealed_people(s, signed.id, signed.tokens["fac"])
            signatures = versions.versions(s, signed.id, signed.tokens["fac"])
    finally:
        engine.dispose()
    wall_url = f"{WALL_BASE}/wall?w={signed.wall}"
    everything = secrets_of(world)
    others = {name: value for name, value in everything.items() if value != signed.wall}
    # The one-pager of the wall page and step 4 (the command line's, without a link, below).
    page = agreed.page(wall_url)
    for fmt in formats.FORMATS:
        if fmt == "png":  # pixels of the PDF's page (no OCR here): its HTML twin is checked
            continue
        text = as_text(fmt, formats.render(agreed.definition, fmt, page).data)
        assert signed.versions[2].lower() in text.lower(), f"{fmt}: not the agreed one"
        assert not held(text, others), f"{fmt} holds {held(text, others)}"
        meant = fmt in ("pdf", "html", "md")
        assert (signed.wall in text) == meant, f"{fmt}: wall link {'missing' if meant else 'in'}"

    # The announcement: the wall link in the text and the mailto, nothing else.
    drafts = merge.drafts_by_team([(p.role, p.label, p.definition) for p in people], {})
    mail = announce.announcement(agreed.page(wall_url), agreed.definition, team_drafts=drafts,
                                 previous=signatures[-2].definition, previous_number=1,
                                 wall_url=wall_url)
    for name, text in (("subject", mail.subject), ("body", mail.body), ("text", mail.text()),
                       ("mailto", mail.mailto()), ("mailto (decoded)", unquote(mail.mailto()))):
        assert not held(text, others), f"the e-mail's {name} holds {held(text, others)}"
    assert signed.wall in mail.body and signed.wall in mail.text()
    assert signed.wall in unquote(mail.mailto())
    assert signed.wall not in mail.subject
    without = announce.announcement(agreed.page(""), agreed.definition, team_drafts=drafts)
    assert not held(without.text() + without.mailto(), everything)

    # The leads with their stage, points and reasons.
    leads = load_sample_leads()
    data = lead_export.leads_csv(leads, evaluate(leads, agreed.definition))
    assert len(data) > 10_000 and not held(data.decode("utf-8"), everything)


@pytest.mark.parametrize("phase", [p for p in PHASES if p != "before"])
def test_a_backup_holds_no_key_join_link_join_code_or_wall_link(world, phase, tmp_path,
                                                                 monkeypatch, capsys):
    w = world.phases[phase]
    everything = secrets_of(world)
    engine = make_engine(world.url)
    try:
        with session(engine) as s:
            text = backup.export_workshop(s, w.id, w.tokens["fac"])
    finally:
        engine.dispose()
    assert w.drafts["mkt"] in text  # it is the whole workshop
    assert not held(text, everything), held(text, everything)
    # The same from the command line (`python -m workshop backup`).
    monkeypatch.setenv("DATABASE_URL", world.url)
    out = tmp_path / "backup.json"
    assert cli.main(["backup", "--workshop", w.id, "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8") + "".join(capsys.readouterr())
    assert w.drafts["mkt"] in text and not held(text, everything), held(text, everything)


def test_no_backup_before_the_reveal_it_would_hold_every_draft(world, tmp_path, monkeypatch,
                                                               capsys):
    w = world.phases["before"]
    engine = make_engine(world.url)
    try:
        with session(engine) as s, pytest.raises(store.Locked, match="once the drafts are "
                                                                      "revealed"):
            backup.export_workshop(s, w.id, w.tokens["fac"])
    finally:
        engine.dispose()
    monkeypatch.setenv("DATABASE_URL", world.url)
    out = tmp_path / "backup.json"
    assert cli.main(["backup", "--workshop", w.id, "--out", str(out)]) == 2
    assert "once the drafts are revealed" in capsys.readouterr().err and not out.exists()


def test_the_command_line_export_and_list_hold_no_key(world, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", world.url)
    signed = world.phases["signed"]
    everything = secrets_of(world)
    for fmt in formats.FORMATS:
        if fmt in ("pdf", "png"):  # laid out from the one-pager checked above, minus the link
            continue
        out = tmp_path / f"v.{fmt}"
        assert cli.main(["export", "--workshop", signed.id, "--format", fmt,
                         "--out", str(out)]) == 0
        printed = "".join(capsys.readouterr())
        assert not held(printed, everything)
        text = as_text(fmt, out.read_bytes())
        assert not held(text, everything), f"{fmt} holds {held(text, everything)}"
        assert signed.versions[2].lower() in text.lower(), f"{fmt}: not the agreed one"
    assert cli.main(["list"]) == 0
    listed = "".join(capsys.readouterr())
    assert signed.id in listed and not held(listed, everything)
    # And once as a real command, as an operator would run it.
    out = tmp_path / "real.md"
    done = subprocess.run([sys.executable, "-m", "workshop", "export", "--workshop",
                           signed.company, "--format", "md", "--out", str(out)], cwd=ROOT,
                          env={**os.environ, "DATABASE_URL": world.url}, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8") + done.stdout + done.stderr
    assert signed.versions[2] in text and not held(text, everything)


# --- logs --------------------------------------------------------------------------------------

def joined_keys(world: World) -> dict[str, str]:
    """Keys of people who joined during a test (not in the world as built)."""
    known = set(secrets_of(world).values())
    engine = make_engine(world.url)
    try:
        with session(engine) as s:
            rows = s.exec(select(Participant.name, Participant.token)).all()
    finally:
        engine.dispose()
    return {f"{name}'s key": token for name, token in rows if token not in known}


class DebugServer:
    """`streamlit run app.py --logger.level=debug`, its stdout and stderr in one file."""

    def __init__(self, database_url: str, log: Path):
        self.url = ""
        self.database_url, self.log = database_url, log
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> DebugServer:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        env = {**os.environ, "DATABASE_URL": self.database_url, "PYTHONUNBUFFERED": "1"}
        env.pop("PUBLIC_URL", None)
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                 "--server.address", "127.0.0.1", "--server.headless", "true",
                 "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
                 "--logger.level", "debug"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text(errors="replace")[-3000:]
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as answer:
                    if answer.read() == b"ok":
                        return self
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"streamlit did not start:\n{self.log.read_text()[-3000:]}")

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=20)


@pytest.fixture
def browser() -> Iterator:
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = chromium.new_context(viewport={"width": 1280, "height": 1000})
            context.set_default_timeout(30_000)
            yield context.new_page()
        finally:
            chromium.close()


# Who opens what in the browser: one page each, with the key in the URL as they would have it.
BROWSER_VISITS = [("before", "fac", "teams"), ("before", "mkt", "draft"),
                  ("before", "wrong", "compare"), ("signed", "wall", "wall"),
                  ("before", "o-part", "compare"), ("before", "invite", "draft"),
                  ("signed", "sales", "draft"), ("signed", "revoked", "wall"),
                  ("signed", "wall", "draft"), ("signed", "fac", "communicate"),
                  ("signed", "mkt", "history")]


# Long: a server start and a browser take about two minutes on a busy two-core machine. The
# same pages' Python logging is checked in the quick run (test_no_key_reaches_the_python_log).
@pytest.mark.long
def test_no_key_reaches_the_server_log(world, browser, tmp_path):
    visits = BROWSER_VISITS
    log = tmp_path / "server.log"
    before = world.phases["before"]
    with DebugServer(world.url, log) as server:
        def open_page(page: str, params: dict[str, str]) -> None:
            path = "" if page == "home" else page
            browser.goto(f"{server.url}/{path}?" + "&".join(
                f"{key}={quote(value, safe='')}" for key, value in params.items()))
            settle(browser)

        browser.goto(server.url)  # the first run seeds the demos: give it time
        browser.wait_for_selector(IDLE, timeout=180_000)
        for phase, visitor, page in visits:
            open_page(page, params_for(world, phase, visitor, page))
            assert "Traceback" not in browser.inner_text("body")
        # Join by link, and by code; a wrong code; a bad upload on the evidence page.
        by_link, by_code = f"Lena {uuid.uuid4().hex[:6]}", f"Cody {uuid.uuid4().hex[:6]}"
        open_page("join", {"invite": before.invites["sales"]})
        browser.get_by_label("Your name").fill(by_link)
        browser.get_by_role("button", name="Join").click()
        browser.get_by_text(f"Your ideal lead: {by_link}").wait_for()
        open_page("join", {})
        browser.get_by_test_id("stRadio").get_by_text("Sales", exact=True).click()
        browser.get_by_label("Join code").fill(before.join_code.lower().replace("-", " "))
        browser.get_by_label("Your name").fill(by_code)
        browser.get_by_role("button", name="Join").click()
        browser.get_by_text(f"Your ideal lead: {by_code}").wait_for()
        open_page("join", {})  # a wrong code
        browser.get_by_test_id("stRadio").get_by_text("Sales", exact=True).click()
        browser.get_by_label("Join code").fill("zzz 999")
        browser.get_by_label("Your name").fill("Wanda Wrong")
        browser.get_by_role("button", name="Join").click()
        browser.get_by_test_id("stAlertContentError").wait_for()
        open_page("evidence", {"ws": before.id, "key": before.tokens["fac"]})
        bad = tmp_path / "leads.csv"
        bad.write_bytes(b"\x00\x01\x02 not a table \xff\xfe" * 50)
        browser.get_by_test_id("stFileUploaderDropzoneInput").first.set_input_files(str(bad))
        browser.get_by_test_id("stAlertContentError").filter(
            has_text="This file cannot be used").wait_for()
    output = log.read_text(errors="replace")
    assert "Running script" in output, output[-2000:]  # Streamlit did log at debug level
    keys = joined_keys(world)
    assert {f"{by_link}'s key", f"{by_code}'s key"} <= set(keys), keys
    named = secrets_of(world) | keys
    leaked = held(output, named)
    assert not leaked, f"the server log holds {leaked}: " + "; ".join(
        line[:300] for line in output.splitlines() if held(line, named))[:3000]


class Everything(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name}: {self.format(record)}")


@pytest.fixture
def every_log_record() -> Iterator[Everything]:
    """Every logger at DEBUG, every record kept (also those of loggers that do not propagate,
    such as Streamlit's)."""
    handler = Everything()
    loggers = [logging.getLogger()] + [logging.getLogger(name)
                                       for name in list(logging.Logger.manager.loggerDict)]
    saved = [(logger, logger.level) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        if logger is loggers[0] or not logger.propagate:
            logger.addHandler(handler)
    try:
        yield handler
    finally:
        for logger, level in saved:
            logger.setLevel(level)
            logger.removeHandler(handler)


# Every page for the workshop's members once it is signed; before the reveal, everyone on the
# pages that take a key, a join link or a wall link.
LOGGED_VISITS = [("signed", visitor, page) for visitor in MEMBERS for page in PAGES] + [
    ("before", visitor, page) for visitor in VISITORS
    for page in ("join", "draft", "teams", "compare", "wall")]


def test_no_key_reaches_the_python_log(world, every_log_record, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", world.url)
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    for phase, visitor, page in LOGGED_VISITS:
        visit(params_for(world, phase, visitor, page), PAGES[page])
    # Joining by link and by code.
    before = world.phases["before"]
    joining = visit({"invite": before.invites["marketing"]}, PAGES["join"]).at
    by_link, by_code = f"Ivo {uuid.uuid4().hex[:6]}", f"Carla {uuid.uuid4().hex[:6]}"
    joining.text_input[0].input(by_link)
    next(b for b in joining.button if b.label == "Join").click().run()
    assert not joining.exception
    joining = visit({}, PAGES["join"]).at
    joining.radio[0].set_value("sales").run()
    joining.text_input[0].input(before.join_code)
    joining.text_input[1].input(by_code)
    next(b for b in joining.button if b.label == "Join sales").click().run()
    assert not joining.exception
    keys = joined_keys(world)
    assert {f"{by_link}'s key", f"{by_code}'s key"} <= set(keys), keys
    lines = every_log_record.lines
    assert len(lines) > 50, lines  # the app and its libraries did log at DEBUG
    named = secrets_of(world) | keys
    leaked = [line[:300] for line in lines if held(line, named)]
    assert not leaked, f"{len(leaked)} log records hold a key, e.g. {leaked[:5]}"


def test_the_log_cleaner_takes_out_keys_and_join_codes_and_leaves_the_rest():
    key, code = store.new_token(), store.new_join_code()
    line = f"GET /draft?ws=ab12cd34ef&key={key} code {code} sha {'f' * 64} at 2026-12-02"
    cleaned = redact(line)
    assert key not in cleaned and code not in cleaned
    assert cleaned == (f"GET /draft?ws=ab12cd34ef&key={REDACTED} code {REDACTED} "
                       f"sha {'f' * 64} at 2026-12-02")
    before = logging.getLogRecordFactory()
    try:
        install()
        installed = logging.getLogRecordFactory()
        install()  # once is enough; twice changes nothing
        assert logging.getLogRecordFactory() is installed
        assert getattr(installed, "redacts_keys", False)
        record = logging.getLogger("test").makeRecord(
            "test", logging.INFO, __file__, 1, "joined with %s and %r", (code, (key,)), None)
        assert record.getMessage() == f"joined with {REDACTED} and ('{REDACTED}',)"
        try:
            raise ValueError(f"no participant with key {key}")
        except ValueError:
            record = logging.getLogger("test").makeRecord(
                "test", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
        formatted = logging.Formatter().format(record)
        assert key not in formatted and "ValueError: no participant with key" in formatted
    finally:
        logging.setLogRecordFactory(before)
