"""The guided form: the exercise's questions one at a time, every change saved at once.

The form is given `load` and `save` callables, so the same form edits a draft (through the
author's token) or the shared definition (through the facilitator's). Widget values live in
session state only while a question is on screen; the database is the source of truth.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import partial

import streamlit as st

from workshop import catalog, store
from workshop.catalog import Kind
from workshop.definition import (
    MAX_COLUMN_NAME,
    MAX_NOTE,
    SCHEMA_VERSION,
    Action,
    Criterion,
    Definition,
    DefinitionError,
    read_upload,
)
from workshop.hindsight import recorded_after_arrival
from workshop.lead_values import OTHER_VALUES_LISTED, VALUES_LISTED, LeadValues, OtherColumn
from workshop.money import CURRENCIES, DEFAULT_CURRENCY, currency_name
from workshop.operators import (
    BOOL_OPS,
    OPERATORS,
    RANGE_OPS,
    VALUE_OPS,
    Provided,
    Truth,
    operator,
)
from workshop.store import AccessDenied, Locked, NotFound, StaleEdit
from workshop.text import escape_markdown
from workshop.typed_values import unmatched
from workshop.ui.autosave import autosave_text
from workshop.ui.context import Place, visit

Load = Callable[[], tuple[Definition, int]]
Save = Callable[[Definition, int], int]

ROLE_CHOICES = {
    "must:mql": "Must have (MQL gate)",
    "must:sql": "Must have for sales (SQL gate)",
    "nice": "Nice to have (earns points)",
    "disqualifier": "Rules the lead out (disqualifier)",
}
OP_CHOICES = {"in": "is one of", "not_in": "is not one of"}
# What the form says about saving, and no more than is true: choices save when made, typed
# words and notes as they are typed (autosave.py), a number once its box is left (Streamlit's
# number_input hands it over only then, or on Enter or its +/- buttons).
SAVING = "saved as you go (a number once you leave its box)"
THRESHOLD = "threshold"  # the engagement question's widget besides the conversion actions
DISQUALIFIER_LABELS = {
    "company": "Company name contains (competitors, one per comma)",
    "job_title": "Job title contains (e.g. student, intern)",
    "personal_email": "Uses a personal e-mail address (gmail, yahoo, …)",
    "is_customer": "Is already a customer",
    "country": "Country is one of (countries you cannot serve)",
}


def draft_access(place: Place) -> tuple[Load, Save]:
    """Load and save for the draft that belongs to the place's key (the store checks it is
    theirs)."""
    def load() -> tuple[Definition, int]:
        with visit(place) as ws:
            definition, revision, _ = ws(store.my_draft)
        return definition, revision

    def save(definition: Definition, revision: int) -> int:
        with visit(place) as ws:
            return ws(store.save_draft, definition, revision)

    return load, save


def definition_form(prefix: str, load: Load, save: Save,
                    values: LeadValues | None = None) -> None:
    """Render the guided form for the definition behind `load`/`save`.

    `values` come from the company's own leads: each category question offers the export's
    values (with how many leads have each) instead of the catalog's neutral list, and "Other
    signals" offers its columns beyond the catalog; without them a column is named by typing
    it."""
    values = values or LeadValues({}, {})
    seen = st.session_state.get(f"{prefix}:revision")
    if isinstance(seen, dict) and seen.pop("redraw", False):  # see save_beside
        forget_form(prefix, seen["revision"])
    definition, revision = load()
    st.session_state.setdefault(f"{prefix}:revision", {"revision": revision})
    index_key = f"{prefix}:question"
    place = st.session_state.get(index_key)
    if place is None:  # a refresh comes back to the same question
        typed = str(st.query_params.get("q", "1"))
        place = int(typed) - 1 if typed.isdigit() else 0
    if not isinstance(place, dict):  # kept in a dict changed in place: see _move
        place = {"index": _question_index(place)}
        st.session_state[index_key] = place
    questions = catalog.QUESTIONS
    index = place["index"] = max(0, min(_question_index(place.get("index")), len(questions) - 1))
    st.query_params["q"] = str(index + 1)

    for message_key, show in ((f"{prefix}:error", st.error), (f"{prefix}:notice", st.warning)):
        if st.session_state.get(message_key):
            show(escape_markdown(st.session_state.pop(message_key)))

    answered = definition.answered_count()
    st.progress(answered / len(questions),
                text=f"{answered} of {len(questions)} questions answered · {SAVING}")
    nav = st.columns([1, 4, 1], vertical_alignment="bottom")
    nav[0].button("◀ Back", key=f"{prefix}:back", disabled=index == 0,
                  on_click=_move, args=(index_key, -1), width="stretch")
    st.session_state[f"{prefix}:jump"] = index  # follows Back/Next as well as its own choice
    nav[1].selectbox(
        "Question", range(len(questions)), key=f"{prefix}:jump",
        format_func=lambda i: (f"{'✓' if definition.answered(questions[i].key) else '○'} "
                               f"{i + 1}. {questions[i].title}"),
        on_change=_jump, args=(index_key, f"{prefix}:jump"), label_visibility="collapsed")
    nav[2].button("Next ▶", key=f"{prefix}:next", disabled=index == len(questions) - 1,
                  on_click=_move, args=(index_key, 1), width="stretch", type="primary")

    question = questions[index]
    prefix = _drawn(prefix)  # the widgets' keys, and their callbacks, name this drawing
    with st.container(border=True):
        st.subheader(f"{index + 1}. {question.prompt}")
        if question.hint:
            st.caption(question.hint)
        if question.key == catalog.ENGAGEMENT:
            _engagement_widgets(prefix, definition, load, save)
        elif question.key == catalog.OTHER:
            _other_widgets(prefix, definition, load, save, values.columns)
        else:
            for field_key in question.fields:
                _field_widgets(prefix, question, catalog.FIELDS[field_key], definition, load,
                               save, values.fields.get(field_key), revision, values.currency,
                               values.distinct.get(field_key, 0), values.currency_mixed)
        autosave_text("Note: why, in your own words (optional)",
                      definition.notes.get(question.key, ""), revision,
                      _key(prefix, question.key, "note"),
                      partial(_save_note, prefix, question, load, save),
                      max_chars=_note_room(definition.notes.get(question.key, "")),
                      multiline=True, kept_as=_undrawn(_key(prefix, question.key, "note")))


def _note_room(note: str) -> int:
    """The characters a note's box holds: MAX_NOTE, or for a note stored longer (an older
    app took it from a file) room to type on (a box at its limit takes no keystroke)."""
    return MAX_NOTE if len(note) <= MAX_NOTE else max(len(note), 2 * MAX_NOTE)


def _move(index_key: str, step: int) -> None:
    """Back or Next. Like every callback here it only reads the session state in one go and
    changes the question in place (see _store): a callback Streamlit stops for a newer rerun
    also skips the callbacks after it in the same rerun, such as the note typed just before
    Next was clicked."""
    place = st.session_state.to_dict().get(index_key)
    if isinstance(place, dict):  # else an earlier callback of the same rerun reset the form
        place["index"] = max(0, min(len(catalog.QUESTIONS) - 1,
                                    _question_index(place.get("index")) + step))


def _jump(index_key: str, jump_key: str) -> None:
    state = st.session_state.to_dict()  # read in one go: see _move
    chosen, place = state.get(jump_key), state.get(index_key)
    if chosen is not None and isinstance(place, dict):  # else the form was reset meanwhile
        place["index"] = _question_index(chosen)


def _question_index(chosen: object) -> int:
    """The question picker's choice as an index. Its labels change as questions get answered
    (○ → ✓), so a rerun sent with a label from before may hand back that label, a string:
    it is matched by its number ("✓ 3. Seniority" → 2), else the first question."""
    if isinstance(chosen, int):
        return chosen
    if chosen is None:
        return 0
    number = next((part.rstrip(".") for part in str(chosen).split() if part.endswith(".")
                   and part.rstrip(".").isdigit()), "1")
    return max(0, min(int(number) - 1, len(catalog.QUESTIONS) - 1))


def _key(prefix: str, question: str, *parts: str) -> str:
    return ":".join((prefix, question, *parts))


def _rules_on(definition: Definition, question: str, field_key: str) -> list[Criterion]:
    return [c for c in definition.criteria_for(question) if c.field == field_key]


def _current(definition: Definition, question: str, field_key: str) -> Criterion | None:
    return next(iter(_rules_on(definition, question, field_key)), None)


def _init(key: str, value) -> None:
    if key not in st.session_state:
        st.session_state[key] = value


def fits_the_form(definition: Definition, question: catalog.Question,
                  lead_field: catalog.LeadField) -> bool:
    """Whether the guided form's widgets for `lead_field` show every rule the definition has on
    it under `question`: none, or one the widgets can say (a definition file, or an edit in
    step 3, may hold two must-haves on one field or an operator the form does not offer)."""
    rules = _rules_on(definition, question.key, lead_field.key)
    if not rules:
        return True
    if len(rules) > 1:
        return False
    rule = rules[0]
    disqualifying = question.roles == ("disqualifier",)
    if disqualifying and rule.role != "disqualifier":
        return False
    if lead_field.kind == Kind.CATEGORY:
        return rule.op in OP_CHOICES
    if lead_field.kind == Kind.NUMBER:
        return rule.op in RANGE_OPS
    if lead_field.kind == Kind.TEXT:
        return rule.op == "contains_any"
    if lead_field.kind == Kind.BOOLEAN:
        return rule.op == "is_true" and (disqualifying or (
            rule.role == "must" and rule.gate == question.default_gate))
    return False


def _field_widgets(prefix: str, question: catalog.Question, lead_field: catalog.LeadField,
                   definition: Definition, load: Load, save: Save,
                   counted: tuple[tuple[str, int], ...] | None = None,
                   revision: int = 0, export_currency: str | None = None,
                   distinct: int = 0, currency_mixed: bool = False) -> None:
    k = lambda *parts: _key(prefix, question.key, lead_field.key, *parts)  # noqa: E731
    if not fits_the_form(definition, question, lead_field):
        rules = _rules_on(definition, question.key, lead_field.key)
        st.markdown(f"**{escape_markdown(lead_field.label)}**")
        st.info("The form cannot show these rules, so it leaves them as they are:\n\n"
                + "\n".join(f"- {escape_markdown(rule.sentence())}" for rule in rules))
        st.button("Replace them with one rule written here", key=k("replace"),
                  on_click=_replace_rules, args=(prefix, question, lead_field.key, load, save))
        st.divider()
        return
    shown = _shown(prefix, question, lead_field, definition, export_currency)
    for key, value in shown.items():
        if key != k("text"):  # typed words live in their box, and in the database
            _init(key, value)
    on_change = {"on_change": _save_field,
                 "args": (prefix, question, lead_field.key, load, save)}
    disqualifying = question.roles == ("disqualifier",)
    label = DISQUALIFIER_LABELS.get(lead_field.key, lead_field.label) if disqualifying \
        else lead_field.label

    if lead_field.kind == Kind.CATEGORY:
        counts = dict(counted or ())
        options = list(counts) if counts else list(lead_field.options)
        options += [v for v in st.session_state[k("values")] or [] if v not in options]
        if not disqualifying:
            st.radio(f"{lead_field.label}", list(OP_CHOICES), key=k("op"), horizontal=True,
                     format_func=OP_CHOICES.get, **on_change)
        st.multiselect(label, options, key=k("values"), accept_new_options=True,
                       format_func=lambda value: _with_count(value, counts),
                       placeholder="Choose or type values", help=lead_field.help or None,
                       **on_change,
                       label_visibility="collapsed" if not disqualifying else "visible")
        if counts and distinct > len(counts):
            st.caption(f"The {len(counts):,} most common of the {distinct:,} values in your "
                       "leads, with how many leads have each: type any other to add it.")
        elif counts:
            st.caption("Values and lead counts from your leads.")
        typed_value_warnings(st.session_state[k("values")] or [],
                             list(counts) if counts else list(lead_field.options),
                             bool(counts), lead_field.label, VALUES_LISTED, lead_field.key)
    elif lead_field.kind == Kind.NUMBER:
        st.markdown(f"**{escape_markdown(lead_field.label)}**")
        money = lead_field.is_money
        low_col, high_col, *currency_col = st.columns([2, 2, 1] if money else 2)
        low_col.number_input("At least", min_value=0.0, key=k("low"), step=1.0,
                             format="%.0f", placeholder="no minimum", **on_change)
        high_col.number_input("At most", min_value=0.0, key=k("high"), step=1.0,
                              format="%.0f", placeholder="no maximum", **on_change)
        if money:
            currency_col[0].selectbox("Currency", list(CURRENCIES), key=k("currency"),
                                      format_func=currency_name, **on_change,
                                      help="The currency of these amounts. The app never "
                                      "converts: your export's amounts are read in its own.")
            if currency_mixed and export_currency:
                st.caption("Your export writes its amounts in more than one currency, most "
                           f"in {currency_name(export_currency)}; they are compared as "
                           "written, without converting.")
            elif export_currency and st.session_state[k("currency")] != export_currency:
                st.caption(f"Your export writes its amounts in {currency_name(export_currency)}.")
    elif lead_field.kind == Kind.TEXT:
        # Typed words save as they are typed (see autosave.py). They are no session value:
        # the role and points widgets' saves take them from the database (see _shown).
        autosave_text(label if disqualifying else f"{lead_field.label} contains any of",
                      str(shown[k("text")]), revision, k("text-box"),
                      partial(_save_words, prefix, question, lead_field.key, load, save),
                      max_chars=500, placeholder="comma-separated keywords",
                      kept_as=_undrawn(k("text-box")))
    elif lead_field.kind == Kind.BOOLEAN:
        st.checkbox(label, key=k("flag"), **on_change)

    if not disqualifying and lead_field.kind != Kind.BOOLEAN:
        role_col, points_col = st.columns([3, 1])
        role_col.selectbox("How it counts", list(ROLE_CHOICES), key=k("role"),
                           format_func=ROLE_CHOICES.get, **on_change)
        if st.session_state[k("role")] == "nice":
            points_col.number_input("Points", min_value=1, max_value=1000, step=1,
                                    key=k("points"), **on_change)
        st.divider()


def typed_value_warnings(chosen: list[str], known: list[str], from_export: bool, subject: str,
                         listed: int, column: str) -> None:
    """A warning per chosen value that no lead has (typed, say misspelt), with the nearest."""
    for each in unmatched(chosen, known, column):
        st.warning(escape_markdown(each.sentence(
            from_export, subject, listed if from_export and len(known) >= listed else None)),
            icon="⚠️")


def _with_count(value: str, counts: dict[str, int]) -> str:
    """'Healthcare · 412 leads' for a value of the export; the value alone otherwise."""
    count = counts.get(value)
    if count is None:
        return value
    return f"{value} · {count:,} lead{'' if count == 1 else 's'}"


def _shown(prefix: str, question: catalog.Question, lead_field: catalog.LeadField,
           definition: Definition, export_currency: str | None = None) -> dict[str, object]:
    """The widget values (by session-state key) that show `definition`'s criterion on
    `lead_field`: what the widgets start from, and what a callback falls back on for a widget
    of the field that is no longer on the page.

    A new amount of money starts in the currency of the definition's other amounts, else in
    the one the export writes (`export_currency`), else in the default."""
    current = _current(definition, question.key, lead_field.key)
    k = lambda *parts: _key(prefix, question.key, lead_field.key, *parts)  # noqa: E731
    disqualifying = question.roles == ("disqualifier",)
    shown: dict[str, object] = {}
    if lead_field.kind == Kind.CATEGORY:
        shown[k("values")] = list(current.values) if current and current.op in OP_CHOICES \
            else []
        if not disqualifying:
            shown[k("op")] = current.op if current and current.op in OP_CHOICES else "in"
    elif lead_field.kind == Kind.NUMBER:
        shown[k("low")] = current.lower if current else None
        shown[k("high")] = current.upper if current else None
        if lead_field.is_money:
            others = [c.currency_code for c in definition.criteria if c.is_money]
            shown[k("currency")] = current.currency_code if current else (
                others[0] if others else export_currency or DEFAULT_CURRENCY)
    elif lead_field.kind == Kind.TEXT:
        shown[k("text")] = ", ".join(current.values) if current else ""
    elif lead_field.kind == Kind.BOOLEAN:
        shown[k("flag")] = bool(current and current.op == "is_true")
    if not disqualifying and lead_field.kind != Kind.BOOLEAN:
        shown[k("role")] = "nice" if current and current.role == "nice" else (
            "disqualifier" if current and current.role == "disqualifier" else
            f"must:{current.gate if current else question.default_gate}")
        shown[k("points")] = current.points if current and current.role == "nice" else 10
    return shown


def with_field_from_widgets(definition: Definition, prefix: str, question: catalog.Question,
                            field_key: str, state: dict) -> Definition:
    """`definition` with the criterion on one field of `question` rebuilt from its widgets'
    values in `state`, and nothing else changed.

    One field only, and only from widgets the session still has: a widget's callback can fire
    again in a later rerun — even once its question is off the page and the other widgets'
    values are gone — and must not take those for cleared answers."""
    lead_field = catalog.FIELDS[field_key]
    if not fits_the_form(definition, question, lead_field):
        return definition  # its widgets are not drawn: a stale one's value is no answer
    shown = _shown(prefix, question, lead_field, definition)
    present = {key: state[key] for key in shown if key in state}
    if not present:
        return definition
    built = _criterion_from_widgets(prefix, question, lead_field, shown | present)
    existing = definition.criteria_for(question.key)
    criteria = [c for c in existing if c.field not in question.fields]
    for each in question.fields:
        if each == field_key:
            criteria += [built] if built else []
        else:
            criteria += [c for c in existing if c.field == each]
    if criteria == existing:  # kept as it was (with_question would move it to the end)
        return definition
    return definition.with_question(question.key, criteria)


def _criterion_from_widgets(prefix: str, question: catalog.Question,
                            lead_field: catalog.LeadField, state: dict) -> Criterion | None:
    k = lambda *parts: _key(prefix, question.key, lead_field.key, *parts)  # noqa: E731
    if question.roles == ("disqualifier",):
        role, gate, points = "disqualifier", "mql", 0
    else:
        choice = state.get(k("role"), f"must:{question.default_gate}")
        role, _, gate = choice.partition(":")
        gate = gate or "mql"
        points = int(state.get(k("points")) or 0) if role == "nice" else 0
    common = {"field": lead_field.key, "role": role, "gate": gate, "points": points,
              "question": question.key}
    if lead_field.kind == Kind.CATEGORY:
        values = state.get(k("values")) or []
        if not values:
            return None
        return Criterion(op=state.get(k("op"), "in"), values=values, **common)
    if lead_field.kind == Kind.NUMBER:
        low, high = state.get(k("low")), state.get(k("high"))
        if low is None and high is None:
            return None
        op = "between" if low is not None and high is not None else (
            "at_least" if low is not None else "at_most")
        currency = state.get(k("currency")) if lead_field.is_money else None
        return Criterion(op=op, low=low, high=high, currency=currency, **common)
    if lead_field.kind == Kind.TEXT:
        words = [w.strip() for w in str(state.get(k("text")) or "").split(",") if w.strip()]
        return Criterion(op="contains_any", values=words, **common) if words else None
    if lead_field.kind == Kind.BOOLEAN:
        return Criterion(op="is_true", **common) if state.get(k("flag")) else None
    return None


def _engagement_widgets(prefix: str, definition: Definition, load: Load, save: Save) -> None:
    points = {a.field: a.points for a in definition.actions}
    st.markdown("**Points for each conversion action** (0 = does not count)")
    columns = st.columns(2)
    for i, (field_key, suggested) in enumerate(catalog.CONVERSION_ACTIONS):
        key = _key(prefix, catalog.ENGAGEMENT, field_key)
        _init(key, points.get(field_key, 0))
        columns[i % 2].number_input(catalog.FIELDS[field_key].label, min_value=0,
                                    max_value=1000, step=1, key=key,
                                    help=f"Typical: {suggested} points",
                                    on_change=_save_engagement,
                                    args=(prefix, field_key, load, save))
    threshold_key = _key(prefix, catalog.ENGAGEMENT, THRESHOLD)
    _init(threshold_key, definition.threshold)
    st.number_input("Points a lead needs to become an MQL (threshold)", min_value=0,
                    max_value=100000, step=1, key=threshold_key, on_change=_save_engagement,
                    args=(prefix, THRESHOLD, load, save))



def with_engagement_from_widget(definition: Definition, prefix: str, part: str,
                                state: dict) -> Definition:
    """`definition` with one conversion action's points (or the threshold, `part` THRESHOLD)
    taken from its widget in `state`; unchanged if the session no longer has that widget."""
    key = _key(prefix, catalog.ENGAGEMENT, part)
    if key not in state:
        return definition
    value = int(state[key] or 0)
    if part == THRESHOLD:
        return definition.with_engagement(definition.actions, value)
    actions = [a for a in definition.actions if a.field != part]
    if value > 0:
        position = next((i for i, a in enumerate(definition.actions) if a.field == part),
                        len(actions))
        actions.insert(position, Action(field=part, points=value))
    return definition.with_engagement(actions, definition.threshold)


OTHER_OPS = {name: meaning.label for name, meaning in OPERATORS.items()}
NUMBER_OPS, VALUE_OPS = RANGE_OPS, VALUE_OPS
DATE_OPS = (*BOOL_OPS, *(name for name, op in OPERATORS.items() if op.takes == "days"))
YES_NO_OPS = tuple(name for name, op in OPERATORS.items() if isinstance(op, Truth))
BLANK_OPS = tuple(name for name, op in OPERATORS.items() if isinstance(op, Provided))


def _ops_for(choice: OtherColumn | None) -> list[str]:
    """The conditions a column's values allow: ranges on numbers, present or not on dates,
    values and blank or given on text; yes or no (and blank or given, if some are) on a
    column of yes/no words or 1/0, whose "Yes" a next export may write "true" or 1, and on
    one ticked or left blank ("X"), its word or blank; every condition for a column typed by
    name."""
    if choice is None:
        return list(OTHER_OPS)
    if choice.yes_no is not None:
        yes, no = choice.yes_no
        if choice.blank and not (yes and no):  # ticked or blank ("X"): blank is its "no"
            return [op for op, leads in (("is_true", yes), ("is_false", no)) if leads] \
                + ["is_blank"]
        return [*YES_NO_OPS, *(BLANK_OPS if choice.blank else ())]
    if choice.number:
        return list(NUMBER_OPS)
    if choice.date:
        return list(DATE_OPS)
    return [*VALUE_OPS, *BLANK_OPS]


def _op_counts(choice: OtherColumn | None) -> dict[str, int]:
    """Leads each yes/no condition selects, as the rules read the column."""
    if choice is None or choice.yes_no is None:
        return {}
    yes, no = choice.yes_no
    return {"is_true": yes, "is_false": no, "is_known": yes + no, "is_blank": choice.blank}


def _op_label(name: str, counts: dict[str, int]) -> str:
    """'is yes (or has a date) · 781 leads' where the column's count is known."""
    return _with_count(OTHER_OPS[name], {OTHER_OPS[n]: c for n, c in counts.items()})


