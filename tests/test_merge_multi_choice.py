"""Union and intersection of the drafts on columns of multiple-choice cells.

A Pipedrive multi-option or HubSpot multiple-checkbox cell ("Software;Retail") names each of
its choices: 'is one of' meets it when any choice is named, 'is not one of' when none is. Set
arithmetic on the rules' values is exact only on cells of one value each, so on such a column
the shared definition keeps every rule it needs (intersection), or the page says in a sentence
why no one rule says the union. Every expected lead set is read here with plain pandas, the
cells split on ";" by the test itself.
"""
from __future__ import annotations

import datetime as dt
import io
import random
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.builders import C, D
from tests.test_agree_walk import COMPARE, app_url, open_as  # noqa: F401
from tests.test_own_devices import texts
from tests.test_real_exports_pages import upload
from workshop import compare, merge, store
from workshop.db import make_engine, session
from workshop.definition import Definition
from workshop.evaluate import NOT_QUALIFIED, evaluate
from workshop.pipeline import import_leads
from workshop.shared_edits import suggested_start

BLANKS = {"", "k.a.", "n/a"}


def _pipedrive_de(several: bool = True, n: int = 500, seed: int = 32) -> bytes:
    """A German Pipedrive deals export: semicolons, day-first dates, "k.A." for not known,
    a multi-option Branche field."""
    r = random.Random(seed)
    industries = ["Software", "Retail", "Finanzdienstleistungen", "Healthcare", "Logistik",
                  "k.A.", ""]
    if several:
        industries += ["Software;Retail", "Software;Finanzdienstleistungen", "Retail;Healthcare",
                       "Logistik;Software", "Healthcare;Software;Retail"]
    rows = [{"ID": 7000 + i, "Organisation": f"Firma {i} GmbH",
             "Branche": r.choice(industries),
             "Mitarbeiter": r.choice(["1-10", "11-50", "51-200", "201-500", "1.001-5.000",
                                      "k.A."]),
             "Land": r.choice(["Deutschland", "DE", "Österreich", "Schweiz"]),
             "Erstellt am": (dt.date(2024, 1, 1) + dt.timedelta(days=r.randint(0, 300)))
             .strftime("%d.%m.%Y"),
             "Status": r.choice(["Gewonnen", "Verloren", "Offen"])} for i in range(n)]
    return pd.DataFrame(rows).to_csv(sep=";", index=False).encode("utf-8-sig")


def _hubspot_us(n: int = 500, seed: int = 33) -> bytes:
    """A HubSpot contacts export with a multiple-checkbox Industry property."""
    r = random.Random(seed)
    industries = ["Computer Software", "Retail", "Financial Services", "Hospitality",
                  "Marketing and Advertising", "", "Computer Software;Retail",
                  "Financial Services;Computer Software", "Retail;Hospitality"]
    start = dt.datetime(2024, 4, 1, 9, 0)
    rows = [{"Record ID": 500000 + i, "Company Name": f"Agency {i} LLC",
             "Industry": r.choice(industries),
             "Number of Employees": r.choice(["", "12", "85", "430", "2500"]),
             "Country/Region": r.choice(["United States", "USA", "Canada"]),
             "Create Date": (start + dt.timedelta(minutes=r.randint(0, 300 * 24 * 60)))
             .strftime("%Y-%m-%d %H:%M"),
             "Lifecycle Stage": r.choice(["lead", "marketingqualifiedlead", "customer"])}
            for i in range(n)]
    return pd.DataFrame(rows).to_csv(index=False).encode()


FILES = {
    "pipedrive_de": (_pipedrive_de, "pipedrive-deals.csv", ";", "Branche",
                     ("Software", "Finanzdienstleistungen", "Retail", "Healthcare", "Logistik")),
    "hubspot_us": (_hubspot_us, "hubspot-contacts.csv", ",", "Industry",
                   ("Computer Software", "Financial Services", "Retail", "Hospitality",
                    "Marketing and Advertising")),
}


