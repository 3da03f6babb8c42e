"""Bad input (reliability suite): every upload and every typed text, fed hostile data.

* The corpus (tests/hostile_files.py, made at test time): zip bombs in XLSX, huge cells, wide and
  endless files, NUL bytes, broken encodings, formula payloads, deeply nested and huge JSON…
  Each is imported by the function the page uses, in a worker process of its own that reports
  what happened and its peak resident memory: a clear sentence (never a traceback or a Python
  repr) or the file read as the text it is, within memory bounded by the input.
* Hypothesis: any bytes into the CSV/XLSX importer, any text into the definition and mapping
  readers, and any text (NUL, lone surrogates, right-to-left overrides, a megabyte) into every
  form field the store keeps: stored and read back exactly, or refused with a sentence; and
  inert wherever it is rendered or exported.
* The pages (AppTest, on SQLite and PostgreSQL): a hostile upload on the evidence page and in
  the definition loader shows an error and no exception, and changes nothing.

The full-size files (100 MB cells, millions of columns and rows, 12 GB bombs) are marked
`long`; the quick set runs a smaller version of each.
"""
from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from streamlit.testing.v1 import AppTest

from tests import hostile_files as hf
from workshop import rules, store, versions
from workshop.db import make_engine, session
from workshop.definition import (
    Criterion,
    Definition,
    DefinitionError,
    describe_validation_error,
    read_file,
)
from workshop.evaluate import evaluate
from workshop.export import one_pager, to_html, to_markdown
from workshop.importer import ImportProblem, read_export
from workshop.lead_export import FORMULA_STARTS, leads_csv, safe_cell
from workshop.mapping import Mapping
from workshop.pipeline import import_leads
from workshop.settings import database_url as app_database_url
from workshop.text import escape_markdown

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
MB = 1024 * 1024
# Generous ceilings that still catch a blow-up: a bomb that unpacks to 2-12 GB, or a reader that
# pads a tiny sheet to a million rows of 16,384 cells, goes far past them.
BOMB_CEILING_MB = 1536
RSS_PER_INPUT_BYTE = 4  # on top of a case's fixed allowance (Case.peak_mb)
ERROR_TYPE = {"leads": "ImportProblem", "definition": "DefinitionError", "mapping": "ValueError"}
# Words that give away a traceback, a Python repr or a library's internals.
NOT_FOR_PEOPLE = ("Traceback", 'File "', "object at 0x", "has no attribute", "NoneType",
                  "errors.pydantic.dev", "[type=", "pyarrow", "Arrow", "openpyxl", "zipfile",
                  "set_int_max_str_digits", "\\x", "<ZipInfo", "Error:", "Exception")


def assert_clear(message: str) -> None:
    """A sentence a person can read: no traceback, repr or library name, not a wall of text."""
    assert message.strip(), "an empty message"
    assert message[0].isupper() or message[0] in '"“', message
    assert len(message) < 1000, message
    for words in NOT_FOR_PEOPLE:
        assert words not in message, (words, message)


# --- the corpus, each case in a worker process -------------------------------------------------

def run_workers(specs: list[str], timeout: float) -> dict[str, dict]:
    """Outcomes by case name. A case that kills its worker or runs past `timeout` is reported
    as such, and the cases after it run in a new worker."""
    outcomes: dict[str, dict] = {}
    pending = list(specs)
    while pending:
        try:
            done = subprocess.run([sys.executable, "-m", "tests.hostile_files", *pending],
                                  cwd=ROOT, capture_output=True, text=True, timeout=timeout)
            stdout, stderr, why = done.stdout, done.stderr, f"exit code {done.returncode}"
        except subprocess.TimeoutExpired as expired:
            stdout = (expired.stdout or b"").decode() if isinstance(expired.stdout, bytes) \
                else expired.stdout or ""
            stderr = (expired.stderr or b"").decode() if isinstance(expired.stderr, bytes) \
                else expired.stderr or ""
            why = f"no answer within {timeout:.0f} s (a hang)"
        for line in stdout.splitlines():
            outcome = json.loads(line)
            outcomes[outcome["case"]] = outcome
            pending.remove(f"{outcome['case']}:{outcome['size']}")
        if pending:  # the first one left is the one that failed its worker
            name = pending.pop(0).partition(":")[0]
            outcomes[name] = {"case": name, "outcome": "worker failed",
                              "message": f"{why}: {stderr[-3000:]}"}
    return outcomes