def _other_widgets(prefix: str, definition: Definition, load: Load, save: Save,
                   columns: dict[str, OtherColumn]) -> None:
    """Criteria on any column of the leads: the ones so far, and a row to add another.
    Columns known only after a lead arrived (`workshop.hindsight`) are offered last, and
    warned about when chosen or typed."""
    k = lambda *parts: _key(prefix, catalog.OTHER, *parts)  # noqa: E731
    for position, criterion in enumerate(definition.criteria_for(catalog.OTHER)):
        line, remove = st.columns([6, 1], vertical_alignment="center")
        line.markdown(f"- {escape_markdown(criterion.sentence())} · "
                      f"*{escape_markdown(criterion.role_phrase())}*")
        remove.button("Remove", key=k("remove", str(position)), on_click=_remove_other,
                      args=(prefix, position, load, save))

    st.markdown("**Add a condition on a column of your leads**")
    usable = [c for c in columns if len(c) <= MAX_COLUMN_NAME]
    later = {c for c in usable if recorded_after_arrival(c)}
    offered = [c for c in usable if c not in later] + [c for c in usable if c in later]
    column = st.selectbox(
        "Column", offered, index=None, key=k("column"), accept_new_options=True,
        format_func=lambda name: _column_label(name) + (AFTER_ARRIVAL_MARK if name in later
                                                        else ""),
        placeholder="Choose a column, or type its name exactly as in the export")
    if not columns:
        st.caption("The columns of the workshop's leads are listed here once an export is "
                   "uploaded; until then, type the column's name.")
    if len(usable) < len(columns):
        long_names = len(columns) - len(usable)
        st.caption(f"{long_names:,} column{' is' if long_names == 1 else 's are'} not listed: "
                   f"{'its name is' if long_names == 1 else 'their names are'} longer than "
                   f"{MAX_COLUMN_NAME} characters (a survey question, say). Shorten the "
                   "header in the export and upload it again to use it in a rule.")
    if column is None:
        return
    if recorded_after_arrival(column):
        st.warning(after_arrival_warning(column), icon="⏳")
    choice = columns.get(column)
    ops = _ops_for(choice)
    if st.session_state.get(k("op")) not in ops:
        st.session_state[k("op")] = ops[0]
    op_counts = _op_counts(choice)
    st.radio("Condition", ops, key=k("op"), horizontal=True,
             format_func=lambda name: _op_label(name, op_counts))
    op = st.session_state[k("op")]
    if op in NUMBER_OPS:
        low_col, high_col = st.columns(2)
        if operator(op).uses_low:
            low_col.number_input("At least", key=k("low"), value=None, step=1.0)
        if operator(op).uses_high:
            high_col.number_input("At most", key=k("high"), value=None, step=1.0)
    elif OPERATORS[op].takes == "days":
        st.number_input("Days", key=k("days"), value=None, min_value=1, max_value=36_500,
                        step=1, placeholder="e.g. 30")
    elif op in VALUE_OPS:
        counts = dict(zip(choice.values, choice.counts, strict=False)) if choice else {}
        st.multiselect("Values", list(choice.values) if choice else [], key=k("values"),
                       accept_new_options=True, placeholder="Choose or type values",
                       format_func=lambda value: _with_count(value, counts))
        if choice and op != "contains_any":  # words searched for in the text: not values
            typed_value_warnings(st.session_state.get(k("values")) or [], choice.values, True,
                                 column, OTHER_VALUES_LISTED, column)
    _init(k("role"), "nice")
    _init(k("points"), 10)
    role_col, points_col = st.columns([3, 1])
    role_col.selectbox("How it counts", list(ROLE_CHOICES), key=k("role"),
                       format_func=ROLE_CHOICES.get)
    if st.session_state[k("role")] == "nice":
        points_col.number_input("Points", min_value=1, max_value=1000, step=1, key=k("points"))
    st.button("Add this condition", key=k("add"), on_click=_add_other,
              args=(prefix, load, save))


