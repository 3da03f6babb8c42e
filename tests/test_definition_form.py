"""The guided form's saving rules, without a page: a widget's callback changes what that widget
shows and nothing else, and never takes a widget that is gone for an answer taken back.

Streamlit can fire a widget's callback again in a later rerun — once the person has moved on
to the next question and the other widgets of the question are no longer in the session. The
form used to rebuild the whole question from the session then, and a note typed on question 1
could wipe the industries chosen on it (seen in the end-to-end browser test under load).
"""
from __future__ import annotations

import pytest
import streamlit as st

from tests.builders import C, D
from workshop import catalog
from workshop.definition import Action, Definition
from workshop.ui.definition_form import (
    THRESHOLD,
    _add_other,
    _drawn,
    _save_note,
    _save_words,
    _store,
    forget_form,
    with_engagement_from_widget,
    with_field_from_widgets,
)

P = "draft:1"
INDUSTRY = catalog.QUESTIONS_BY_KEY["industry"]
JOB_ROLE = catalog.QUESTIONS_BY_KEY["job_role"]


def key(question: str, *parts: str) -> str:
    return ":".join((P, question, *parts))


def answered() -> Definition:
    """Question 1 (industries, earning points) and question 2 (function and titles) answered,
    with notes, and conversion actions."""
    return D(
        C("industry", values=["Software", "Healthcare"], role="nice", points=25,
          question="industry"),
        C("job_function", values=["Finance"], question="job_role"),
        C("job_title", op="contains_any", values=["controller"], question="job_role"),
        actions=[Action(field="demo_requested", points=30),
                 Action(field="pricing_page_visits", points=10)],
        threshold=40, notes={"industry": "where we win", "job_role": "who signs"})


@pytest.fixture(autouse=True)
def clean_session():
    st.session_state.clear()
    yield
    st.session_state.clear()


def test_a_field_whose_widgets_are_gone_is_left_as_it_is():
    definition = answered()
    only_the_note = {key("industry", "note"): "where we win"}
    assert with_field_from_widgets(definition, P, INDUSTRY, "industry", only_the_note) \
        is definition


def test_a_widget_left_alone_keeps_the_saved_answer_not_the_form_default():
    """Only the values are in the session: how it counts (+25 points) stays as saved."""
    state = {key("industry", "industry", "values"): ["Software", "Healthcare", "Retail"]}
    changed = with_field_from_widgets(answered(), P, INDUSTRY, "industry", state)
    (industry,) = changed.criteria_for("industry")
    assert industry.values == ["Software", "Healthcare", "Retail"]
    assert (industry.role, industry.points) == ("nice", 25)


def test_one_field_changes_and_the_other_field_of_the_question_stays_without_its_widgets():
    state = {key("job_role", "job_title", "text"): "controller, cfo",
             key("job_role", "job_title", "role"): "must:sql"}
    changed = with_field_from_widgets(answered(), P, JOB_ROLE, "job_title", state)
    function, title = changed.criteria_for("job_role")
    assert function == answered().criteria_for("job_role")[0]
    assert (title.values, title.gate) == (["controller", "cfo"], "sql")
    assert changed.criteria_for("industry") == answered().criteria_for("industry")
    assert changed.notes == answered().notes and changed.actions == answered().actions


def test_clearing_a_field_removes_its_criterion_only():
    state = {key("job_role", "job_function", "values"): []}
    changed = with_field_from_widgets(answered(), P, JOB_ROLE, "job_function", state)
    assert [c.field for c in changed.criteria_for("job_role")] == ["job_title"]


def test_the_same_values_again_change_nothing_not_even_the_order():
    definition = answered()
    state = {key("industry", "industry", part): value for part, value in (
        ("values", ["Software", "Healthcare"]), ("op", "in"), ("role", "nice"),
        ("points", 25))}
    assert with_field_from_widgets(definition, P, INDUSTRY, "industry", state) == definition


def test_conversion_points_and_threshold_one_widget_at_a_time():
    definition = answered()
    assert with_engagement_from_widget(definition, P, "demo_requested", {}) is definition
    raised = with_engagement_from_widget(
        definition, P, "demo_requested", {key(catalog.ENGAGEMENT, "demo_requested"): 50})
    assert [(a.field, a.points) for a in raised.actions] == [
        ("demo_requested", 50), ("pricing_page_visits", 10)]  # in place, the other kept
    dropped = with_engagement_from_widget(
        definition, P, "pricing_page_visits",
        {key(catalog.ENGAGEMENT, "pricing_page_visits"): 0})
    assert [a.field for a in dropped.actions] == ["demo_requested"]
    assert dropped.threshold == 40
    threshold = with_engagement_from_widget(
        definition, P, THRESHOLD, {key(catalog.ENGAGEMENT, THRESHOLD): 70})
    assert (threshold.threshold, threshold.actions) == (70, definition.actions)