@pytest.fixture(scope="module")
def quick_outcomes() -> dict[str, dict]:
    return run_workers([f"{case.name}:quick" for case in hf.CASES], timeout=600)


def check_outcome(case: hf.Case, outcome: dict) -> None:
    assert outcome["outcome"] in ("ok", "error"), outcome["message"]
    if case.expect == "ok":
        assert outcome["outcome"] == "ok", f"{outcome['type']}: {outcome['message']}"
    else:
        assert outcome["outcome"] == "error", f"read instead of refused: {outcome['summary']}"
        assert ERROR_TYPE[case.kind] in outcome["mro"], (outcome["type"], outcome["message"])
        assert case.expect in outcome["message"]
        assert_clear(outcome["message"])
    input_mb = outcome["bytes"] / MB
    assert outcome["peak_above_mb"] <= case.peak_mb + RSS_PER_INPUT_BYTE * input_mb, outcome
    if "bomb" in case.name or case.name.startswith("xlsx_"):
        assert outcome["peak_mb"] <= BOMB_CEILING_MB, outcome


@pytest.mark.parametrize("case", hf.CASES, ids=str)
def test_a_hostile_file_is_refused_with_a_sentence_or_read_in_bounded_memory(
        case, quick_outcomes):
    check_outcome(case, quick_outcomes[case.name])


@pytest.mark.long
@pytest.mark.parametrize("case", [c for c in hf.CASES if c.long], ids=str)
def test_the_full_size_hostile_file_too(case):
    outcome = run_workers([f"{case.name}:long"], timeout=1200)[case.name]
    check_outcome(case, outcome)


def test_the_bombs_would_really_unpack_to_gigabytes():
    """The corpus is what it says: the bombs' sheets unpack to 2 GB (12 GB in the long set)
    while the files are a few megabytes, and their CRCs are right, so a reader that trusted
    the zip would really inflate all of it."""
    import zipfile

    for make, part in ((hf.xlsx_sheet_bomb, hf.SHEET), (hf.xlsx_strings_bomb, hf.SHARED)):
        for size, gigabytes in (("quick", 2), ("long", 12)):
            _, data = make(size)
            info = zipfile.ZipFile(io.BytesIO(data)).getinfo(part)
            assert info.file_size > gigabytes * 1024 * MB > 1000 * len(data)
    _, data = hf.xlsx_sheet_bomb("quick")
    with zipfile.ZipFile(io.BytesIO(data)).open(hf.SHEET) as sheet:
        head = sheet.read(4 * MB)
    assert head.startswith(hf.SHEET_HEAD) and head.endswith(b" " * MB)
    small = hf.repeated_stream(b"<a>", b"xyz" * 1000, 50, b"</a>")
    unpacked = __import__("zlib").decompress(small.stream, -15)
    assert unpacked == b"<a>" + b"xyz" * 50_000 + b"</a>"
    assert __import__("zlib").crc32(unpacked) == small.crc


@pytest.mark.long
def test_the_corpus_covers_every_kind_of_upload_and_a_long_version_of_the_big_ones():
    kinds = {case.kind for case in hf.CASES}
    assert kinds == set(ERROR_TYPE)
    assert len({case.name for case in hf.CASES}) == len(hf.CASES)
    for name in ("xlsx_sheet_bomb", "csv_huge_cell", "csv_wide_header", "csv_many_rows",
                 "json_deep_list"):
        quick, full = hf.BY_NAME[name].make("quick")[1], hf.BY_NAME[name].make("long")[1]
        assert len(full) > len(quick)
    assert len(hf.csv_huge_cell("long")[1]) > 100 * MB
    assert hf.csv_wide_header("long")[1].split(b"\r\n")[0].count(b",") >= 2_999_999
    assert hf.csv_many_rows("long")[1].count(b"\n") > 19_000_000


# --- what the files that are read hold --------------------------------------------------------

def read(name: str) -> pd.DataFrame:
    filename, data = hf.BY_NAME[name].make("quick")
    return read_export(data, filename)[0]


def test_formula_payloads_are_read_as_the_text_they_are():
    frame = read("csv_formula_payloads")
    assert frame["Company"].tolist() == hf.FORMULAS
    assert frame.columns[2] == '=HYPERLINK("http://evil.example","Notes")'
    book = read("xlsx_formula_payloads")
    # XML keeps no bare carriage return: "\r=1+1" arrives as "\n=1+1" (still a line break).
    assert book["Company"].tolist() == [p.replace("\r", "\n") for p in hf.FORMULAS]