AFTER_ARRIVAL_MARK = " · known only after a lead arrived"


def after_arrival_warning(column: str) -> str:
    """Markdown: why a condition on `column` (escaped here) misleads."""
    return (f"“{escape_markdown(column)}” is filled in only after a lead arrived (its deal, "
            "its status, what sales did with it). A condition on it cannot sort a new lead, "
            "and against past wins it looks better than it is.")


def _column_label(column: str) -> str:
    """'deal_stage' as 'Deal stage (deal_stage)': readable, and still the name to type."""
    readable = Criterion.model_construct(field=column).subject
    return column if readable == column else f"{readable} ({column})"


def _add_other(prefix: str, load: Load, save: Save) -> None:
    state = st.session_state.to_dict()  # read in one go: see _store
    k = lambda *parts: _key(prefix, catalog.OTHER, *parts)  # noqa: E731
    role, _, gate = str(state.get(k("role"), "nice")).partition(":")
    op = state.get(k("op"))
    values = [str(v).strip() for v in state.get(k("values")) or [] if str(v).strip()]
    named = str(state.get(k("column")) or "").strip()
    if len(named) > MAX_COLUMN_NAME:
        st.session_state[f"{_generation_of(prefix)[0]}:error"] = (
            f"Not saved: a rule's column name can be at most {MAX_COLUMN_NAME} characters, "
            f"and this one has {len(named):,}. Shorten the header in the export.")
        return
    try:
        criterion = Criterion(
            field=str(state.get(k("column")) or "").strip(), op=op, role=role,
            gate=gate or "mql", points=int(state.get(k("points")) or 0) if role == "nice" else 0,
            values=values if op in VALUE_OPS else [],
            low=state.get(k("low")) if op in OPERATORS and operator(op).uses_low else None,
            high=state.get(k("high")) if op in OPERATORS and operator(op).uses_high else None,
            days=state.get(k("days")) if op in OPERATORS and operator(op).takes == "days"
            else None,
            question=catalog.OTHER)
    except ValueError as error:
        st.session_state[f"{_generation_of(prefix)[0]}:error"] = _readable(error)
        return

    def add(definition: Definition) -> Definition:
        """The condition added once: a click delivered twice (a phone's tap can rerun the
        page twice) adds nothing the second time."""
        kept = definition.criteria_for(catalog.OTHER)
        if criterion in kept:
            return definition
        return definition.with_question(catalog.OTHER, [*kept, criterion])

    if _store(prefix, load, save, add, state):
        for part in ("column", "op", "values", "low", "high", "days", "role", "points"):
            st.session_state.pop(k(part), None)


