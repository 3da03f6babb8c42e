"""A hand-edited backup whose figures or reveal do not hold together is refused, saying what.

Restored, 2^64 leads showed on the versions page ("18,446,744,073,709,551,616 leads" and a
change of minus that), a proposal qualified more leads than it measured, leads were "created
from 1 Jan 2030 to 1 Jan 2020", and a workshop whose drafts were "never revealed" held a signed
version (step 3 then asked for drafts no one could hand in). Bad figures were refused as
"incomplete (a count of leads is missing …)" though none was missing, and a long outcome
header as "input should be a valid integer"."""
from __future__ import annotations

import copy
import json

import pytest

from tests.test_backup import rich_workshop, uploads  # noqa: F401 - fixture
from workshop import store, versions
from workshop.backup import BackupError, export_workshop, restore_workshop
from workshop.measure import Figures

FIGURES = "not figures a measurement gives"


@pytest.fixture
def honest(session, uploads) -> dict:  # noqa: F811
    workshop_id, token = rich_workshop(session)
    data = json.loads(export_workshop(session, workshop_id, token))
    assert data["measurements"] and data["versions"] and data["workshop"]["revealed_at"]
    return data


def measured(data: dict, **changes) -> bytes:
    edited = copy.deepcopy(data)
    edited["measurements"][0]["figures"].update(changes)
    return json.dumps(edited).encode()


@pytest.mark.parametrize("changes", [
    {"leads": 2 ** 64},
    {"qualified": 10 ** 7},  # more than the leads measured
    {"sql": 10 ** 6, "qualified": 10},  # more SQLs than MQLs
    {"wins": 10 ** 8},
    {"first_created": "2030-01-01", "last_created": "2020-01-01"},
    {"win_rate_qualified": 1.5},
    {"wins_caught": -0.2},
    {"lift": -1.0},
    {"months": -5},
    {"outcome_column": "x" * 1_000_000},
], ids=lambda changes: ",".join(changes))
def test_figures_a_measurement_cannot_give_are_refused(session, honest, changes):
    before = len(store.list_workshops(session))
    with pytest.raises(BackupError) as refused:
        restore_workshop(session, measured(honest, **changes))
    assert str(refused.value) == (
        "This backup is damaged: the figures of version 1's measurement are not figures a "
        "measurement gives (a count missing, not a whole number or more than the leads "
        "measured, a rate outside 0% to 100% or no number, or created dates out of order).")
    assert len(store.list_workshops(session)) == before


def test_a_proposals_figures_are_named_as_its_own(session, honest):
    edited = copy.deepcopy(honest)
    proposal = next(p for p in edited["proposals"] if p["figures"])
    proposal["figures"]["qualified"] = proposal["figures"]["leads"] + 1
    with pytest.raises(BackupError, match=rf"the figures of proposal {proposal['number']} are "
                                          f"{FIGURES}"):
        restore_workshop(session, json.dumps(edited).encode())


def test_versions_of_drafts_never_revealed_are_refused(session, honest):
    edited = copy.deepcopy(honest)
    edited["workshop"]["revealed_at"] = None
    with pytest.raises(BackupError, match="says its drafts were never revealed"):
        restore_workshop(session, json.dumps(edited).encode())


def test_the_honest_backup_restores_and_its_figures_hold_together(session, honest):
    for measurement in honest["measurements"]:
        assert Figures.from_json(json.dumps(measurement["figures"])) is not None
    restored = restore_workshop(session, json.dumps(honest).encode())
    kept = versions.measurements(session, restored.workshop_id, restored.facilitator_token)
    assert len(kept) == len(honest["measurements"])