def _choices(data: bytes, sep: str, column: str) -> list[set[str] | None]:
    """Each raw cell as its set of choices, casefolded; None where nothing is known."""
    raw = pd.read_csv(io.BytesIO(data), sep=sep, dtype=str, keep_default_na=False,
                      encoding="utf-8-sig")
    cells = []
    for cell in raw[column]:
        if cell.strip().casefold() in BLANKS:
            cells.append(None)
        else:
            cells.append({choice.strip().casefold() for choice in cell.split(";")})
    return cells


def _accepts(cells: list[set[str] | None], op: str, values: list[str]) -> np.ndarray:
    """Plain reading of one rule: 'in' names a choice, 'not_in' is known and names none."""
    wanted = {v.casefold() for v in values}
    if op == "in":
        return np.array([cell is not None and bool(cell & wanted) for cell in cells])
    return np.array([cell is not None and not cell & wanted for cell in cells])


def _plain(cells, definition: Definition, question: str = "industry") -> np.ndarray:
    """Every rule of the question met (all are must-haves here)."""
    met = np.ones(len(cells), dtype=bool)
    for criterion in definition.criteria_for(question):
        met &= _accepts(cells, criterion.op, criterion.values)
    return met


def _qualified(leads: pd.DataFrame, definition: Definition) -> np.ndarray:
    return (evaluate(leads, definition).stage != NOT_QUALIFIED).to_numpy()


def _file(name: str, several: bool = True):
    build, filename, sep, column, values = FILES[name]
    data = build(several) if name == "pipedrive_de" else build()
    leads = import_leads(data, filename).leads
    cells = _choices(data, sep, column)
    assert len(cells) == len(leads)
    return leads, cells, values


def _drafts(values) -> list[Definition]:
    """As in the probe: 'is A or B', 'is A, C or D', 'is none of C, E'."""
    a, b, c, d, e = values
    return [D(C(values=[a, b])), D(C(values=[a, c, d])), D(C(op="not_in", values=[c, e]))]


@pytest.mark.parametrize("name", list(FILES))
def test_intersection_is_what_every_draft_accepts(name):
    """'is A or B', 'is A, C or D' and 'is none of C, E' used to become 'is A', which accepts
    the "A;C" leads the third draft rejects."""
    leads, cells, values = _file(name)
    drafts = _drafts(values)
    everyone = np.logical_and.reduce([_plain(cells, d) for d in drafts])
    for draft in drafts:  # the app reads each draft as the plain reading does
        assert (_qualified(leads, draft) == _plain(cells, draft)).all()
    shared = merge.intersection(Definition(), "industry", drafts, leads)
    assert (_qualified(leads, shared) == everyone).all()
    assert 0 < everyone.sum() < len(leads)
    assert all(c.role == "must" for c in shared.criteria)
    # the old single rule accepted more than every draft does
    assert (_accepts(cells, "in", [values[0]]) & ~everyone).any()


@pytest.mark.parametrize("name", list(FILES))
def test_common_ground_keeps_the_leads_every_draft_accepts(name):
    """'is A or D', 'is C or D', 'is A, C or D': all three accept the "A;C" leads, which the
    suggested 'is D' used to drop."""
    leads, cells, values = _file(name)
    a, _, c, d, _ = values
    drafts = {"Facilitator": D(C(values=[a, d])), "Marketing": D(C(values=[c, d])),
              "Sales": D(C(values=[a, c, d]))}
    everyone = np.logical_and.reduce([_plain(cells, x) for x in drafts.values()])
    comparison = compare.compare(drafts)
    suggested, suggestions = merge.suggest(comparison, leads)
    assert [s.how for s in suggestions if s.question == "industry"] == ["common ground"]
    assert (_qualified(leads, suggested) == everyone).all()
    assert (_accepts(cells, "in", [d]) != everyone).any()  # 'is D' alone is not it
    started = suggested_start(comparison, leads).definition
    assert (_qualified(leads, started) == everyone).all()