def _remove_other(prefix: str, position: int, load: Load, save: Save) -> None:
    def remove(definition: Definition) -> Definition:
        kept = definition.criteria_for(catalog.OTHER)
        return definition.with_question(catalog.OTHER, kept[:position] + kept[position + 1:])

    _store(prefix, load, save, remove)


def _store(prefix: str, load: Load, save: Save, change: Callable[[Definition], Definition],
           state: dict | None = None) -> bool:
    """Apply `change` to the latest definition and save it, unless someone saved in between.

    Runs in widget callbacks, where every access to st.session_state (a read, a write, an
    `in`) is a point at which Streamlit stops the callback if a newer rerun is waiting — say
    the person typed on, or clicked Next, while the last change was being saved. Stopped
    before the save, the change is lost (Streamlit counts it as handled); stopped after it,
    the new revision was never noted, and the next change was refused as "changed elsewhere"
    although nobody else edits this definition. So the callbacks read the session state in
    one go first (`to_dict()` is no such point; `state` is that snapshot), and the revision
    seen is kept in a dict changed in place, not by assigning a key. The dict also keeps what
    this session is about to save: a revision it did not note is still its own when the
    stored definition is exactly that, so a callback stopped right after its save (a busy
    server, someone typing on) never turns into a false "changed elsewhere"."""
    state = st.session_state.to_dict() if state is None else state
    prefix, generation = _generation_of(prefix)
    if generation is not None and generation != state.get(f"{prefix}:generation", 0):
        return False  # a value of a drawing since replaced (see forget_form): not a change
    seen = state.get(f"{prefix}:revision")
    try:
        definition, revision = load()
    except (AccessDenied, NotFound) as error:  # say, its author was removed meanwhile
        st.session_state[f"{prefix}:error"] = f"Not saved: {error}"
        return False
    if seen is not None and revision != seen["revision"] \
            and seen.get("saving") == definition.to_json():
        seen["revision"] = revision  # this session's own save, its revision never noted
    try:
        updated = change(definition)
    except ValueError as error:
        st.session_state[f"{prefix}:error"] = _readable(error)
        return False
    if updated == definition:  # say, a callback fired again for a change already saved
        return True
    if seen is not None and revision != seen["revision"]:
        forget_form(prefix, revision)
        st.session_state[f"{prefix}:notice"] = (
            "This definition was changed elsewhere in the meantime; the latest version is "
            "shown. Please redo your last change.")
        return False
    if seen is not None:
        seen["saving"] = updated.to_json()  # in place, before the save: see above
    try:
        saved = save(updated, revision)
    except StaleEdit as error:
        forget_form(prefix, None)
        st.session_state[f"{prefix}:notice"] = str(error)
        return False
    except Locked as error:
        st.session_state[f"{prefix}:error"] = str(error)
        return False
    except (AccessDenied, NotFound) as error:
        st.session_state[f"{prefix}:error"] = f"Not saved: {error}"
        return False
    if seen is None:
        st.session_state[f"{prefix}:revision"] = {"revision": saved}
    else:
        seen["revision"] = saved  # in place: nothing here lets Streamlit stop the callback
        seen.pop("saving", None)
    return True


