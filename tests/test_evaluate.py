"""Vectorised evaluation: stage, points and reasons, by hand and against a slow reference."""
from __future__ import annotations

import math
import random

import numpy as np
import pandas as pd
import pytest

from workshop import leads
from workshop.definition import Action, Criterion, Definition
from workshop.evaluate import (
    MQL,
    NOT_QUALIFIED,
    SQL,
    MissingColumn,
    action_done,
    criterion_mask,
    empty_columns,
    evaluate,
    missing_columns,
    reasons,
)

NA = None


def _mask(column, **criterion) -> list[bool]:
    leads = pd.DataFrame({"col": column})
    return criterion_mask(leads, Criterion(field="col", **criterion)).tolist()


# --- every operator, on one column ---------------------------------------------------------
@pytest.mark.parametrize("values,criterion,expected", [
    # in: case-insensitive, trimmed, missing never passes
    (["Software", "software ", " SOFTWARE", "Retail", NA, ""],
     {"op": "in", "values": ["Software"]}, [True, True, True, False, False, False]),
    (["Software", "Retail", "Media", NA], {"op": "in", "values": ["retail", "MEDIA"]},
     [False, True, True, False]),
    (["Straße", "STRASSE"], {"op": "in", "values": ["strasse"]}, [True, True]),
    ([1, 2, 3], {"op": "in", "values": ["2"]}, [False, True, False]),
    # not_in: missing is unknown, so never passes
    (["Software", "Retail", NA, "retail "], {"op": "not_in", "values": ["Retail"]},
     [True, False, False, False]),
    ([NA, NA], {"op": "not_in", "values": ["x"]}, [False, False]),
    # contains_any: substring, case-insensitive, missing never passes
    (["CFO", "Chief Financial Officer", "Finance intern", NA, "Student"],
     {"op": "contains_any", "values": ["intern", "STUDENT"]}, [False, False, True, False, True]),
    (["Head of FP&A", "fp&a lead", "Accountant"], {"op": "contains_any", "values": ["FP&A"]},
     [True, True, False]),
    (["a.b", "axb"], {"op": "contains_any", "values": ["a.b"]}, [True, False]),  # not a regex
    # between: inclusive, missing and non-numbers never pass, numeric strings do
    ([49, 50, 500, 1000, 1001, NA], {"op": "between", "low": 50, "high": 1000},
     [False, True, True, True, False, False]),
    (["49", "50", "1000", "1001", "n/a", NA], {"op": "between", "low": 50, "high": 1000},
     [False, True, True, False, False, False]),
    ([49.9, 50.0, np.nan], {"op": "between", "low": 50, "high": 50}, [False, True, False]),
    # at_least / at_most
    ([9_999, 10_000, 10_001, NA], {"op": "at_least", "low": 10_000}, [False, True, True, False]),
    (["25000", " 30000 ", "lots"], {"op": "at_least", "low": 25_000}, [True, True, False]),
    ([2, 3, 4, NA], {"op": "at_most", "high": 3}, [True, True, False, False]),
    ([-1, 0, 1], {"op": "at_most", "high": 0}, [True, True, False]),
    # booleans: True/False, yes/no, 1/0 and missing
    ([True, False], {"op": "is_true"}, [True, False]),
    ([True, False], {"op": "is_false"}, [False, True]),
    ([True, False, NA], {"op": "is_true"}, [True, False, False]),
    ([True, False, NA], {"op": "is_false"}, [False, True, False]),
    (["yes", "No", " YES ", "n", "y", "true", "FALSE", NA, "maybe"], {"op": "is_true"},
     [True, False, True, False, True, True, False, False, False]),
    (["yes", "No", " YES ", "n", "y", "true", "FALSE", NA, "maybe"], {"op": "is_false"},
     [False, True, False, True, False, False, True, False, False]),
    ([1, 0, np.nan, 3], {"op": "is_true"}, [True, False, False, True]),
    ([1, 0, np.nan, 3], {"op": "is_false"}, [False, True, False, False]),
    (["1", "0", NA], {"op": "is_true"}, [True, False, False]),
    (["1", "0", NA], {"op": "is_false"}, [False, True, False]),
], ids=lambda value: value["op"] if isinstance(value, dict) else None)
def test_criterion_mask(values, criterion, expected):
    assert _mask(values, **criterion) == expected