def test_encodings_and_invisible_characters_are_read_as_text():
    assert read("csv_invalid_utf8")["Company"].tolist() == ["Café ÿþ", "Ã("]
    assert read("csv_utf16_bom")["Company"].tolist() == ["Société"]
    assert read("csv_bidi_and_zero_width")["Company"].tolist() == [
        "\u202eelgoog\u202c\u200b", "\ufeffAcme\u2066x\u2069"]
    assert read("csv_control_characters")["Company"].iloc[0] == "\x1b[31mRed\x1b[0m\x07\x08"
    mixed = read("csv_mixed_encodings")
    assert len(mixed) == 3001 and mixed["Email"].iloc[-1] == "z@x.com"


def csv_cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def assert_inert(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), cell


@pytest.mark.parametrize("name", ["csv_formula_payloads", "xlsx_formula_payloads"])
def test_formula_payloads_come_out_inert_in_the_leads_export(name):
    filename, data = hf.BY_NAME[name].make("quick")
    imported = import_leads(data, filename)
    definition = Definition(criteria=[Criterion(field="company", op="contains_any",
                                                values=["cmd"], role="nice", points=5)],
                            threshold=0)
    for table in (imported.leads, imported.raw.rename(columns={"Company": "company"})):
        evaluation = evaluate(table, definition)
        rows = csv_cells(leads_csv(table, evaluation, definition=definition))
        assert_inert(rows)
        # The payloads are all there, each behind the protective quote when it needs one.
        cells = {cell for row in rows for cell in row}
        for payload in hf.FORMULAS:  # the leads table trims values: both forms count
            text = payload.replace("\r", "\n") if name.startswith("xlsx") else payload
            assert {safe_cell(text), safe_cell(text.strip())} & cells, text


def test_formula_payloads_in_a_definition_file_come_out_inert_in_every_export():
    _, data = hf.json_formula_values("quick")
    definition = read_file(data).definition
    assert definition.criteria[1].field == "=cmd|' /C calc'!A0"
    assert_inert(csv_cells(rules.points_csv(definition)))
    page = one_pager(definition, company="=HYPERLINK(\"x\")", title="<b>t</b>",
                     facilitator="@Dana", agreed_by=["+Sam"], agreed_at=None)
    html = to_html(page)
    assert "<script>" not in html and "<b>t</b>" not in html
    markdown = to_markdown(page)
    assert "<script>" not in markdown
    # The SQL runs as a query, whatever the values say.
    sql = rules.definition_sql(definition).decode()
    with sqlite3.connect(":memory:") as db:
        db.execute('CREATE TABLE leads (industry TEXT, "=cmd|\' /C calc\'!A0" TEXT)')
        db.execute("INSERT INTO leads VALUES ('x''); DROP TABLE leads; --', '<script>x</script>')")
        try:
            db.execute(sql).fetchall()
        except sqlite3.OperationalError as error:  # PostgreSQL functions SQLite lacks
            assert "no such function" in str(error), (error, sql)
        assert db.execute("SELECT count(*) FROM leads").fetchone() == (1,)


# --- Hypothesis: any input into the readers --------------------------------------------------

CSV_ALPHABET = st.sampled_from([",", ";", "\t", "|", '"', "\n", "\r", " ", "a", "1", "é", "€",
                                "\x00", "\x1b", "\ufeff", "\u202e", "=", "sep=;"])
CSV_TEXT = st.lists(CSV_ALPHABET, max_size=300).map("".join)
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1"])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.one_of(st.binary(max_size=3000),
                      st.tuples(CSV_TEXT, ENCODINGS).map(
                          lambda t: t[0].encode(t[1], errors="replace"))),
       filename=st.sampled_from(["leads.csv", "leads.xlsx", "leads.txt", ""]))
