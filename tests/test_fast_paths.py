"""The shortcuts that make a million-row import fast must give exactly what the plain way gives:
CSV pieces parsed in parallel, work on distinct values only, and Arrow casts for clean columns."""
from __future__ import annotations

import csv
import io
import random

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workshop import column_types, leads
from workshop.csv_pieces import record_pieces
from workshop.definition import Definition
from workshop.distinct import MIN_ROWS, SAMPLE_ROWS, Distinct, needs_trimming, per_distinct
from workshop.importer import read_export


def _csv(rows: list[list[str]], delimiter: str = ",", quoting: int = csv.QUOTE_MINIMAL) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


def _records(data: bytes, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(), newline=""), delimiter=delimiter))


# --- CSV pieces --------------------------------------------------------------------------------

_CELL = st.text(alphabet=st.sampled_from(list('ab ,;"\n\r-')), max_size=8)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(_CELL, min_size=3, max_size=3), min_size=1, max_size=40),
       delimiter=st.sampled_from([",", ";"]), piece=st.integers(1, 60),
       quote_all=st.booleans())
def test_pieces_are_whole_records_that_add_up_to_the_file(rows, delimiter, piece, quote_all):
    data = _csv(rows, delimiter, csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    pieces = record_pieces(data, 0, delimiter, piece_bytes=piece)
    assert pieces is not None, "a file written by the csv module is quoted the standard way"
    assert pieces[0][0] == 0 and pieces[-1][1] == len(data)
    assert all(end == begin for (_, end), (begin, _) in zip(pieces, pieces[1:], strict=False))
    parsed = [row for begin, end in pieces for row in _records(data[begin:end], delimiter)]
    assert parsed == _records(data, delimiter)


def test_a_quoted_value_spanning_the_cut_moves_the_cut_past_it():
    data = b'id,notes\n1,"first\nsecond\nthird"\n2,plain\n'
    pieces = record_pieces(data, len(b"id,notes\n"), ",", piece_bytes=4)
    assert [data[b:e] for b, e in pieces] == [b'1,"first\nsecond\nthird"\n', b"2,plain\n"]


@pytest.mark.parametrize("body", [
    b'1,5\'10" tall,"a\nb"\n2,x,y\n',   # a literal quote inside an unquoted value
    b'1,"ab"cd,e\n2,x,y\n',             # text straight after a closing quote
    b'1,"never closed\n2,x,y\n',        # an odd number of quotes
])
def test_quotes_used_any_other_way_give_no_pieces(body):
    assert record_pieces(body, 0, ",", piece_bytes=4) is None


def _big_export(notes: list[str]) -> tuple[bytes, list[list[str]]]:
    rows = [["Id", "Notes", "Title"]]
    rows += [[str(i), notes[i % len(notes)], "x" * 40] for i in range(60_000)]
    return _csv(rows), rows


def test_a_multi_megabyte_export_with_line_breaks_in_values_reads_as_the_csv_module_does():
    data, rows = _big_export(["one line", "two\nlines", 'quoted "word", and comma', ""])
    assert len(data) > 3 * 1024 * 1024  # several pieces
    frame, found = read_export(data)
    assert found.rows == len(rows) - 1
    expected = pd.DataFrame(rows[1:], columns=rows[0]).replace("", None)
    assert frame.fillna("\0").values.tolist() == expected.fillna("\0").values.tolist()


def test_a_multi_megabyte_export_without_quotes_reads_in_pieces_as_the_csv_module_does():
    rows = [["Id", "Title", "Country"]]
    rows += [[str(i), f"Title {i % 97}", "" if i % 13 == 0 else "France"] for i in range(200_000)]
    data = _csv(rows)
    assert b'"' not in data and len(data) > 3 * 1024 * 1024
    assert len(record_pieces(data, len(b"Id,Title,Country\n"), ",",
                             quotes=np.empty(0, dtype=np.int64))) > 1
    frame, found = read_export(data)
    assert found.rows == len(rows) - 1
    expected = pd.DataFrame(rows[1:], columns=rows[0]).replace("", None)
    assert frame.fillna("\0").values.tolist() == expected.fillna("\0").values.tolist()


def test_an_export_with_a_literal_quote_is_read_whole_and_still_right():
    data, rows = _big_export(["plain", 'a "quoted" note\nover two lines'])
    data = data.replace(b"x" * 40, b'5\'10" ' + b"x" * 34)  # bare quotes: no pieces
    frame, found = read_export(data)
    assert found.rows == len(rows) - 1
    assert frame.at[1, "Notes"] == 'a "quoted" note\nover two lines'
    assert frame.at[59_999, "Title"] == "5'10\" " + "x" * 34


# --- distinct values ---------------------------------------------------------------------------

def _repeated(values: list, rows: int = MIN_ROWS * 2, dtype: str = "str") -> pd.Series:
    rng = random.Random(len(values))
    return pd.Series([rng.choice(values) for _ in range(rows)], dtype=dtype)


def test_a_repetitive_column_is_encoded_and_a_unique_one_left_whole():
    assert not Distinct.of(_repeated(["a", "b", None])).whole
    unique = pd.Series([f"id-{i}" for i in range(MIN_ROWS * 2)], dtype="str")
    assert Distinct.of(unique).whole
    assert not Distinct.of(unique, repeats_below=1.0).whole


_MESSY = st.sampled_from([
    " Software ", "SOFTWARE", "software", "N/A", "--None--", "Select", "", "unknown", "-",
    "1,001-5,000", "$1.5M", "10M-50M", "51-200", "10,001+", "12", " 7 ", "1.5e6", "Yes", "no",
    "TRUE", "checked", "2026-03-01", "03/04/2026", "2026-03-01T10:00:00Z", "VP Finance",
    "Accounting Student", "cfo", "anna@GMAIL.com", "bob@acme.io ", "Closed Won", "closedlost",
    "Qualification", "Müller GmbH", "ü", "1.234,5",
])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(_MESSY, min_size=1, max_size=12), with_missing=st.booleans())
def test_every_parser_gives_the_same_on_distinct_values_as_on_every_row(values, with_missing):
    column = _repeated(values + ([None] if with_missing else []))
    assert not Distinct.of(column, repeats_below=1.0).whole
    for parser in (leads.blank_placeholders, leads.parse_bool, leads.parse_count,
                   leads.parse_number, leads.parse_date, leads.job_function, leads.seniority,
                   leads.personal_email, leads.outcome):
        at_once = parser(column)
        one_by_one = pd.concat([parser(column.iloc[i:i + 1]) for i in range(len(values) + 2)])
        pd.testing.assert_series_equal(at_once.iloc[:len(one_by_one)], one_by_one,
                                       check_names=False, check_index=False)