@pytest.mark.parametrize("name", list(FILES))
def test_union_is_one_rule_only_where_one_rule_says_it(name):
    leads, cells, values = _file(name)
    a, b, c, _, e = values

    def union(*definitions):
        return merge.union(Definition(), "industry", list(definitions), leads)

    # 'is one of' rules: a choice any of them names; exact as one rule
    drafts = [D(C(values=[a])), D(C(values=[c]))]
    shared = union(*drafts)
    assert len(shared.criteria) == 1
    assert (_qualified(leads, shared) ==
            np.logical_or.reduce([_plain(cells, x) for x in drafts])).all()
    # one draft's rule accepts what the other's does: that rule is the union
    drafts = [D(C(op="not_in", values=[c])), D(C(op="not_in", values=[c, e]))]
    assert (_qualified(leads, union(*drafts)) ==
            np.logical_or.reduce([_plain(cells, x) for x in drafts])).all()
    # 'is A' or 'is not C' (and 'is none of C, E' or 'is none of C, B'): an "A;C" lead and a
    # "B;E" lead meet one of them, and no one rule says that: refused in a sentence
    for drafts in ([D(C(values=[a])), D(C(op="not_in", values=[c]))],
                   [D(C(op="not_in", values=[c, e])), D(C(op="not_in", values=[c, b]))]):
        with pytest.raises(merge.CannotCombine, match="several values of Industry in one cell"):
            union(*drafts)
        with pytest.raises(merge.CannotCombine):
            merge.apply_operation(Definition(), "industry", "union",
                                  dict(zip("xy", drafts, strict=True)), leads)


def test_single_valued_leads_keep_the_one_merged_rule():
    """Cells of one value each (and no leads at all): today's simple rule, and it is exact."""
    leads, cells, values = _file("pipedrive_de", several=False)
    drafts = _drafts(values)
    for widest, combine in ((False, np.logical_and), (True, np.logical_or)):
        for on in (leads, None):
            shared = (merge.union if widest else merge.intersection)(
                Definition(), "industry", drafts, on)
            assert len(shared.criteria) == 1
            assert (_qualified(leads, shared) ==
                    combine.reduce([_plain(cells, d) for d in drafts])).all()
    shared = merge.intersection(Definition(), "industry", drafts, leads)
    assert [(c.op, c.values) for c in shared.criteria] == [("in", [values[0]])]


def test_points_that_would_take_several_rules_are_refused():
    leads, _, values = _file("pipedrive_de")
    a, b, c, _, _ = values
    drafts = [D(C(values=[a, b], role="nice", points=10)),
              D(C(values=[a, c], role="nice", points=10))]
    with pytest.raises(merge.CannotCombine, match="only a must-have"):
        merge.intersection(Definition(), "industry", drafts, leads)
    assert merge.intersection(Definition(), "industry", drafts).criteria[0].values == [a]


@pytest.mark.parametrize("several", [True, False])
def test_disqualifiers_merge_by_the_leads_they_leave(several):
    """A disqualifier accepts the leads its condition does not name: what all accept is what
    no condition names (their union), what any accepts is what not every one names (their
    intersection). Intersecting the conditions for "all accept" had let more leads through."""
    leads, cells, values = _file("pipedrive_de", several)
    a, b, c, _, _ = values
    drafts = [D(C(values=[a, b], role="disqualifier")), D(C(values=[a, c], role="disqualifier"))]
    question = drafts[0].criteria[0].question
    kept = [~_accepts(cells, "in", d.criteria[0].values) for d in drafts]
    everyone = np.logical_and.reduce(kept)
    anyone = np.logical_or.reduce(kept)
    for draft, keeps in zip(drafts, kept, strict=True):
        assert (_qualified(leads, draft) == keeps).all()
    all_accept = merge.intersection(Definition(), question, drafts, leads)
    assert (_qualified(leads, all_accept) == everyone).all()
    assert everyone.sum() < anyone.sum()
    if several:  # a "B;C" lead is named by both conditions, yet by no one rule naming A
        with pytest.raises(merge.CannotCombine):
            merge.union(Definition(), question, drafts, leads)
    else:
        any_accepts = merge.union(Definition(), question, drafts, leads)
        assert (_qualified(leads, any_accepts) == anyone).all()