@example(data=b"PK\x03\x04" + b"\x00" * 100, filename="leads.xlsx")
@example(data=b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", filename="leads.csv")
@example(data=b"a\n" + b'"' * 70_000, filename="leads.csv")
@example(data=b"sep=\n", filename="")
def test_any_bytes_are_read_or_refused_with_a_sentence(data, filename):
    try:
        frame, found = read_export(data, filename)
    except ImportProblem as problem:
        assert_clear(str(problem))
        return
    assert (found.rows, found.columns) == frame.shape and found.rows > 0
    assert frame.columns.is_unique


def zipped_workbook(sheet: bytes, strings: bytes) -> bytes:
    return hf.zip_bytes(hf.workbook_parts({hf.SHEET: sheet, hf.SHARED: strings}))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheet=st.one_of(st.binary(max_size=400), st.lists(st.sampled_from(
           [b"<row>", b"</row>", b'<row r="999999999">', b'<c r="XFD1">', b'<c r="A1" t="s">',
            b"<v>", b"</v>", b"<v>99</v>", b"</c>", b"<c/>", b'<c t="n"><v>x</v></c>',
            b'<c t="d"><v>x</v></c>', b"<is><t>=1+1</t></is>", b"\x00", b"&amp;", b"&#0;"]),
           max_size=30).map(lambda parts: hf.sheet_xml([b"".join(parts)]))),
       strings=st.sampled_from([hf.STRINGS, b"", b"<sst/>", b"<sst><si><t>x</t></si>"]))
def test_any_workbook_contents_are_read_or_refused_with_a_sentence(sheet, strings):
    try:
        frame, found = read_export(zipped_workbook(sheet, strings), "leads.xlsx")
    except ImportProblem as problem:
        assert_clear(str(problem))
        return
    assert found.kind == "xlsx" and (found.rows, found.columns) == frame.shape


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["criteria", "actions", "threshold", "notes", "schema_version",
                         "about", "field", "op", "values", "low", "high", "role", "gate",
                         "points", "question", "x"]), children, max_size=5),
    max_leaves=20)


@settings(max_examples=120, deadline=None)
@given(text=st.one_of(st.text(max_size=300), st.binary(max_size=300),
                      JSON_VALUES.map(lambda v: json.dumps(v, allow_nan=True))))
@example(text='{"threshold": 1e999}')
@example(text='{"threshold": 10, "threshold": 20}')
@example(text="[" * 5000)
def test_any_definition_json_is_read_or_refused_with_a_sentence(text):
    try:
        read = read_file(text)
    except DefinitionError as error:
        assert str(error).startswith("The definition is not valid: ")
        assert_clear(str(error))
        return
    # What is read writes out and reads back as the same definition.
    assert read_file(read.definition.to_file_json()).definition == read.definition


@settings(max_examples=120, deadline=None)
@given(text=st.one_of(st.text(max_size=300), st.binary(max_size=300),
                      JSON_VALUES.map(lambda v: json.dumps(v, allow_nan=True)),
                      st.just("[" * 100_000), st.just('{"schema_version": 1' + "0" * 5000 + "}")))
def test_any_mapping_json_is_read_or_refused_with_a_sentence(text):
    try:
        mapping = Mapping.from_json(text)
    except ValueError as error:
        assert type(error) is ValueError
        assert_clear(str(error))
        return
    assert Mapping.from_json(mapping.to_json()) == mapping


# --- Hypothesis: any text into every form field the store keeps --------------------------------

SPECIAL_TEXTS = ["\x00", "a\x00b", "\ud800", "x\udfffy", "\u202eevil\u202c", "\u2066x\u2069",
                 "\ufeff", "\u200b", '=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0",
                 "@SUM(1)", "-2+3", "\t=1+1", "\r=1+1", "<script>alert(1)</script>",
                 "**bold** [x](http://evil.example) # h", "' OR 1=1 --", "\x1b[31mred",
                 "ﬁ\u0301\U0001F600", " \n\t ", ""]
TEXTS = st.one_of(st.sampled_from(SPECIAL_TEXTS),
                  st.text(st.characters(exclude_categories=()), max_size=60),
                  st.lists(st.sampled_from(SPECIAL_TEXTS), max_size=4).map("".join))