@settings(max_examples=12, deadline=None)
@given(values=st.lists(_MESSY, min_size=1, max_size=10))
def test_normalise_gives_the_same_on_a_big_table_as_on_small_slices(values):
    rng = random.Random(len(values))
    headers = list(leads.SAMPLE_MAPPING)
    small = MIN_ROWS - 1  # below the size where distinct values are worth encoding
    # Two slices of `small` rows, each holding every value (a column is judged by its values:
    # a slice without the one value that proves a decimal comma would rightly read otherwise).
    raw = pd.DataFrame({h: [rng.choice(values) for _ in range(small * 2)] for h in headers},
                       dtype="str")
    whole = leads.normalise(raw, leads.SAMPLE_MAPPING)
    slices = pd.concat([leads.normalise(raw.iloc[i:i + small], leads.SAMPLE_MAPPING)
                        for i in range(0, len(raw), small)])
    # Slices with different categories concatenate to text: compare category fields as text.
    assert isinstance(whole["industry"].dtype, pd.CategoricalDtype)
    pd.testing.assert_frame_equal(_as_text(whole), _as_text(slices))


@pytest.mark.parametrize("chunked", [False, True])
def test_values_first_met_after_the_sampled_rows_are_encoded_too(chunked):
    early = ["Software", "Retail", None] * (SAMPLE_ROWS // 3 + 1)
    late = ["Mining", "software ", None, "Retail", "Légal"] * 500
    column = pd.Series(early + late, dtype="str")
    if chunked:  # as read in pieces: one Arrow chunk per piece
        arrow = pa.array(column.array)
        column = pd.Series(pa.chunked_array([arrow.slice(0, 5000), arrow.slice(5000)]).to_pandas()
                           .array, dtype="str")
    values = Distinct.of(column, repeats_below=1.0)
    assert not values.whole and len(values.values) == 5  # four seen early or late, no missing
    upper = values.apply(lambda text: text.str.upper())
    assert upper.fillna("?").tolist() == column.str.upper().fillna("?").tolist()
    as_category = values.categorical(values.values.str.strip())
    assert as_category.astype("str").fillna("?").tolist() == \
        column.str.strip().fillna("?").tolist()


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.apply(lambda column: column.astype("str")
                       if isinstance(column.dtype, pd.CategoricalDtype) else column)


def test_spreading_an_unchanged_column_hands_back_the_same_column():
    column = _repeated(["Software", "Retail"])
    assert leads.blank_placeholders(column) is column


def test_per_distinct_on_an_object_column_uses_pandas():
    column = _repeated(["a ", None, "b"], dtype="object")
    stripped = per_distinct(column, lambda s: s.str.strip())
    assert stripped.fillna("?").tolist() == column.str.strip().fillna("?").tolist()


# --- Arrow casts for clean columns -------------------------------------------------------------

_PLAIN = st.one_of(st.integers(-10**12, 10**12).map(str),
                   st.floats(-1e9, 1e9, allow_nan=False).map(lambda f: f"{f:.4f}"),
                   st.floats(1, 1e6, allow_nan=False).map(lambda f: f"{f:.2e}"))


@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.one_of(_PLAIN, st.none()), min_size=1, max_size=30),
       padded=st.booleans())