def test_is_none_of_shares_the_values_it_does_not_exclude():
    """Sales' 'is none of Retail, Logistik' accepts Software: the row is overlap, not a
    conflict, and Software is shared by all three."""
    drafts = {"Facilitator": D(C(values=["Software", "Finanzdienstleistungen"])),
              "Marketing": D(C(values=["Software", "Retail", "Healthcare"])),
              "Sales": D(C(op="not_in", values=["Retail", "Logistik"]))}
    row = compare.compare(drafts).row("industry")
    assert row.status == compare.PARTLY
    [spread] = compare.spread(drafts, "industry")
    assert spread.shared == ["Software"]
    assert spread.some["Retail"] == ["Marketing"]
    assert spread.some["Finanzdienstleistungen"] == ["Facilitator", "Sales"]
    assert spread.some["Healthcare"] == ["Marketing", "Sales"]
    assert spread.some["not Retail"] == ["Sales"]


# --- through the page ------------------------------------------------------------------------

def _workshop_with_export(url: str, export: Path, values) -> tuple[str, str]:
    engine = make_engine(url)
    with session(engine) as s:
        workshop, facilitator = store.create_workshop(
            s, company="Nordwind GmbH", title="Ideal lead", facilitator_name="Dana")
        secrets = store.invitations(s, workshop.id, facilitator).secrets
        _, marketing = store.join_with_invite(s, secrets["marketing"], "Priya")
        _, sales = store.join_with_invite(s, secrets["sales"], "Marcus")
        for token, definition in zip((facilitator, marketing, sales), _drafts(values),
                                     strict=True):
            store.save_draft(s, workshop.id, token, definition, 0)
            store.set_done(s, workshop.id, token, True)
        upload(s, workshop.id, facilitator, export)
        store.reveal(s, workshop.id, facilitator)
    engine.dispose()
    return workshop.id, facilitator


def _impact(at, choice: str) -> tuple[int, int]:
    line = next(str(m.value) for m in at.markdown if str(m.value).startswith(f"**{choice}"))
    found = re.search(r"MQL: ([\d,]+) → ([\d,]+)", line.replace("\\", ""))
    assert found, line
    return tuple(int(x.replace(",", "")) for x in found.groups())


def test_the_page_shows_and_saves_the_intersection_every_draft_accepts(app_url, tmp_path):  # noqa: F811
    data = _pipedrive_de()
    export = tmp_path / "pipedrive-deals.csv"
    export.write_bytes(data)
    cells = _choices(data, ";", "Branche")
    values = FILES["pipedrive_de"][4]
    everyone = np.logical_and.reduce([_plain(cells, d) for d in _drafts(values)])
    workshop_id, key = _workshop_with_export(app_url, export, values)
    dana = open_as(workshop_id, key, COMPARE)
    dana.run()
    assert not dana.exception
    assert "Software (only" not in texts(dana)  # Sales' 'is none of' accepts Software

    dana.selectbox(key="op:industry").set_value("intersection").run()
    assert not dana.exception
    assert _impact(dana, "Intersection") == (len(cells), int(everyone.sum()))
    dana.button(key="apply:industry").click().run()
    assert not dana.exception
    engine = make_engine(app_url)
    with session(engine) as s:
        shared = store.shared_state(s, workshop_id, key).definition
    engine.dispose()
    leads = import_leads(data, export.name).leads
    assert (_qualified(leads, shared) == everyone).all()
    assert (_plain(cells, shared) == everyone).all()

    # the union of 'is' and 'is none of' is refused in a sentence, with Apply off
    dana.selectbox(key="op:industry").set_value("union").run()
    assert not dana.exception
    assert "several values of Industry in one cell" in texts(dana)
    assert dana.button(key="apply:industry").disabled