def test_a_note_changes_the_note_only_and_an_empty_note_removes_it():
    definition = answered()
    noted = definition.with_note("industry", "software first")
    assert noted.notes == {"industry": "software first", "job_role": "who signs"}
    assert noted.criteria == definition.criteria and noted.actions == definition.actions
    assert "industry" not in definition.with_note("industry", "  ").notes


class Drafts:
    """A draft behind load/save, counting saves."""

    def __init__(self, definition: Definition, revision: int = 3) -> None:
        self.definition, self.revision, self.saves = definition, revision, 0

    def load(self) -> tuple[Definition, int]:
        return self.definition, self.revision

    def save(self, definition: Definition, revision: int) -> int:
        assert revision == self.revision
        self.definition, self.revision, self.saves = definition, revision + 1, self.saves + 1
        return self.revision


def test_a_callback_fired_again_for_a_saved_change_writes_no_revision():
    drafts = Drafts(answered())
    st.session_state[f"{P}:revision"] = {"revision": 3}
    assert _store(P, drafts.load, drafts.save, lambda d: d.with_note("industry", "x"))
    assert (drafts.saves, st.session_state[f"{P}:revision"]) == (1, {"revision": 4})
    assert _store(P, drafts.load, drafts.save, lambda d: d.with_note("industry", "x"))
    assert drafts.saves == 1 and f"{P}:notice" not in st.session_state


def test_the_note_box_saves_its_question_s_note_and_nothing_else():
    """The note's box sends its text with its question bound: only that note is written, and
    the same text sent again (a change delivered twice) writes nothing."""
    drafts = Drafts(answered())
    st.session_state[f"{P}:revision"] = {"revision": 3}
    assert _save_note(P, INDUSTRY, drafts.load, drafts.save, "software first", 3)
    assert drafts.saves == 1
    assert drafts.definition.criteria == answered().criteria
    assert drafts.definition.notes["industry"] == "software first"
    assert _save_note(P, INDUSTRY, drafts.load, drafts.save, "software first", 3)
    assert drafts.saves == 1


def test_a_note_typed_after_someone_else_saved_is_refused_for_the_box():
    drafts = Drafts(answered(), revision=5)
    st.session_state[f"{P}:revision"] = {"revision": 3}
    assert not _save_note(P, INDUSTRY, drafts.load, drafts.save, "late", 3)
    assert drafts.saves == 0 and "changed elsewhere" in st.session_state[f"{P}:notice"]


def test_a_real_change_after_someone_else_saved_is_refused_with_the_notice():
    drafts = Drafts(answered(), revision=5)
    st.session_state[f"{P}:revision"] = {"revision": 3}
    assert not _store(P, drafts.load, drafts.save, lambda d: d.with_note("industry", "y"))
    assert drafts.saves == 0
    assert "changed elsewhere" in st.session_state[f"{P}:notice"]


class StoppedAfterSaving(Drafts):
    """The callback is stopped right after the save (Streamlit does so when a newer rerun
    waits): the new revision is in the database but was never noted by the session."""

    def save(self, definition: Definition, revision: int) -> int:
        super().save(definition, revision)
        raise RuntimeError("stopped")


def test_a_callback_stopped_after_its_save_is_no_change_made_elsewhere():
    drafts = StoppedAfterSaving(answered())
    st.session_state[f"{P}:revision"] = {"revision": 3}
    with pytest.raises(RuntimeError):
        _store(P, drafts.load, drafts.save, lambda d: d.with_note("industry", "x"))
    assert drafts.revision == 4 and st.session_state[f"{P}:revision"]["revision"] == 3
    plain = Drafts(drafts.definition, revision=4)  # the next change, on a server less busy
    assert _store(P, plain.load, plain.save, lambda d: d.with_note("industry", "xy"))
    assert plain.saves == 1 and plain.definition.notes["industry"] == "xy"
    assert f"{P}:notice" not in st.session_state
    # Someone else's save after that is still refused.
    plain.definition, plain.revision = plain.definition.with_note("industry", "theirs"), 9
    assert not _store(P, plain.load, plain.save, lambda d: d.with_note("industry", "mine"))
    assert "changed elsewhere" in st.session_state[f"{P}:notice"]