def test_the_arrow_cast_of_plain_numbers_equals_the_general_parser(values, padded):
    text = pd.Series([v if v is None or not padded else f" {v} " for v in values], dtype="str")
    fast = leads.parse_number(text)
    general = per_distinct(text, leads._parse_number_text).astype("float64")
    np.testing.assert_allclose(fast.to_numpy(), general.to_numpy(), rtol=1e-12)
    counts = leads.parse_count(text)
    expected = general.fillna(0).clip(lower=0).round().astype("int64")
    if all(v is None or "." not in v and "e" not in v for v in values):
        assert leads._plain_counts(text) is not None
    assert counts.tolist() == expected.tolist()


@settings(max_examples=60, deadline=None)
@given(stamps=st.lists(st.one_of(st.datetimes(min_value=pd.Timestamp("1990-01-01").to_pydatetime(),
                                              max_value=pd.Timestamp("2040-01-01").to_pydatetime()),
                                 st.none()), min_size=1, max_size=20),
       form=st.sampled_from(["%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]))
def test_the_arrow_cast_of_iso_dates_equals_pandas(stamps, form):
    text = pd.Series([s.strftime(form) if s else None for s in stamps], dtype="str")
    assert leads._iso_timestamps(text) is not None
    pd.testing.assert_series_equal(leads.parse_date(text),
                                   column_types.parse_dates(text, column_types.YEAR_FIRST),
                                   check_dtype=False, check_names=False)


def test_month_labels_are_year_and_month_and_keep_missing_dates_missing():
    created = pd.Series(pd.to_datetime(["2026-03-01 10:00", None, "2025-12-31 23:59"]))
    assert leads.month_labels(created).tolist()[::2] == ["2026-03", "2025-12"]
    assert pd.isna(leads.month_labels(created).iloc[1])


@settings(max_examples=60, deadline=None)
@given(stamps=st.lists(st.one_of(st.datetimes(min_value=pd.Timestamp("1900-01-01").to_pydatetime(),
                                              max_value=pd.Timestamp("2100-01-01").to_pydatetime()),
                                 st.none()), max_size=30))
def test_month_labels_equal_formatting_each_date_and_come_in_calendar_order(stamps):
    created = pd.Series(pd.to_datetime(stamps), dtype="datetime64[us]")
    labels = leads.month_labels(created)
    assert labels.astype("str").fillna("?").tolist() == \
        [s.strftime("%Y-%m") if s else "?" for s in stamps]
    categories = list(labels.cat.categories)
    assert categories == sorted({s.strftime("%Y-%m") for s in stamps if s})


# --- what is kept per leads table (workshop.per_table) ------------------------------------------

def _plain_evaluation(leads: pd.DataFrame, definition) -> pd.DataFrame:
    """The rules read plainly: each condition on a fresh copy of the leads (nothing kept from
    before), combined with pandas as the definition says."""
    from workshop.evaluate import action_done, criterion_mask

    def hit(criterion) -> pd.Series:
        return criterion_mask(leads.copy(), criterion).reset_index(drop=True)

    n = len(leads)
    disqualified = pd.Series(False, index=range(n))
    for c in definition.disqualifiers:
        disqualified = disqualified | hit(c)
    gates = {}
    for gate in ("mql", "sql"):
        gates[gate] = pd.Series(True, index=range(n))
        for c in definition.gate(gate):
            gates[gate] = gates[gate] & hit(c)
    points = pd.Series(0, index=range(n))
    for c in definition.nice_to_haves:
        points = points + hit(c).astype(int) * c.points
    for a in definition.actions:
        points = points + action_done(leads.copy(), a.field).reset_index(drop=True) \
            .astype(int) * a.points
    is_mql = ~disqualified & gates["mql"] & (points >= definition.threshold)
    is_sql = is_mql & gates["sql"]
    stage = np.where(is_sql, "SQL", np.where(is_mql, "MQL", "Not qualified"))
    return pd.DataFrame({"stage": stage, "points": points, "is_mql": is_mql, "is_sql": is_sql})


def _edited(definition, rng: random.Random):
    """One random edit, as a step 3 Apply or a hand edit makes: a bound, a value set, a role,
    points or the threshold changed, or a criterion dropped."""
    criteria = list(definition.criteria)
    i = rng.randrange(len(criteria))
    c = criteria[i]
    kind = rng.choice(["bound", "values", "role", "points", "threshold", "drop"])
    if kind == "bound" and (c.low is not None or c.high is not None):
        criteria[i] = c.model_copy(update={"low": (c.low or 0) + rng.randint(-5, 5)}
                                   if c.low is not None else
                                   {"high": (c.high or 0) + rng.randint(-5, 5)})
    elif kind == "values" and c.values:
        more = ["referral", "true"][:rng.randint(0, 2)]
        criteria[i] = c.model_copy(update={"values": c.values[:1] + more})
    elif kind == "role":
        criteria[i] = c.model_copy(update=rng.choice([{"role": "must", "gate": "sql"},
                                                      {"role": "disqualifier"},
                                                      {"role": "nice", "points": 15}]))
    elif kind == "points" and c.role == "nice":
        criteria[i] = c.model_copy(update={"points": rng.randint(1, 40)})
    elif kind == "drop" and len(criteria) > 1:
        criteria.pop(i)
    threshold = rng.choice([0, 10, 25]) if kind == "threshold" else definition.threshold
    return definition.model_copy(update={"criteria": criteria, "threshold": threshold})


@pytest.mark.parametrize("seed", range(12))
def test_kept_conditions_give_what_the_plain_reading_gives_through_random_edits(seed):
    """One leads table, a random definition over every operator, then twenty random edits:
    each evaluation (with every condition seen before kept) equals the plain reading."""
    from tests.test_operators import random_definition
    from tests.test_sql import MESSY
    from workshop.evaluate import evaluate

    leads = MESSY.copy()
    rng = random.Random(seed)
    definition = random_definition(seed)
    for _ in range(20):
        got = evaluate(leads, definition).frame.reset_index(drop=True)
        want = _plain_evaluation(leads, definition)
        assert got["stage"].astype(str).tolist() == want["stage"].tolist(), definition
        assert got["points"].tolist() == want["points"].tolist(), definition
        assert got["is_mql"].tolist() == want["is_mql"].tolist()
        assert got["is_sql"].tolist() == want["is_sql"].tolist()
        definition = _edited(definition, rng)


def test_the_sample_leads_through_the_demo_drafts_and_edits():
    from workshop import demo
    from workshop.evaluate import evaluate
    from workshop.leads import load_sample_leads

    leads = load_sample_leads()
    rng = random.Random(3)
    for definition in demo.drafts().values():
        for _ in range(5):
            got = evaluate(leads, definition).frame.reset_index(drop=True)
            want = _plain_evaluation(leads, definition)
            assert got["stage"].astype(str).tolist() == want["stage"].tolist()
            assert got["points"].tolist() == want["points"].tolist()
            definition = _edited(definition, rng)


def test_conditions_kept_stay_within_the_budget_and_results_stay_right(monkeypatch):
    from tests.test_operators import random_definition
    from tests.test_sql import MESSY
    from workshop import per_table
    from workshop.evaluate import evaluate

    monkeypatch.setattr(per_table, "MASK_BUDGET_BYTES", 16 * len(MESSY))  # 16 conditions
    leads = MESSY.copy()
    for seed in range(40):
        definition = random_definition(seed)
        got = evaluate(leads, definition).frame.reset_index(drop=True)
        assert got["points"].tolist() == _plain_evaluation(leads, definition)["points"].tolist()
        assert len(per_table.masks(leads)) <= 16


def test_the_budget_is_one_for_all_tables_together(monkeypatch):
    """Several workshops' exports on one server share one budget: evaluating on two tables in
    turn never keeps more than it allows, and what was dropped is computed again, right."""
    from tests.test_operators import random_definition
    from tests.test_sql import MESSY
    from workshop import per_table
    from workshop.evaluate import evaluate

    monkeypatch.setattr(per_table, "MASK_BUDGET_BYTES", 16 * len(MESSY))
    tables = [MESSY.copy(), MESSY.copy()]
    for seed in range(30):
        for table in tables:
            definition = random_definition(seed)
            got = evaluate(table, definition).frame.reset_index(drop=True)
            assert got["points"].tolist() == \
                _plain_evaluation(table, definition)["points"].tolist()
            assert sum(len(per_table.masks(t)) for t in tables) <= 16
            assert per_table.kept_bytes() <= 16 * len(MESSY)
    import gc

    gc.collect()  # other tests' tables that are garbage go first
    before = per_table.kept_bytes()
    kept_by_first = sum(v.nbytes for v in per_table._tables[id(tables[0])].masks.values())
    del tables[0]
    gc.collect()
    assert per_table.kept_bytes() == before - kept_by_first


def test_what_is_kept_for_a_table_goes_with_it():
    import gc

    from workshop import per_table
    from workshop.evaluate import evaluate
    from workshop.leads import load_sample_leads

    leads = load_sample_leads()
    from workshop import demo

    evaluate(leads, demo.marketing_draft())
    key = id(leads)
    assert key in per_table._tables and len(per_table.masks(leads)) > 0
    del leads
    gc.collect()
    assert key not in per_table._tables


def test_months_and_outcomes_kept_per_table_match_a_fresh_reading():
    """The monthly volume and the win rates, read twice from one table (the second time from
    what was kept), equal the same read from a fresh copy."""
    from workshop import demo, preview
    from workshop.evaluate import evaluate
    from workshop.leads import load_sample_leads

    leads = load_sample_leads()
    for definition in demo.drafts().values():
        result = evaluate(leads, definition)
        fresh = leads.copy()
        fresh_result = evaluate(fresh, definition)
        for _ in range(2):
            pd.testing.assert_frame_equal(preview.monthly_volume(leads, result),
                                          preview.monthly_volume(fresh, fresh_result))
            assert preview.outcome_metrics(leads, result) == \
                preview.outcome_metrics(fresh, fresh_result)
    # the months by hand: leads per created month, dated leads only
    volume = preview.monthly_volume(leads, evaluate(leads, demo.marketing_draft()))
    created = pd.to_datetime(leads["created"])
    by_hand = created.dt.strftime("%Y-%m").value_counts().sort_index()
    everyone = evaluate(leads, Definition())
    assert preview.monthly_volume(leads, everyone)["mql"].tolist() == by_hand.tolist()
    assert volume["month"].tolist() == by_hand.index.tolist()


@pytest.mark.parametrize("seed", range(6))
def test_conditions_worked_out_on_every_core_give_the_plain_reading(seed, monkeypatch):
    """The same random definitions and edits with the conditions worked out by a pool of
    threads (as for a big table), on a machine said to have two cores or four."""
    import threading

    from tests.test_operators import random_definition
    from tests.test_sql import MESSY
    from workshop import evaluate as evaluate_module

    monkeypatch.setattr(evaluate_module, "PARALLEL_ROWS", 0)
    monkeypatch.setattr(evaluate_module.os, "cpu_count", lambda: 2 + 2 * (seed % 2))
    workers: set[str] = set()
    plain_mask = evaluate_module.criterion_mask

    def recorded(leads, criterion):
        workers.add(threading.current_thread().name)
        return plain_mask(leads, criterion)

    monkeypatch.setattr(evaluate_module, "criterion_mask", recorded)
    leads = MESSY.copy()
    rng = random.Random(100 + seed)
    definition = random_definition(100 + seed)
    for _ in range(12):
        got = evaluate_module.evaluate(leads, definition).frame.reset_index(drop=True)
        want = _plain_evaluation(leads, definition)
        assert got["stage"].astype(str).tolist() == want["stage"].tolist(), definition
        assert got["points"].tolist() == want["points"].tolist(), definition
        assert got["is_mql"].tolist() == want["is_mql"].tolist()
        definition = _edited(definition, rng)
    assert workers - {threading.main_thread().name}, "no condition was worked out in a pool"


def test_a_small_table_is_evaluated_without_a_pool(monkeypatch):
    from workshop import evaluate as evaluate_module
    from workshop.leads import load_sample_leads

    def no_pool(*args, **kwargs):
        raise AssertionError("a pool was started for a small table")

    monkeypatch.setattr(evaluate_module, "ThreadPoolExecutor", no_pool)
    from workshop import demo

    leads = load_sample_leads().copy()
    assert len(leads) < evaluate_module.PARALLEL_ROWS
    for definition in demo.drafts().values():
        got = evaluate_module.evaluate(leads, definition).frame["stage"].astype(str).tolist()
        assert got == _plain_evaluation(leads, definition)["stage"].tolist()


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.one_of(
    st.none(), st.text(max_size=12),
    st.sampled_from(["Straße", "İstanbul", "ﬁnance", "ΣΊΣΥΦΟΣ", "Organic_Search", "Vice-President",
                     "  Zoë  ", "ORGANIC-SEARCH", "DŽ", "ǅ"])), min_size=1, max_size=40),
       arrow=st.booleans())
def test_folding_in_arrow_is_python_casefold_value_by_value(values, arrow):
    """Text rules compare values casefolded (`evaluate.casefold`: "İ" a plain "i"), with
    separators left out or read as spaces: the Arrow path (ASCII lowered there, the rest
    casefolded by Python) gives what Python gives."""
    from workshop.evaluate import casefold, casefolded, fold, fold_value, fold_word, fold_words

    column = pd.Series(values, dtype="str" if arrow else "object")
    expected = [None if v is None else casefold(v) for v in values]
    assert casefold("İ") == "i" and casefold("Straße") == "strasse"
    assert [None if pd.isna(v) else v for v in casefolded(column)] == expected
    assert [None if pd.isna(v) else v for v in fold(column)] == [
        None if v is None else fold_value(v) for v in values]
    assert [None if pd.isna(v) else v for v in fold_words(column)] == [
        None if v is None else fold_word(v) for v in values]


# --- trimming only what needs it ---------------------------------------------------------------

_EDGY = st.text(alphabet=st.sampled_from(list("ab1 \t\u00a0\u2003\u3000é\n")), max_size=6)


def _arrow_column(values: list[str | None], large: bool, chunks: int, offset: int
                  ) -> pa.ChunkedArray:
    kind = pa.large_string() if large else pa.string()
    padded = pa.array(["pad"] * offset + values, type=kind).slice(offset)  # a sliced buffer
    cut = max(1, len(values) // chunks) if values else 1
    return pa.chunked_array([padded.slice(at, cut) for at in range(0, len(values), cut)]
                            or [padded], type=kind)


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.one_of(_EDGY, st.none()), max_size=20), large=st.booleans(),
       chunks=st.integers(1, 3), offset=st.integers(0, 2))