MEGABYTE = "x\u202e\x00é" * (MB // 4)
DB_SETTINGS = settings(max_examples=12, deadline=None,
                       suppress_health_check=[HealthCheck.function_scoped_fixture,
                                              HealthCheck.too_slow])


def typed(text: str) -> str:
    """A one-line field as the store keeps it: printable characters, blank runs collapsed."""
    return " ".join("".join(ch for ch in text if ch.isprintable() or ch.isspace()).split())


def assert_stored_or_refused(call, expected: str, limit: int):
    """`call()` stores the text and returns what was read back, or refuses it with a
    sentence; the text kept is `expected` (what the field makes of it)."""
    try:
        stored = call()
    except ValueError as error:
        assert not expected or len(expected) > limit, (expected, error)
        assert_clear(str(error))
        return None
    assert stored == expected
    return stored


def assert_rendered_inert(text: str) -> None:
    shown = escape_markdown(text)
    assert "\n" not in shown and "\r" not in shown
    assert not re.search(r"(?<!\\)[<>\[\]*_`#|]", shown), shown
    assert not safe_cell(text).startswith(FORMULA_STARTS)


@DB_SETTINGS
@given(company=TEXTS, title=TEXTS, name=TEXTS)
@example(company=MEGABYTE, title="T", name="N")
@example(company="Acme", title="\x00\ud800", name="\u202eDana")
def test_workshop_and_participant_names_are_kept_cleaned_or_refused(session, company, title,
                                                                    name):
    fields = {"company": company, "title": title, "facilitator_name": name}
    expected = {key: typed(value) for key, value in fields.items()}
    try:
        workshop, token = store.create_workshop(session, **fields)
    except ValueError as error:
        assert any(not v or len(v) > store.MAX_TEXT for v in expected.values()), error
        assert_clear(str(error))
        session.rollback()
        return
    kept = store.get_workshop(session, workshop.id)
    assert (kept.company, kept.title, kept.facilitator_name) == (
        expected["company"], expected["title"], expected["facilitator_name"])
    for value in (kept.company, kept.title, kept.facilitator_name):
        assert_rendered_inert(value)
    secret = store.invitations(session, workshop.id, token).secrets["marketing"]

    def join() -> str:
        _, member = store.join_with_invite(session, secret, name)
        return store.authenticate(session, workshop.id, member).name

    assert_stored_or_refused(join, typed(name), store.MAX_TEXT)


@DB_SETTINGS
@given(note=TEXTS, value=TEXTS)
@example(note=MEGABYTE, value="x" * 500)
@example(note="a\x00b", value="Soft\x00ware")
@example(note="\ud800", value="\udfff")
def test_a_note_and_a_criterion_value_are_kept_exactly_or_refused(session, note, value):
    """As the definition forms build them; kept in the definition JSON."""
    workshop_id, tokens = _revealed_workshop(session)
    fac = tokens["facilitator"]
    try:
        draft = Definition(criteria=[Criterion(field="industry", op="in",
                                               values=[value + "x"])],
                           notes={"pain": note})
    except ValidationError as error:  # refused while the form builds it; the form shows this
        assert_clear(describe_validation_error(error).removeprefix("The definition is not "
                                                                    "valid: "))
        assert "broken character" in str(error) or "at most 200 characters" in str(error)
        return
    assert draft.criteria[0].values == [" ".join((value + "x").split())]
    assert draft.notes == ({"pain": note} if note.strip() else {})
    revision = store.shared_state(session, workshop_id, fac).revision
    store.save_shared(session, workshop_id, fac, draft, revision)
    assert store.shared_state(session, workshop_id, fac).definition == draft
    assert_inert(csv_cells(rules.points_csv(draft)))
    for text in draft.criteria[0].values + list(draft.notes.values()):
        assert_rendered_inert(text)


@DB_SETTINGS
@given(note=TEXTS)
@example(note="x" * 5000)
@example(note="a\x00b")
@example(note="\ud800")
def test_a_decision_note_is_kept_exactly_or_refused(session, note):
    workshop_id, tokens = _revealed_workshop(session)
    fac = tokens["facilitator"]

    def discussed() -> str:
        versions.set_discussion(session, workshop_id, fac, "pain", open=True, note=note)
        return versions.discussion(session, workshop_id, fac)["pain"].note

    kept = assert_stored_or_refused(_rolled_back_on_error(session, discussed),
                                    store.clean_note(note), versions.MAX_NOTE)
    if kept:
        assert_rendered_inert(kept)


@DB_SETTINGS
@given(reason=TEXTS, name=TEXTS)
@example(reason="x" * 5000, name="x" * 300)
@example(reason="no\x00pe", name="Sa\x00m")
@example(reason="\ud800", name="\ud800")
def test_a_sign_off_reason_and_name_are_kept_exactly_or_refused(session, reason, name):
    workshop_id, tokens = _revealed_workshop(session)
    fac = tokens["facilitator"]
    versions.propose(session, workshop_id, fac,
                     store.shared_state(session, workshop_id, fac).revision)
    proposal = versions.current_proposal(session, workshop_id, fac)

    def objected() -> str:
        versions.sign(session, workshop_id, tokens["marketing"], proposal.id, agrees=False,
                      reason=reason)
        return versions.current_proposal(session, workshop_id, fac).answers["marketing"].reason

    if reason.strip():
        assert_stored_or_refused(_rolled_back_on_error(session, objected),
                                 store.clean_note(reason), versions.MAX_NOTE)

    def in_room() -> str:  # given out loud, recorded by the facilitator under a typed name
        versions.sign_in_room(session, workshop_id, fac, proposal.id, role="sales",
                              name=name, agrees=False, reason="Not yet")
        return versions.current_proposal(session, workshop_id, fac).answers["sales"].name

    assert_stored_or_refused(_rolled_back_on_error(session, in_room), typed(name),
                             store.MAX_TEXT)


def _revealed_workshop(session) -> tuple[str, dict[str, str]]:
    workshop, fac = store.create_workshop(session, company="Hostile Ltd", title="Fuzz",
                                          facilitator_name="Fay")
    tokens = {"facilitator": fac}
    for role, name in (("marketing", "Mia"), ("sales", "Sam")):
        tokens[role] = store.start_turn(session, workshop.id, fac, role=role, name=name)
    store.reveal(session, workshop.id, fac)
    store.save_shared(session, workshop.id, fac,
                      Definition(criteria=[Criterion(field="industry", op="in",
                                                     values=["Software"])]), 0)
    return workshop.id, tokens


def _rolled_back_on_error(session, call):
    """`call`, with the session usable again after a refusal (as a new page run would be)."""
    def guarded():
        try:
            return call()
        except Exception:
            session.rollback()
            raise
    return guarded


# --- the pages ----------------------------------------------------------------------------------

@pytest.fixture
def app_url(database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    return database_url


def in_db(action):
    engine = make_engine(app_database_url())
    try:
        with session(engine) as s:
            return action(s)
    finally:
        engine.dispose()


def open_page(workshop_id: str, token: str, page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["ws"], at.query_params["key"] = workshop_id, token
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def alerts(at: AppTest) -> str:
    return "\n".join(str(e.value) for kind in ("error", "warning")
                     for e in getattr(at, kind)).replace("\\", "")


PAGE_UPLOADS = ["xlsx_sheet_bomb", "xlsx_huge_row_number", "csv_huge_cell", "csv_wide_header",
                "csv_nul_bytes", "csv_gzip_renamed"]


def new_workshop(s) -> tuple[str, str]:
    workshop, fac = store.create_workshop(s, company="Hostile Ltd", title="Uploads",
                                          facilitator_name="Fay")
    return workshop.id, fac


def test_a_hostile_upload_on_the_evidence_page_shows_a_sentence_and_changes_nothing(app_url):
    workshop_id, token = in_db(new_workshop)
    at = open_page(workshop_id, token, "views/evidence.py")
    for name in PAGE_UPLOADS:
        case = hf.BY_NAME[name]
        filename, data = case.make("quick")
        at.file_uploader(key="evidence:file").set_value((filename, data, "text/csv"))
        at.run()
        assert not at.exception, (name, at.exception)
        shown = "\n".join(str(e.value) for e in at.error).replace("\\", "")
        assert "This file cannot be used" in shown and case.expect in shown, (name, shown)
        assert "Traceback" not in shown
        assert in_db(lambda s: store.current_upload(s, workshop_id, token)) is None, name


DEFINITION_UPLOADS = ["json_deep_list", "json_deep_object", "json_wrong_types",
                      "json_nan_infinity", "json_not_json", "json_utf16"]


def test_a_hostile_definition_file_shows_a_sentence_and_changes_nothing(app_url):
    workshop_id, token = in_db(new_workshop)
    at = open_page(workshop_id, token, "views/facilitator.py")
    before = in_db(lambda s: store.my_draft(s, workshop_id, token))
    for name in [*DEFINITION_UPLOADS, "json_huge_note"]:
        case = hf.BY_NAME[name]
        filename, data = case.make("quick")
        at.file_uploader[0].set_value((filename, data, "application/json"))
        at.run()
        assert not at.exception, (name, at.exception)
        shown = alerts(at)
        expected = "a few kilobytes" if name == "json_huge_note" else case.expect
        assert expected in shown, (name, shown)
        assert "Traceback" not in shown and "Replace your draft" not in shown
        assert not [b for b in at.button if b.label.startswith("Replace your draft")], name
        assert in_db(lambda s: store.my_draft(s, workshop_id, token)) == before, name