def _save_field(prefix: str, question: catalog.Question, field_key: str, load: Load,
                save: Save) -> None:
    """A widget of one field changed: save that field's criterion."""
    state = st.session_state.to_dict()  # read in one go: see _store
    _store(prefix, load, save,
           lambda definition: with_field_from_widgets(definition, prefix, question, field_key,
                                                      state), state)


def _replace_rules(prefix: str, question: catalog.Question, field_key: str, load: Load,
                   save: Save) -> None:
    """The person chose to replace the rules the form cannot show on one field: they go, and
    the field's widgets start empty."""
    def without(definition: Definition) -> Definition:
        kept = [c for c in definition.criteria_for(question.key) if c.field != field_key]
        return definition.with_question(question.key, kept)

    if _store(prefix, load, save, without):
        for key in [key for key in st.session_state
                    if str(key).startswith(_key(prefix, question.key, field_key, ""))]:
            del st.session_state[key]


def _save_words(prefix: str, question: catalog.Question, field_key: str, load: Load,
                save: Save, words: str, base: int) -> bool:
    """The keywords' box sent `words`: save that field's criterion with them (its role and
    points as their widgets show), checked like every change here (see _store)."""
    state = st.session_state.to_dict()  # read in one go: see _store
    text_key = _key(prefix, question.key, field_key, "text")
    state[text_key] = words
    return _store(prefix, load, save,
                  lambda definition: with_field_from_widgets(definition, prefix, question,
                                                             field_key, state), state)