def test_a_column_said_to_need_no_trimming_is_unchanged_by_trimming(values, large, chunks,
                                                                     offset):
    arrow = _arrow_column(values, large, chunks, offset)
    trimmed = pa.compute.utf8_trim_whitespace(arrow)
    clean = all(v is None or (v and v == v.strip() and v == trimmed_value)
                for v, trimmed_value in zip(values, trimmed.to_pylist(), strict=True))
    if not needs_trimming(arrow):
        assert clean
    if all(v is None or (v and v[0].isascii() and v[-1].isascii() and v == v.strip())
           for v in values):
        assert not needs_trimming(arrow)  # the glance lets clean ASCII columns through


def test_a_clean_text_column_comes_back_as_it_is_and_a_padded_one_trimmed():
    clean = pd.Series(["ann@acme.com", None, "bo@beta.io"] * 1_000, dtype="str")
    assert leads.trim_blanks(clean) is clean
    assert leads.blank_placeholders(clean) is clean
    for padded in ("bo@beta.io\u00a0", " bo@beta.io", ""):
        column = pd.Series(["ann@acme.com", None, padded] * 1_000, dtype="str")
        expected = [v.strip() or None if isinstance(v, str) else None for v in column]
        assert leads.trim_blanks(column).tolist() == [v if v else np.nan for v in expected]


