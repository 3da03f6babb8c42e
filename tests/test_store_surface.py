"""The store's public surface: what other modules may use of it is public, its refusals share
one base class (pages catch one thing), and `store.Visit` forwards to the functions that keep
the access rules, never around them."""
from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from workshop import agenda, store, versions, wall
from workshop.db import make_engine
from workshop.db import session as make_session
from workshop.definition import Criterion, Definition

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted([ROOT / "app.py", *(ROOT / "views").glob("*.py"),
                  *(ROOT / "workshop").rglob("*.py")])


@pytest.fixture
def session(tmp_path):
    with make_session(make_engine(f"sqlite:///{tmp_path / 'surface.db'}")) as s:
        yield s


def test_every_store_error_shares_the_base_class_and_keeps_its_old_one():
    errors = [value for value in vars(store).values()
              if inspect.isclass(value) and issubclass(value, Exception)
              and value.__module__ == store.__name__]
    assert {e.__name__ for e in errors} >= {"AccessDenied", "NotFound", "StaleEdit", "Locked",
                                            "TooManyAttempts", "TooManyWorkshops"}
    assert all(issubclass(e, store.StoreError) for e in errors)
    # Callers that caught the built-in kinds still do (the command line catches LookupError).
    assert issubclass(store.NotFound, LookupError)
    assert issubclass(store.AccessDenied, PermissionError)
    assert not issubclass(store.StoreError, ValueError)  # a typo in a form is not a refusal


def test_no_module_uses_a_private_name_of_the_store():
    used = []
    for path in SOURCES:
        if path.name == "store.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "workshop.store":
                used += [f"{path.name}: {a.name}" for a in node.names if a.name.startswith("_")]
            elif (isinstance(node, ast.Attribute) and node.attr.startswith("_")
                  and isinstance(node.value, ast.Name) and node.value.id == "store"):
                used.append(f"{path.name}: store.{node.attr}")
    assert used == []


def test_no_page_passes_the_workshop_id_and_key_by_hand():
    """Pages and widgets go through one bound `store.Visit` (`workshop.ui.context.visit`)."""
    repeated = [f"{path.relative_to(ROOT)}:{number}"
                for path in SOURCES if path.parts[-2] in ("views", "ui") or path.name == "app.py"
                for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if "s, place.workshop_id, place.token" in line and "store.Visit(" not in line]
    assert repeated == []


def test_a_visit_forwards_with_its_own_workshop_and_key(session):
    workshop, token = store.create_workshop(session, company="Acme", title="Leads",
                                            facilitator_name="Dana")
    other, other_token = store.create_workshop(session, company="Other", title="Theirs",
                                               facilitator_name="Olga")
    visit = store.Visit(session, workshop.id, token)
    assert visit.workshop().company == "Acme"
    assert visit.is_revealed() is False
    assert visit(store.draft_statuses) == store.draft_statuses(session, workshop.id, token)
    assert visit(agenda.agenda).current == 1
    with pytest.raises(store.StoreError):  # the shared definition waits for the reveal
        visit(store.save_shared, Definition(), 0)
    visit(store.reveal)
    assert visit.is_revealed()
    shared = Definition(criteria=[Criterion(field="industry", op="in", values=["Software"])])
    revision = visit(store.save_shared, shared, 0, {"industry": "edited"}, summary="Typed")
    assert revision == 1
    state = store.shared_state(session, workshop.id, token)
    assert state.definition == shared and state.decisions == {"industry": "edited"}
    assert visit(versions.changes)[-1].summary == "Typed"
    assert visit(wall.wall_link) is None
    # Another workshop's key in a visit of this one is refused, like the function refuses it.
    with pytest.raises(store.AccessDenied):
        store.Visit(session, workshop.id, other_token)(store.shared_state)
    assert store.Visit(session, other.id, other_token).is_revealed() is False
