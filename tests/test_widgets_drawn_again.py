"""Step 3 saves nothing nobody changed. A browser that draws a widget again (a window resized
to a full-page height while the page ran) starts it from the value the widget was created
with and sends that with the next rerun. The discussion toggle was created "off" and set on
through the session, so it came back off and its "change" was saved; the guided form, drawn
inside its closed expander, came back empty and removed the shared industry rule ("Edited by
hand: Industry"), which was then proposed and signed.

The rerun is sent here as such a browser sends it: every widget at the value its element was
created with."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.test_agree_walk import (  # noqa: F401 - app_url is a fixture
    COMPARE,
    app_url,
    drafted_workshop,
    open_as,
    shared_now,
)
from workshop import store, versions
from workshop.db import make_engine, session


def _revealed_with_a_point(url: str) -> tuple[str, dict[str, str]]:
    workshop_id, tokens = drafted_workshop(url)
    engine = make_engine(url)
    with session(engine) as s:
        store.reveal(s, workshop_id, tokens["facilitator"])
        shared = store.shared_state(s, workshop_id, tokens["facilitator"])
        people = store.revealed_drafts(s, workshop_id, tokens["facilitator"])
        store.save_shared(s, workshop_id, tokens["facilitator"], people["Sales"],
                          shared.revision, {}, summary="took sales", questions=["industry"])
        versions.set_discussion(s, workshop_id, tokens["facilitator"], "industry", open=True,
                                note="Core: Software.")
    engine.dispose()
    return workshop_id, tokens


def _as_created(at: AppTest):
    """The widget states a browser sends after drawing every widget again from its element."""
    states = at._tree.get_widget_states()
    for widget in at._tree.get_widget_states().widgets:
        element = next((w for kind in ("toggle", "multiselect") for w in getattr(at, kind)
                        if w.proto.id == widget.id), None)
        if element is None:
            continue
        state = next(s for s in states.widgets if s.id == widget.id)
        if element.type == "toggle":
            state.bool_value = element.proto.default
        else:
            state.int_array_value.data[:] = list(element.proto.default)
    return states


def test_a_toggle_drawn_again_keeps_the_discussion_open(app_url):  # noqa: F811
    workshop_id, tokens = _revealed_with_a_point(app_url)
    dana = open_as(workshop_id, tokens["facilitator"], COMPARE)
    toggle = next(t for t in dana.toggle if t.label == "🗣️ Up for discussion"
                  and str(t.key).startswith("discuss-open:industry"))
    assert toggle.value is True and toggle.proto.default is True
    before = shared_now(app_url, workshop_id, tokens["facilitator"])
    dana._run(_as_created(dana))
    assert not dana.exception
    engine = make_engine(app_url)
    with session(engine) as s:
        point = versions.discussion(s, workshop_id, tokens["facilitator"])["industry"]
    engine.dispose()
    assert point.open and point.note == "Core: Software."
    after = shared_now(app_url, workshop_id, tokens["facilitator"])
    assert (after.revision, after.definition) == (before.revision, before.definition)


def test_the_guided_form_has_no_widget_until_it_is_opened(app_url):  # noqa: F811
    workshop_id, tokens = _revealed_with_a_point(app_url)
    dana = open_as(workshop_id, tokens["facilitator"], COMPARE)
    guided = "shared:"
    assert not [w for w in dana.multiselect if str(w.key).startswith(guided)]
    before = shared_now(app_url, workshop_id, tokens["facilitator"])
    dana._run(_as_created(dana))
    after = shared_now(app_url, workshop_id, tokens["facilitator"])
    assert (after.revision, after.definition) == (before.revision, before.definition)
    assert after.definition.criteria_for("industry")
    dana.session_state["compare:guided"] = True  # opened: the form, as it always was
    dana.run()
    values = next(m for m in dana.multiselect if str(m.key).startswith(guided)
                  and str(m.key).endswith("industry:industry:values"))
    assert values.value == before.definition.criteria_for("industry")[0].values


def test_an_empty_shared_definition_has_no_figures_in_the_live_panel(app_url):  # noqa: F811
    """Before anything was merged, step 3 showed 'Shared definition: every lead an MQL, 100% of
    wins' while the box below said it was empty."""
    workshop_id, tokens = drafted_workshop(app_url)
    engine = make_engine(app_url)
    with session(engine) as s:
        store.reveal(s, workshop_id, tokens["facilitator"])
    engine.dispose()
    dana = open_as(workshop_id, tokens["facilitator"], COMPARE)
    assert "The shared definition is empty" in " ".join(str(i.value) for i in dana.info)
    tables = [t.value for t in dana.dataframe if "Definition" in t.value.columns]
    assert tables and all("Shared definition" not in t["Definition"].tolist() for t in tables)
    assert all(t["Definition"].tolist() for t in tables)  # the drafts are there
    next(b for b in dana.button if "suggested" in b.label).click().run()
    tables = [t.value for t in dana.dataframe if "Definition" in t.value.columns]
    assert any("Shared definition" in t["Definition"].tolist() for t in tables)


def test_capacity_and_auto_reveal_are_created_with_what_is_stored(app_url):  # noqa: F811
    """Boxes set through the session were created at 0 and off: drawn again by the browser,
    they would have set sales' capacity to 0 reps and auto-reveal off."""
    from tests.widget_keys import own

    workshop_id, tokens = drafted_workshop(app_url)
    fac = open_as(workshop_id, tokens["facilitator"], "views/evidence.py")
    own(fac.number_input, "evidence:reps").set_value(7).run()
    own(fac.number_input, "evidence:per-rep").set_value(30).run()
    fac = open_as(workshop_id, tokens["facilitator"], "views/evidence.py")
    for name, stored in (("evidence:reps", 7), ("evidence:per-rep", 30)):
        box = own(fac.number_input, name)
        assert box.value == stored and box.proto.default == stored
    engine = make_engine(app_url)
    with session(engine) as s:  # someone still drafting: switching it on reveals nothing yet
        fresh, key = store.create_workshop(s, company="Acme", title="Q1",
                                           facilitator_name="Dana")
        store.start_turn(s, fresh.id, key, role="sales", name="Lee")
        store.set_auto_reveal(s, fresh.id, key, True)
    engine.dispose()
    teams = open_as(fresh.id, key, "views/teams.py")
    toggle = own(teams.toggle, "auto-reveal")
    assert toggle.value is True and toggle.proto.default is True