def test_boolean_nullable_dtype():
    leads = pd.DataFrame({"flag": pd.array([True, False, pd.NA], dtype="boolean")})
    assert criterion_mask(leads, Criterion(field="flag", op="is_true")).tolist() == [
        True, False, False]
    assert criterion_mask(leads, Criterion(field="flag", op="is_false")).tolist() == [
        False, True, False]


def test_mask_keeps_the_leads_index():
    leads = pd.DataFrame({"industry": ["Software", "Retail"]}, index=["a", "b"])
    mask = criterion_mask(leads, Criterion(field="industry", op="in", values=["Software"]))
    assert mask.to_dict() == {"a": True, "b": False}


def test_in_on_float_column_with_missing_values():
    assert _mask([1, 2, np.nan], op="in", values=["2"]) == [False, True, False]


@pytest.mark.parametrize("values,expected", [
    ([0, 1, 3, np.nan], [False, True, True, False]),
    (["yes", "no", NA], [True, False, False]),
    ([True, False, NA], [True, False, False]),
    (["2", "0", None], [True, False, False]),
])
def test_action_done(values, expected):
    leads = pd.DataFrame({"demo_requested": values})
    assert action_done(leads, "demo_requested").tolist() == expected


# --- stages ---------------------------------------------------------------------------------
LEADS = pd.DataFrame({
    "industry": ["Software", "Software", "Retail", "software", NA, "Software"],
    "budget": [50_000, 5_000, 50_000, 50_000, 50_000, NA],
    "personal_email": [False, False, False, True, False, NA],
    "seniority": ["VP", "Manager", "VP", "VP", "VP", "VP"],
    "demo_requested": [1, 0, 2, 5, 1, 3],
    "email_clicks": [0, 4, 1, 0, 0, 0],
})


def _stages(definition: Definition, leads: pd.DataFrame = LEADS) -> list[str]:
    return evaluate(leads, definition).stage.tolist()


@pytest.mark.parametrize("definition,expected", [
    # nothing: everyone is at least... an SQL (no gate, threshold 0)
    (Definition(), [SQL] * 6),
    # MQL gate only: SQL gate empty, so MQL implies SQL
    (Definition(criteria=[Criterion(field="industry", op="in", values=["Software"])]),
     [SQL, SQL, NOT_QUALIFIED, SQL, NOT_QUALIFIED, SQL]),
    # SQL gate only: everyone is an MQL, those meeting budget are SQL; missing budget is not
    (Definition(criteria=[Criterion(field="budget", op="at_least", low=10_000, gate="sql")]),
     [SQL, MQL, SQL, SQL, SQL, MQL]),
    # both gates: SQL needs the MQL gate too
    (Definition(criteria=[Criterion(field="industry", op="in", values=["Software"]),
                          Criterion(field="budget", op="at_least", low=10_000, gate="sql")]),
     [SQL, MQL, NOT_QUALIFIED, SQL, NOT_QUALIFIED, MQL]),
    # disqualifier overrides everything; missing never disqualifies
    (Definition(criteria=[Criterion(field="personal_email", op="is_true", role="disqualifier")]),
     [SQL, SQL, SQL, NOT_QUALIFIED, SQL, SQL]),
    (Definition(criteria=[Criterion(field="industry", op="in", values=["Retail"],
                                    role="disqualifier")]),
     [SQL, SQL, NOT_QUALIFIED, SQL, SQL, SQL]),
    (Definition(criteria=[Criterion(field="industry", op="not_in", values=["Software"],
                                    role="disqualifier")]),
     [SQL, SQL, NOT_QUALIFIED, SQL, SQL, SQL]),
    # threshold from actions: demo 30 (counts once however many), clicks 2
    (Definition(actions=[Action(field="demo_requested", points=30),
                         Action(field="email_clicks", points=2)], threshold=30),
     [SQL, NOT_QUALIFIED, SQL, SQL, SQL, SQL]),
    (Definition(actions=[Action(field="demo_requested", points=30),
                         Action(field="email_clicks", points=2)], threshold=32),
     [NOT_QUALIFIED, NOT_QUALIFIED, SQL, NOT_QUALIFIED, NOT_QUALIFIED, NOT_QUALIFIED]),
    # threshold reached with a nice-to-have
    (Definition(criteria=[Criterion(field="seniority", op="in", values=["VP"], role="nice",
                                    points=10)],
                actions=[Action(field="email_clicks", points=2)], threshold=10),
     [SQL, NOT_QUALIFIED, SQL, SQL, SQL, SQL]),
])
def test_stages(definition, expected):
    assert _stages(definition) == expected