def _save_engagement(prefix: str, part: str, load: Load, save: Save) -> None:
    state = st.session_state.to_dict()  # read in one go: see _store
    _store(prefix, load, save,
           lambda definition: with_engagement_from_widget(definition, prefix, part, state),
           state)


def _save_note(prefix: str, question: catalog.Question, load: Load, save: Save, note: str,
               base: int) -> bool:
    """The note's text box sent `note`: save the note, and nothing else of the question. The
    revision check is _store's (the form's revision seen), not the box's `base`."""
    return _store(prefix, load, save,
                  lambda definition: definition.with_note(question.key, note))


def _readable(error: ValueError) -> str:
    errors = getattr(error, "errors", None)
    if callable(errors):
        messages = [str(e.get("msg", "")).removeprefix("Value error, ") for e in errors()]
        return "Not saved: " + "; ".join(messages)
    return f"Not saved: {error}"


def forget_form(prefix: str, revision: int | None) -> None:
    """Draw this form afresh from the database: its widgets get new keys (the next
    generation) and the old ones' values are dropped.

    New keys, not only dropped values: until the browser has the new drawing it still holds
    the old widgets' values, and sends them with any rerun it asks for in between (the room's
    live poll, a second click). Under the old keys those would count as changes and be saved
    over what was just saved — a suggestion applied, then reverted "by hand". Under new keys
    they belong to a drawing that is gone, and `_store` ignores them."""
    base, _ = _generation_of(prefix)
    generation = st.session_state.get(f"{base}:generation", 0) + 1
    keep = {f"{base}:question", f"{base}:notice", f"{base}:error"}
    for key in [k for k in st.session_state if str(k).startswith(base + ":") and k not in keep]:
        del st.session_state[key]
    st.session_state[f"{base}:generation"] = generation
    if revision is not None:
        st.session_state[f"{base}:revision"] = {"revision": revision}


