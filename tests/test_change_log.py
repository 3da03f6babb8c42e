"""The change log under step 3's shared definition: the facilitator's Undo never sits on the
table (it comes before it), and a short log is exactly as tall as its rows."""
from __future__ import annotations

from tests.test_own_devices import app_url, new_app  # noqa: F401
from tests.test_sharing_pages import in_db
from workshop import demo, store

COMPARE = "views/compare.py"
UNDO = "↩️ Undo the last change"


def revealed_with_changes(changes: int) -> tuple[str, str]:
    def build(s):
        workshop, fac = store.create_workshop(s, company="Acme", title="Leads",
                                              facilitator_name="Dana")
        store.save_draft(s, workshop.id, fac, demo.facilitator_draft(), 0)
        store.reveal(s, workshop.id, fac)
        revision = 0
        for i in range(changes):
            definition = demo.facilitator_draft().with_question("pain", [], f"note {i}")
            revision = store.save_shared(s, workshop.id, fac, definition, revision)
        return workshop.id, fac
    return in_db(build)


def _in_order(at) -> list:
    """Every element of the page, top to bottom."""
    out = []

    def walk(node):
        out.append(node)
        for child in getattr(node, "children", {}).values():
            walk(child)
    walk(at._tree)
    return out


def test_undo_comes_before_a_one_row_change_log_that_fits_its_row(app_url, monkeypatch):  # noqa: F811
    import streamlit as st

    asked: list[dict] = []
    real = st.dataframe

    def recording(data=None, *args, **kwargs):
        if isinstance(data, list) and data and "What" in data[0]:
            asked.append({"rows": len(data), **kwargs})
        return real(data, *args, **kwargs)

    monkeypatch.setattr(st, "dataframe", recording)
    workshop_id, fac = revealed_with_changes(1)
    at = new_app({"ws": workshop_id, "key": fac}, COMPARE)
    elements = _in_order(at)
    undo = [i for i, e in enumerate(elements) if getattr(e, "label", None) == UNDO]
    frames = [i for i, e in enumerate(elements) if getattr(e, "type", None) == "dataframe"]
    assert len(undo) == 1 and frames
    assert undo[0] < frames[-1]  # the button is above the table, never on it
    assert asked and asked[-1]["rows"] == 1
    # no height in pixels guessed from the row count: the table is as tall as its content
    assert asked[-1]["height"] == "content"