@pytest.mark.parametrize("threshold,expected", [
    (39, [True, False, True]),
    (40, [True, False, True]),  # == threshold qualifies
    (41, [False, False, True]),
])
def test_threshold_boundary(threshold, expected):
    leads = pd.DataFrame({"demo_requested": [1, 0, 1], "email_clicks": [0, 1, 3],
                          "seniority": ["VP", "VP", "VP"]})
    definition = Definition(
        criteria=[Criterion(field="seniority", op="in", values=["vp"], role="nice", points=10)],
        actions=[Action(field="demo_requested", points=30), Action(field="email_clicks", points=5)],
        threshold=threshold)
    frame = evaluate(leads, definition).frame
    assert frame["points"].tolist() == [40, 15, 45]
    assert frame["is_mql"].tolist() == expected


def test_points_and_frame_columns():
    definition = Definition(
        criteria=[
            Criterion(field="industry", op="in", values=["Software"]),
            Criterion(field="budget", op="at_least", low=10_000, gate="sql"),
            Criterion(field="seniority", op="in", values=["VP"], role="nice", points=10),
            Criterion(field="personal_email", op="is_true", role="disqualifier"),
        ],
        actions=[Action(field="demo_requested", points=30), Action(field="email_clicks", points=2)],
        threshold=35,
    )
    frame = evaluate(LEADS, definition).frame
    assert frame["points"].tolist() == [40, 2, 42, 40, 40, 40]
    assert frame["disqualified"].tolist() == [False, False, False, True, False, False]
    assert frame["mql_gate"].tolist() == [True, True, False, True, False, True]
    assert frame["sql_gate"].tolist() == [True, False, True, True, True, False]
    assert frame["is_mql"].tolist() == [True, False, False, False, False, True]
    assert frame["is_sql"].tolist() == [True, False, False, False, False, False]
    assert frame["stage"].tolist() == [SQL, NOT_QUALIFIED, NOT_QUALIFIED, NOT_QUALIFIED,
                                       NOT_QUALIFIED, MQL]
    evaluation = evaluate(LEADS, definition)
    assert evaluation.count(MQL) == 2  # an SQL is also an MQL
    assert evaluation.count(SQL) == 1
    assert evaluation.count(NOT_QUALIFIED) == 4
    assert evaluation.summary() == {"leads": 6, "mql": 2, "sql": 1, "mql_share": 2 / 6,
                                    "sql_share": 1 / 6, "disqualified": 1}


def test_disqualifier_overrides_perfect_lead():
    leads = pd.DataFrame({"industry": ["Software"], "company": ["Closewise Inc"],
                          "demo_requested": [1]})
    definition = Definition(
        criteria=[Criterion(field="industry", op="in", values=["Software"]),
                  Criterion(field="company", op="contains_any", values=["closewise"],
                            role="disqualifier")],
        actions=[Action(field="demo_requested", points=100)], threshold=10)
    frame = evaluate(leads, definition).frame
    assert frame["points"].tolist() == [100]
    assert frame["stage"].tolist() == [NOT_QUALIFIED]
    assert not frame["is_sql"].iloc[0]