def save_beside(prefix: str, definition: Definition, save: Callable[[], int]) -> int:
    """Save `definition` from outside the form (step 3's Apply, in a button's callback) and
    keep the form in step with it: the revision saved becomes the form's, and the form is
    drawn afresh from the database on the page's next drawing, not at once.

    Not at once, because a value typed in the form (a number, handed over when its box is
    left, by the very click on Apply) arrives in the same rerun, and its callback may run
    after this one: forgetting the form now would make it a value of a replaced drawing, and
    drop it. With the form still current and its revision the one just saved, that callback
    saves the typed value on top. As in `_store`, the session state is read in one go and the
    revision dict changed in place."""
    seen = st.session_state.to_dict().get(f"{prefix}:revision")
    if isinstance(seen, dict):
        seen["saving"] = definition.to_json()  # a save whose revision is never noted: _store
    revision = save()
    if isinstance(seen, dict):
        seen["revision"] = revision
        seen.pop("saving", None)
        seen["redraw"] = True
    return revision


GENERATION_MARK = "::"  # between a form's prefix and the generation its widgets belong to
FIRST_GENERATIONS = 10**9  # a first generation is drawn at random below this


def _drawn(prefix: str) -> str:
    """The prefix of the widgets drawn now: the form's prefix and its current generation.

    A session's first drawing takes a number of its own, not 0: after a server restart the
    browser hands the new session the last values of the widgets it still shows, and under
    the same keys those would count as changes as soon as the page reran, and be saved over
    the database — a question the old page showed open wiped a rule merged since ("Edited by
    hand"). Under keys of its own the new session draws from the database only."""
    generation = f"{prefix}:generation"
    if generation not in st.session_state:
        st.session_state[generation] = secrets.randbelow(FIRST_GENERATIONS)
    return f"{prefix}{GENERATION_MARK}{st.session_state[generation]}"