# --- date order judged on the numeric dates alone ---------------------------------------------

def _date_order_of_every_value(values: pd.Series, default: str) -> tuple[str, bool, str]:
    """The order as read before: Python's expression run over every filled value."""
    text = column_types.filled(values)
    parts = text.str.extract(column_types._NUMERIC_DATE)
    numeric = parts[0].notna()
    if not numeric.any():
        return column_types.YEAR_FIRST, False, ""
    first = pd.to_numeric(parts[0][numeric], errors="coerce")
    second = pd.to_numeric(parts[2][numeric], errors="coerce")
    day_first, month_first = first > 12, second > 12

    def example(deciding: pd.Series, day: pd.Series) -> str:  # a day every month has, if any
        real = (deciding & (day <= 28)).to_numpy()
        return str(text[numeric][real if real.any() else deciding.to_numpy()].iloc[0])

    if day_first.any() and not month_first.any():
        return column_types.DAY_FIRST, False, example(day_first, first)
    if month_first.any() and not day_first.any():
        return column_types.MONTH_FIRST, False, example(month_first, second)
    if day_first.any():
        order = (column_types.DAY_FIRST if day_first.sum() >= month_first.sum()
                 else column_types.MONTH_FIRST)
        dated = text[numeric]
        one_way = [dated[(a & ~b).to_numpy()] for a, b in ((day_first, month_first),
                                                           (month_first, day_first))]
        both = (f"{one_way[0].iloc[0]} and {one_way[1].iloc[0]}"
                if all(len(found) for found in one_way) else "")
        return order, True, both
    if (parts[1][numeric] == ".").all():
        return column_types.DAY_FIRST, False, ""
    return default, True, ""


_DATE_TEXT = st.one_of(
    st.builds(lambda d, m, y, sep, sep2: f"{d}{sep}{m}{sep2}{y}", st.integers(1, 31),
              st.integers(1, 31), st.sampled_from(["2025", "25", "1999"]),
              st.sampled_from(["/", "-", "."]), st.sampled_from(["/", "-", "."])),
    st.sampled_from(["2025-03-01", "2025-03-01 10:00", "n/a", "", " 3/14/2025 ", "14.03.2025 9:05",
                     "Mar 3, 2025", "12/31/2025 11:59 PM", "x1/2/2025", "13/01/2025, 14:38:19",
                     "08/04/2024 09h29", "12/02/2025 20:18:06 +0000", "6.4.2024, 20:57"]))


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.one_of(_DATE_TEXT, st.none()), max_size=25),
       default=st.sampled_from([column_types.DAY_FIRST, column_types.MONTH_FIRST]))
def test_date_order_equals_reading_every_value(values, default):
    column = pd.Series(values, dtype="str")
    assert column_types.date_order(column, default) == _date_order_of_every_value(column,
                                                                                  default)