def test_empty_leads_summary():
    leads = pd.DataFrame({"industry": pd.Series([], dtype="object")})
    evaluation = evaluate(leads, Definition(criteria=[
        Criterion(field="industry", op="in", values=["x"])]))
    assert evaluation.summary() == {"leads": 0, "mql": 0, "sql": 0, "mql_share": 0.0,
                                    "sql_share": 0.0, "disqualified": 0}


def test_index_is_preserved():
    leads = LEADS.set_index(pd.Index([10, 20, 30, 40, 50, 60]))
    definition = Definition(criteria=[Criterion(field="industry", op="in", values=["Retail"])])
    evaluation = evaluate(leads, definition)
    assert evaluation.stage.to_dict() == {10: NOT_QUALIFIED, 20: NOT_QUALIFIED, 30: SQL,
                                          40: NOT_QUALIFIED, 50: NOT_QUALIFIED, 60: NOT_QUALIFIED}


# --- reasons ---------------------------------------------------------------------------------
def test_reasons_text():
    leads = pd.DataFrame({
        "industry": ["Software", "Retail", "Software", "Software"],
        "budget": [50_000, 50_000, 1_000, 50_000],
        "personal_email": [False, False, False, True],
        "demo_requested": [1, 1, 1, 0],
    })
    definition = Definition(
        criteria=[
            Criterion(field="industry", op="in", values=["Software"]),
            Criterion(field="budget", op="at_least", low=25_000, gate="sql"),
            Criterion(field="personal_email", op="is_true", role="disqualifier"),
        ],
        actions=[Action(field="demo_requested", points=30)], threshold=20)
    texts = reasons(leads, definition).tolist()
    assert texts[0] == "meets every rule (30 points)"
    assert texts[1] == "misses MQL gate: Industry is Software"
    assert texts[2] == "misses SQL gate: Confirmed budget is at least $25,000"
    assert texts[3] == "disqualified: Uses a personal e-mail address: yes; 0 of 20 points"


def test_reasons_missing_value_and_index():
    leads = pd.DataFrame({"employees": [NA, 500]}, index=["x", "y"])
    definition = Definition(criteria=[Criterion(field="employees", op="between", low=50,
                                                high=1000)])
    texts = reasons(leads, definition)
    assert texts.to_dict() == {"x": "misses MQL gate: Company size is between 50 and 1,000 "
                                    "employees",
                               "y": "meets every rule (0 points)"}


# --- missing columns ------------------------------------------------------------------------
@pytest.mark.parametrize("definition,missing", [
    (Definition(criteria=[Criterion(field="nope", op="in", values=["x"])]), "nope"),
    (Definition(criteria=[Criterion(field="nope", op="is_true", role="disqualifier")]), "nope"),
    (Definition(criteria=[Criterion(field="nope", op="at_least", low=1, gate="sql")]), "nope"),
    (Definition(criteria=[Criterion(field="nope", op="in", values=["x"], role="nice",
                                    points=3)]), "nope"),
    (Definition(actions=[Action(field="nope_count", points=3)]), "nope_count"),
])
def test_missing_column_raises(definition, missing):
    with pytest.raises(MissingColumn) as raised:
        evaluate(LEADS, definition)
    assert raised.value.args[0] == missing
    assert isinstance(raised.value, KeyError)
    assert missing_columns(LEADS, definition) == [missing]


def test_missing_columns_sorted_unique():
    definition = Definition(
        criteria=[Criterion(field="zeta", op="in", values=["x"]),
                  Criterion(field="industry", op="in", values=["x"]),
                  Criterion(field="alpha", op="is_true", role="disqualifier"),
                  Criterion(field="zeta", op="not_in", values=["y"], gate="sql")],
        actions=[Action(field="beta", points=1), Action(field="demo_requested", points=1)])
    assert missing_columns(LEADS, definition) == ["alpha", "beta", "zeta"]
    assert missing_columns(LEADS, Definition()) == []