def _undrawn(key: str) -> str:
    """A widget key without its drawing's generation: the name its box keeps typing under in
    the tab, the same over every drawing (a reload or a restart draws a new generation)."""
    head, mark, tail = key.partition(GENERATION_MARK)
    return head + ":" + tail.partition(":")[2] if mark else key


def _generation_of(prefix: str) -> tuple[str, int | None]:
    """(the form's prefix, the generation a widget prefix names; None: names none)."""
    base, mark, generation = prefix.rpartition(GENERATION_MARK)
    if not mark or not generation.isdigit():
        return prefix, None
    return base, int(generation)


def definition_summary(definition: Definition) -> None:
    """A definition in plain language, grouped the way the gates work."""
    sections = [
        ("MQL gate: must have", definition.gate("mql")),
        ("SQL gate: must also have before sales takes it", definition.gate("sql")),
        ("Earns points", definition.nice_to_haves),
        ("Disqualifiers", definition.disqualifiers),
    ]
    for title, criteria in sections:
        if criteria:
            st.markdown(f"**{title}**")
            st.markdown("\n".join(f"- {escape_markdown(c.sentence())}"
                                  + (f" (+{c.points})" if c.role == "nice" else "")
                                  for c in criteria))
    if definition.actions:
        st.markdown("**Conversion actions**")
        st.markdown("\n".join(f"- {escape_markdown(a.sentence())}" for a in definition.actions))
    st.markdown(f"**Threshold:** {definition.threshold} points")
    for key, note in definition.notes.items():
        title = catalog.QUESTIONS_BY_KEY[key].title if key in catalog.QUESTIONS_BY_KEY else key
        st.markdown(f"*{escape_markdown(title)}:* {escape_markdown(note)}")


def draft_in_sentences(definition: Definition, before: str = "you press Done") -> None:
    """One's own draft read back in plain language before handing it in (the facilitator's
    before moving the room on)."""
    with st.expander(f"📝 Your draft in sentences: read it before {before}", expanded=True):
        if definition.is_empty():
            st.caption("Nothing answered yet: an empty draft says nothing about your ideal "
                       "lead.")
        else:
            definition_summary(definition)


MAX_DEFINITION_FILE = 1_000_000  # a real definition is a few kilobytes


def definition_file_loader(prefix: str, load: Load, save: Save, what: str) -> None:
    """Replace the definition behind `load`/`save` with one from a definition JSON (a step 4
    download or the command line's export), after showing what it holds."""
    # Outside the form's keys (which `forget_form` drops): a used file gets a fresh, empty
    # uploader, or the browser would send the same file again on the next click.
    used = f"file-loader:{prefix}"
    with st.expander("Start from a definition file (JSON)",
                     expanded=bool(st.session_state.get(f"{used}:done"))):
        if st.session_state.get(f"{used}:done"):
            st.success(st.session_state.pop(f"{used}:done"))
        upload = st.file_uploader("A definition JSON exported from this app", type=["json"],
                                  key=f"{used}:{st.session_state.get(used, 0)}")
        if upload is None:
            return
        if upload.size > MAX_DEFINITION_FILE:
            st.error(f"{escape_markdown(upload.name)} is {upload.size:,} bytes: a definition "
                     "file is a few kilobytes. Is it the right file?")
            return
        try:
            read = read_upload(upload.getvalue())
        except DefinitionError as error:
            st.error(escape_markdown(str(error)))
            return
        if read.about:
            st.caption(escape_markdown(_about_line(read.about)))
        if read.upgraded:
            st.caption(f"Written in schema version {read.written_in}; read as version "
                       f"{SCHEMA_VERSION}, with the same rules.")
        definition_summary(read.definition)
        if st.button(f"Replace {what} with this definition", key=f"{prefix}:file:use"):
            if _store(prefix, load, save, lambda _: read.definition):
                forget_form(prefix, st.session_state[f"{prefix}:revision"]["revision"])
                st.session_state[used] = st.session_state.get(used, 0) + 1
                st.session_state[f"{used}:done"] = (f"Replaced {what} with "
                                                    f"{escape_markdown(upload.name)}.")
            st.rerun()


def _about_line(about: dict) -> str:
    """'Acme · version 2 · agreed by Ann for Sales on 2026-01-02'"""
    parts = [str(about[key]) for key in ("company", "title") if about.get(key)]
    if about.get("version"):
        parts.append(f"version {about['version']}")
    signed = about.get("agreed_by")
    if isinstance(signed, list) and signed:
        parts.append("agreed by " + ", ".join(map(str, signed)))
    if about.get("agreed_at"):
        parts.append(f"on {about['agreed_at']}")
    return " · ".join(parts)