def test_typed_job_titles_save_that_criterion_keeping_its_role_and_nothing_else():
    """The keywords' box sends its words; the criterion keeps its role (from the database when
    the role widget is not in the session) and the other criteria and notes stay."""
    drafts = Drafts(answered())
    st.session_state[f"{P}:revision"] = {"revision": 3}
    assert _save_words(P, JOB_ROLE, "job_title", drafts.load, drafts.save, "cfo, controller ", 3)
    titles = next(c for c in drafts.definition.criteria if c.field == "job_title")
    assert (titles.values, titles.role, titles.gate) == (["cfo", "controller"], "must", "mql")
    others = [c for c in drafts.definition.criteria if c.field != "job_title"]
    assert others == [c for c in answered().criteria if c.field != "job_title"]
    assert drafts.definition.notes == answered().notes
    # The role changed to 'nice' meanwhile: the next words keep it.
    st.session_state[key("job_role", "job_title", "role")] = "nice"
    st.session_state[key("job_role", "job_title", "points")] = 5
    assert _save_words(P, JOB_ROLE, "job_title", drafts.load, drafts.save, "cfo", 4)
    titles = next(c for c in drafts.definition.criteria if c.field == "job_title")
    assert (titles.values, titles.role, titles.points) == (["cfo"], "nice", 5)
    # Emptied: the criterion goes.
    assert _save_words(P, JOB_ROLE, "job_title", drafts.load, drafts.save, " , ", 5)
    assert not [c for c in drafts.definition.criteria if c.field == "job_title"]


def test_a_value_of_a_form_drawn_before_a_reset_is_never_saved():
    """After `forget_form` (a suggestion applied, say) the browser may still send the old
    drawing's values with a rerun it asked for meanwhile, and a run stopped early may not have
    drawn the form again: the old widgets' callbacks must not save those over the change."""
    drafts = Drafts(answered())
    st.session_state[f"{P}:revision"] = {"revision": 3}
    drawn_before = _drawn(P)
    st.session_state[key("industry", "industry", "values")] = []  # as the old drawing had it
    forget_form(P, 3)
    assert _drawn(P) != drawn_before
    emptied = lambda d: with_field_from_widgets(  # noqa: E731
        d, drawn_before, INDUSTRY, "industry",
        {f"{drawn_before}:industry:industry:values": [], **st.session_state.to_dict()})
    assert not _store(drawn_before, drafts.load, drafts.save, emptied)
    assert drafts.saves == 0 and drafts.definition == answered()
    assert f"{P}:notice" not in st.session_state  # nothing to tell: it was no change
    # the widgets drawn now save as ever
    now = _drawn(P)
    assert _store(now, drafts.load, drafts.save, lambda d: with_field_from_widgets(
        d, now, INDUSTRY, "industry", {f"{now}:industry:industry:values": ["Retail"]}))
    assert drafts.saves == 1
    assert drafts.definition.criteria_for("industry")[0].values == ["Retail"]


def test_a_recency_condition_is_added_from_the_other_signals_row_with_its_days():
    """The form's widget for an operator that takes a number of days (within_last)."""
    drafts = Drafts(answered())
    st.session_state[f"{P}:revision"] = {"revision": 3}
    row = lambda part: f"{P}:other:{part}"  # noqa: E731
    st.session_state.update({row("column"): "Last pricing visit", row("op"): "within_last",
                             row("role"): "nice", row("points"): 15})
    _add_other(P, drafts.load, drafts.save)
    assert drafts.saves == 0 and "needs a number of days" in st.session_state[f"{P}:error"]
    st.session_state[row("days")] = 90
    _add_other(P, drafts.load, drafts.save)
    [added] = drafts.definition.criteria_for("other")
    assert (added.field, added.op, added.days, added.points) == (
        "Last pricing visit", "within_last", 90, 15)
    assert row("days") not in st.session_state  # the row is ready for the next condition


def test_a_condition_added_twice_by_one_tap_is_added_once():
    """A phone's tap delivered twice (two reruns with the row's values) added the condition
    twice, each with its own Remove."""
    drafts = Drafts(answered())
    st.session_state[f"{P}:revision"] = {"revision": 3}
    row = lambda part: f"{P}:other:{part}"  # noqa: E731
    filled = {row("column"): "Produktlinie", row("op"): "in",
              row("values"): ["Enterprise", "Enterprise Plus"], row("role"): "must:sql"}
    st.session_state.update(filled)
    _add_other(P, drafts.load, drafts.save)
    saves = drafts.saves
    st.session_state.update(filled)  # the second delivery of the same tap
    _add_other(P, drafts.load, drafts.save)
    added = drafts.definition.criteria_for("other")
    assert [(c.field, c.values, c.gate) for c in added] == [
        ("Produktlinie", ["Enterprise", "Enterprise Plus"], "sql")]
    assert drafts.saves == saves