# --- property test against a slow reference -------------------------------------------------
TRUTHY = {"true", "yes", "y", "1", "checked"}
FALSY = {"false", "no", "n", "0"}
CATEGORIES = ["Software", "Retail", "Healthcare", "Media"]
TITLES = ["Chief Financial Officer", "Finance intern", "Controller", "Student helper", "VP Sales"]


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _number(value):
    if _missing(value):
        return None
    try:
        number = float(str(value).strip()) if isinstance(value, str) else float(value)
    except ValueError:
        return None
    return None if math.isnan(number) else number


def _truth(values: list, value):
    """The documented boolean reading: bools as they are; an all-numeric column by > 0;
    otherwise yes/no words."""
    if _missing(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    known = [v for v in values if not _missing(v)]
    if all(_number(v) is not None for v in known):
        return _number(value) > 0
    text = str(value).strip().casefold()
    return True if text in TRUTHY else (False if text in FALSY else None)


def _ref_meets(values: list, i: int, c: Criterion) -> bool:
    value = values[i]
    if _missing(value):
        return False
    if c.op in ("in", "not_in"):
        hit = str(value).strip().casefold() in {v.casefold() for v in c.values}
        return hit if c.op == "in" else not hit
    if c.op == "contains_any":
        return any(v.casefold() in str(value).casefold() for v in c.values)
    if c.op in ("between", "at_least", "at_most"):
        number = _number(value)
        if number is None:
            return False
        if c.op in ("between", "at_least") and number < c.low:
            return False
        if c.op in ("between", "at_most") and number > c.high:
            return False
        return True
    truth = _truth(values, value)
    return truth is True if c.op == "is_true" else truth is False


def _reference(columns: dict[str, list], definition: Definition) -> list[tuple]:
    rows = []
    for i in range(len(next(iter(columns.values())))):
        def meets(c, i=i):
            return _ref_meets(columns[c.field], i, c)
        disqualified = any(meets(c) for c in definition.criteria if c.role == "disqualifier")
        mql_gate = all(meets(c) for c in definition.criteria
                       if c.role == "must" and c.gate == "mql")
        sql_gate = all(meets(c) for c in definition.criteria
                       if c.role == "must" and c.gate == "sql")
        points = sum(c.points for c in definition.criteria if c.role == "nice" and meets(c))
        points += sum(a.points for a in definition.actions
                      if _truth(columns[a.field], columns[a.field][i]) is True)
        is_mql = not disqualified and mql_gate and points >= definition.threshold
        is_sql = is_mql and sql_gate
        stage = SQL if is_sql else (MQL if is_mql else NOT_QUALIFIED)
        rows.append((stage, points, disqualified, mql_gate, sql_gate, is_mql, is_sql))
    return rows


def _random_columns(rng: random.Random, n: int) -> dict[str, list]:
    def maybe(value, p=0.15):
        return None if rng.random() < p else value

    def category():
        value = rng.choice(CATEGORIES)
        value = rng.choice([value, value.upper(), value.lower(), f" {value} "])
        return maybe(value)

    numbers = [maybe(float(rng.choice([0, 10, 50, 99, 100, 101, 500, 1000, 5000])))
               for _ in range(n)]
    number_strings = [maybe(rng.choice(["10", "100", " 250 ", "1000", "n/a", "1e3"]))
                      for _ in range(n)]
    bool_kind = rng.choice(["bool", "words", "ints", "nullable"])
    if bool_kind == "bool":
        flags = [rng.random() < 0.5 for _ in range(n)]
    elif bool_kind == "words":
        flags = [maybe(rng.choice(["yes", "No", "TRUE", "false", " y ", "n", "maybe", "1", "0"]))
                 for _ in range(n)]
    elif bool_kind == "ints":
        flags = [maybe(float(rng.choice([0, 1, 2]))) for _ in range(n)]
    else:
        flags = [maybe(rng.random() < 0.5) for _ in range(n)]
    return {
        "industry": [category() for _ in range(n)],
        "job_title": [maybe(rng.choice(TITLES)) for _ in range(n)],
        "employees": numbers,
        "budget": number_strings,
        "flag": flags,
        "demo_requested": [maybe(float(rng.choice([0, 0, 1, 3]))) for _ in range(n)],
        "email_clicks": [maybe(float(rng.choice([0, 1, 7]))) for _ in range(n)],
    }, bool_kind


def _random_criterion(rng: random.Random) -> Criterion:
    role = rng.choice(["must", "must", "nice", "disqualifier"])
    common = {"role": role, "gate": rng.choice(["mql", "sql"]),
              "points": rng.choice([1, 5, 10, 30]) if role == "nice" else 0}
    kind = rng.choice(["category", "title", "number", "number_string", "flag"])
    if kind == "category":
        values = rng.sample(CATEGORIES + ["software", "Energy"], rng.randint(1, 3))
        return Criterion(field="industry", op=rng.choice(["in", "not_in"]),
                         values=[rng.choice([v, v.lower(), v.upper()]) for v in values], **common)
    if kind == "title":
        values = rng.sample(["intern", "STUDENT", "finance", "vp", "officer", "zzz"],
                            rng.randint(1, 2))
        return Criterion(field="job_title", op="contains_any", values=values, **common)
    if kind in ("number", "number_string"):
        field = "employees" if kind == "number" else "budget"
        op = rng.choice(["between", "at_least", "at_most"])
        a, b = sorted(rng.choice([0, 10, 50, 100, 250, 1000, 5000]) for _ in range(2))
        return Criterion(field=field, op=op, low=a if op != "at_most" else None,
                         high=b if op != "at_least" else None, **common)
    return Criterion(field="flag", op=rng.choice(["is_true", "is_false"]), **common)


@pytest.mark.parametrize("seed", range(300))
def test_evaluate_matches_reference(seed):
    rng = random.Random(seed)
    n = rng.randint(1, 25)
    columns, bool_kind = _random_columns(rng, n)
    leads = pd.DataFrame(columns)
    if bool_kind == "nullable":
        leads["flag"] = pd.array(columns["flag"], dtype="boolean")
    criteria = [_random_criterion(rng) for _ in range(rng.randint(0, 6))]
    actions = [Action(field=f, points=rng.choice([0, 2, 10, 30]))
               for f in rng.sample(["demo_requested", "email_clicks"], rng.randint(0, 2))]
    threshold = rng.choice([0, 0, 2, 10, 30, 40])
    definition = Definition(criteria=criteria, actions=actions, threshold=threshold)

    frame = evaluate(leads, definition).frame
    actual = list(zip(frame["stage"], frame["points"], frame["disqualified"], frame["mql_gate"],
                      frame["sql_gate"], frame["is_mql"], frame["is_sql"], strict=True))
    expected = _reference(columns, definition)
    assert [tuple(x.item() if hasattr(x, "item") else x for x in row) for row in actual] == expected

    # reasons agree with the stage: qualified leads without gate misses "meet every rule"
    texts = reasons(leads, definition).tolist()
    for row, text in zip(expected, texts, strict=True):
        stage, points, disqualified, mql_gate, sql_gate, *_ = row
        assert ("disqualified:" in text) == disqualified
        assert ("misses MQL gate" in text) == (not mql_gate)
        assert ("misses SQL gate" in text) == (not sql_gate)
        assert (f"{points} of {threshold} points" in text) == (points < threshold)
        if stage != NOT_QUALIFIED and sql_gate:
            assert text == f"meets every rule ({points} points)"


# --- real exports: spellings, placeholders, dates, headers ---------------------------------
@pytest.mark.parametrize("values,criterion,expected", [
    # values written as in the CRM match values written in words, and the other way round
    (["organic_search", "Organic search", "ORGANIC-SEARCH", " organic  search ", "paid_search"],
     {"op": "in", "values": ["Organic search"]}, [True, True, True, True, False]),
    (["Organic search", "Health beauty"], {"op": "in", "values": ["organic_search",
                                                                  "health_beauty"]},
     [True, True]),
    (["Closed - Won", "closed won", "Closed Lost"], {"op": "not_in", "values": ["closed-won"]},
     [False, False, True]),
    (["vice-president finance", "VP"], {"op": "contains_any", "values": ["vice president"]},
     [True, False]),
    # placeholder words are unknown: never pass, never disqualify...
    (["Select", "unknown", "--None--", "N/A", "-", "Retail"],
     {"op": "not_in", "values": ["Software"]}, [False, False, False, False, False, True]),
    (["Select", "n/a", "Retail"], {"op": "contains_any", "values": ["a"]},
     [False, False, True]),
    # ... unless a rule names one, which then matches that word only
    (["unknown", "Unknown ", "Select", "organic_search", None],
     {"op": "in", "values": ["unknown", "Organic search"]}, [True, True, False, True, False]),
    (["unknown", "Select", "Retail"], {"op": "not_in", "values": ["unknown"]},
     [False, False, True]),
    (["Select", "selected", "n/a"], {"op": "contains_any", "values": ["select"]},
     [True, True, False]),
    # yes/no words on text, and numbers as yes/no
    (["Yes", "no", "TRUE", "0", "2", "Select", None], {"op": "is_true"},
     [True, False, True, False, True, False, False]),
    (["Yes", "no", "TRUE", "0", "2", "Select", None], {"op": "is_false"},
     [False, True, False, True, False, False, False]),
])
def test_text_rules_on_real_exports(values, criterion, expected):
    assert _mask(values, **criterion) == expected


def test_a_date_column_counts_as_done_when_a_date_is_present():
    booked = pd.to_datetime(pd.Series(["2025-06-03 08:00", None, "2025-07-01 00:00"]))
    leads = pd.DataFrame({"demo_booked_at": booked})
    assert action_done(leads, "demo_booked_at").tolist() == [True, False, True]
    assert criterion_mask(leads, Criterion(field="demo_booked_at", op="is_true")).tolist() == [
        True, False, True]
    assert criterion_mask(leads, Criterion(field="demo_booked_at", op="is_false")).tolist() == [
        False, True, False]
    assert criterion_mask(leads, Criterion(field="demo_booked_at", op="in",
                                           values=["2025-07-01"])).tolist() == [
        False, False, True]
    definition = Definition(actions=[Action(field="demo_booked_at", points=30)], threshold=30)
    assert evaluate(leads, definition).frame["is_mql"].tolist() == [True, False, True]


def test_a_criterion_names_the_exports_header_or_the_catalog_field():
    """The export's "Country" column mapped onto `country`; its "Sector" column left
    unmapped: rules on either name find the column, before and after the mapping changes."""
    raw = pd.DataFrame({"Country": ["Germany", "France"], "Sector": ["software", "retail"]},
                       dtype="str")
    mapped = leads.normalise(raw, {"Country": "country"})
    unmapped = leads.normalise(raw, {})
    for table in (mapped, unmapped):
        for field in ("Country", "country", "COUNTRY"):
            rule = Criterion(field=field, op="in", values=["Germany"])
            assert criterion_mask(table, rule).tolist() == [True, False], field
        for field in ("Sector", "industry"):  # industry: the field "Sector" is a spelling of
            rule = Criterion(field=field, op="in", values=["Software"])
            assert criterion_mask(table, rule).tolist() == [True, False], field
    assert missing_columns(mapped, Definition(criteria=[
        Criterion(field="Region", op="in", values=["EMEA"])])) == ["Region"]


def test_empty_columns_are_named():
    table = pd.DataFrame({"budget": [np.nan, np.nan], "industry": ["Select", None],
                          "country": ["Germany", None]})
    definition = Definition(criteria=[Criterion(field=f, op="in", values=["x"])
                                      for f in ("industry", "country")]
                            + [Criterion(field="budget", op="at_least", low=1)])
    assert empty_columns(table, definition) == ["industry", "budget"]
