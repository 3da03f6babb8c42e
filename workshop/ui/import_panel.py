"""Uploading an export and reviewing how its columns map onto the lead fields."""
from __future__ import annotations

import hashlib
from collections.abc import Callable

import numpy as np
import pandas as pd
import streamlit as st

from workshop import store
from workshop.column_types import DAY_FIRST, MONTH_FIRST, parse_dates
from workshop.definition import format_amount
from workshop.importer import ImportProblem, read_export
from workshop.leads import blank_placeholders, column_readings, header_columns
from workshop.mapping import (
    ALLOWED_KEYS,
    DATE_ORDERS,
    MONEY_KEYS,
    NO_OUTCOME,
    UNITS,
    Mapping,
    OutcomeGuess,
    choice_problems,
    headers_signature,
    lost_by_default,
    outcome_as_read,
    outcome_values,
    repeating_columns,
    revenue_unit,
    suggest_outcome,
    unit_in_header,
    validate,
)
from workshop.money import currency_mismatch, mixed_sentence, typical_mark
from workshop.pipeline import map_with_saved, reuse_note
from workshop.sheet_notes import sheet_sentences
from workshop.text import escape_markdown
from workshop.ui.context import Place, visit
from workshop.ui.leads_source import LeadsSource, imported, remember_import
from workshop.ui.own_keys import MARK
from workshop.uploads import save_upload

# Old .xls, binary .xlsb and OpenDocument .ods files are taken too, so that the importer can
# say how to save them as .xlsx instead of the browser refusing them without a word of why.
UPLOAD_TYPES = ["csv", "tsv", "txt", "xlsx", "xlsm", "xls", "xlsb", "ods"]
NOT_MAPPED = ""
READ_NOTE = "evidence:read-note"  # (workshop, upload's sha256, Markdown) of the last upload


def upload_form(place: Place) -> None:
    """Read an uploaded export, reuse the mapping of an earlier export with the same headers,
    and make it the workshop's leads."""
    file = st.file_uploader("Upload a CRM export (CSV or Excel, up to 200 MB)",
                            type=UPLOAD_TYPES, key="evidence:file")
    if file is None:
        return
    # One reading per upload: the uploader hands the same file to every rerun. Each upload has
    # its own id, so a corrected re-export of the same name and size is read too.
    marker = (place.workshop_id, file.file_id)
    if st.session_state.get("evidence:done") == marker:
        return
    st.session_state["evidence:done"] = marker
    data = file.getvalue()
    progress = st.progress(0.0, text=f"Reading {escape_markdown(file.name)} "
                                     f"({len(data) / 1e6:,.1f} MB)…")
    try:
        raw, export_format = read_export(data, file.name, repeated=repeating_columns)
        progress.progress(0.45, text=f"Matching the columns of {len(raw):,} rows to the lead "
                                     "fields…")
        signature = headers_signature(list(raw.columns))
        with visit(place) as ws:
            known, same_headers = ws(store.mapping_to_reuse, signature)
        progress.progress(0.5, text=f"Cleaning the values of {len(raw):,} leads…")
        result = map_with_saved(raw, export_format, known, same_headers)
    except (ImportProblem, ValueError) as error:
        progress.empty()
        st.error(f"This file cannot be used: {escape_markdown(str(error))}")
        return
    progress.progress(0.95, text="Saving…")
    sha = save_upload(data)
    remember_import(sha, file.name, result)
    with visit(place) as ws:
        ws(store.record_upload, sha256=sha, filename=file.name, rows=len(result.leads),
           headers_signature=signature, mapping_json=result.mapping.to_json())
    progress.empty()
    # Kept for the upload's review below the form: the room's live poll reruns the page right
    # after an upload, and a message drawn only now would be gone within a second.
    st.session_state[READ_NOTE] = (place.workshop_id, sha, (
        f"Read {len(result.leads):,} leads from {escape_markdown(file.name)}"
        + (f" {escape_markdown(note)}." if (note := reuse_note(result)) else ".")))


def review(place: Place, source: LeadsSource, definitions: dict | None = None) -> None:
    """Format, data quality and the column mapping of the current upload. The quality table
    also covers the columns the shown definitions use, mapped or not."""
    upload = source.upload
    read = st.session_state.get(READ_NOTE)
    if isinstance(read, tuple) and read[:2] == (place.workshop_id, upload.sha256):
        st.success(read[2])  # what this session's upload of it said: see upload_form
    result = imported(upload.sha256, upload.filename, upload.mapping_json)
    fmt = result.format
    details = (f"{fmt.kind.upper()}, {fmt.encoding or 'workbook'}"
               + (f", sheet “{fmt.sheet}”" if fmt.sheet else "")
               + (f" (its table of leads; not “{fmt.passed_over}”, the sheet it opens on)"
                  if getattr(fmt, "passed_over", "") else "")
               + (f", separated by “{fmt.delimiter}”" if fmt.delimiter else "")
               + (", decimal commas" if fmt.decimal == "," else ""))
    st.markdown(f"**{escape_markdown(upload.filename)}**: {fmt.rows:,} rows, "
                f"{fmt.columns} columns ({escape_markdown(details)})")
    used = tuple(sorted({field for definition in (definitions or {}).values()
                         for field in definition_fields(definition)}))
    quality = quality_of(upload.sha256, upload.filename, upload.mapping_json, used)
    st.caption(escape_markdown(quality.headline()))
    for question in sheet_sentences(fmt, len(result.mapping.columns)) \
            + unit_questions(result) + date_order_questions(result) \
            + currency_warnings(result, definitions):
        st.warning(escape_markdown(question))
    with st.expander("Data quality per field"):
        st.dataframe(quality.as_table(), hide_index=True, width="stretch")
    with st.expander("Column mapping and outcome"):
        mapping_editor(place, upload.id, result.raw, result.mapping, result.leads)


def definition_fields(definition) -> list[str]:
    return [c.field for c in definition.criteria] + [a.field for a in definition.actions]


@st.cache_resource(max_entries=6, show_spinner="Checking the data…")
def quality_of(sha256: str, filename: str, mapping_json: str, used: tuple[str, ...] = ()):
    return imported(sha256, filename, mapping_json).quality(used)


def currency_warnings(result, definitions: dict | None = None) -> list[str]:
    """A sentence for each money column naming several currencies, and for definitions whose
    amounts are in another currency than the export's: a rule compares amounts as written,
    and the room must know before trusting a threshold on them."""
    sentences = [mixed_sentence(header, codes, of_codes=not result.mapping.columns.get(header))
                 for header, codes in result.mixed_currencies.items()]
    amounts = {name: {c.currency_code for c in definition.criteria if c.is_money}
               for name, definition in (definitions or {}).items()}
    # An export writing several currencies writes its amounts in none of them: said above.
    mismatch = None if sentences else currency_mismatch(amounts, result.currency)
    return sentences + ([mismatch] if mismatch else [])


def unit_questions(result) -> list[str]:
    """A sentence for each money column read in thousands or millions because its values look
    like it or a facilitator chose so (not because its header says so): the facilitator
    confirms or corrects it. Only revenue the values suggest a unit for "holds small numbers"."""
    questions = []
    for header, unit in result.mapping.units.items():
        if unit == 1 or unit_in_header(header) is not None or header not in result.raw.columns:
            continue
        key = result.mapping.columns.get(header, header)
        values = result.leads[key] if key in result.leads.columns else None
        median = "" if values is None or values.dropna().empty else \
            f" (a typical {'company' if key == 'annual_revenue' else 'value'}: " \
            f"{format_amount(float(values.median()), typical_mark(result.currency))})"
        small = key == "annual_revenue" and \
            revenue_unit(result.raw[header], result.format.decimal) == unit
        why = "holds small numbers, so it is read" if small else "is read, as chosen,"
        questions.append(
            f"“{header}” {why} in {UNITS[unit]}{median}. If its "
            "values are whole amounts (or in another unit), change its unit under “Column "
            "mapping and outcome”.")
    return questions


def date_order_questions(result) -> list[str]:
    """A sentence for the created dates when no date of the export says whether it is day or
    month first and nobody chose: the facilitator checks it, as every figure per month rests
    on it."""
    readings = column_readings(result.leads)
    return [f"No date in “{header}” says whether it is written day or month first (every day "
            f"is 12 or less), so {readings[key].date_order.replace('-', ' ')} is taken: check "
            "the order under “Column mapping and outcome”."
            for header, key in undecided_dates(result.leads).items()
            if key == "created" and not readings[key].chosen]


def undecided_dates(leads: pd.DataFrame) -> dict[str, str]:
    """Header -> leads column of the date columns none of whose values says whether it is
    day or month first (assumed, taken as likelier, or chosen in the column mapping)."""
    readings = column_readings(leads)
    return {header: key for header, key in header_columns(leads).items()
            if (reading := readings.get(key)) is not None and reading.kind == "date"
            and reading.date_order in DATE_ORDERS and not reading.evidence
            and (reading.ambiguous or reading.chosen)}


OUTCOME_LISTED = 500  # an outcome column with more values than this is not a stage list


def _version(mapping: Mapping) -> str:
    return hashlib.sha1(mapping.to_json().encode()).hexdigest()[:12]


def _drawn_keys(upload_id: int, mapping: Mapping) -> Callable[..., str]:
    """The form's widget keys, for the mapping as stored now: another screen's save draws the
    form afresh from it (a widget keeps its own value otherwise, and a save would put the
    earlier mapping back), and a Save clicked on the form as drawn before saves nothing."""
    version = _version(mapping)
    drawn = f"evidence:mapping-drawn:{upload_id}"
    if st.session_state.get(drawn) not in (None, version):
        st.info("The mapping was changed on another screen: the form shows it as saved now.")
    st.session_state[drawn] = version
    return lambda *parts: ":".join(("evidence", *map(str, parts))) + MARK + version


def mapping_editor(place: Place, upload_id: int, raw: pd.DataFrame, mapping: Mapping,
                   leads: pd.DataFrame | None = None) -> None:
    key = _drawn_keys(upload_id, mapping)
    options = [NOT_MAPPED] + sorted(ALLOWED_KEYS)
    table = pd.DataFrame({"Column in the export": list(raw.columns),
                          "Lead field": [mapping.columns.get(c, NOT_MAPPED) for c in raw.columns]})
    edited = st.data_editor(
        table, hide_index=True, width="stretch", key=key("mapping", upload_id),
        disabled=["Column in the export"],
        column_config={"Lead field": st.column_config.SelectboxColumn(
            options=options, help="Unmapped columns stay usable by criteria under their name")})
    chosen_columns = {row["Column in the export"]: row["Lead field"]
                      for _, row in edited.iterrows() if row["Lead field"]}
    units = _unit_widgets(key, upload_id, raw, mapping, chosen_columns)
    date_orders = _date_order_widgets(key, upload_id, raw, mapping, leads)
    columns = [NOT_MAPPED] + list(raw.columns)
    outcome = st.selectbox("Column that says whether a lead was won", columns,
                           index=columns.index(mapping.outcome_column)
                           if mapping.outcome_column in columns else 0,
                           format_func=lambda c: c or "(none)", key=key("outcome", upload_id))
    counted = outcome_values(raw[outcome]) if outcome else []
    default, unseen = _outcome_default(raw, mapping, outcome, chosen_columns, counted)
    present = False
    won: list[str] = []
    still_open: list[str] = []
    if outcome:
        # Keyed by the column: a widget keeps its value when its options change, and another
        # column's won values would be saved for this one.
        how = st.radio("How does it say so?", ["values", "present"], horizontal=True,
                       index=1 if default.won_when_present else 0,
                       key=key("outcome-how", upload_id, outcome),
                       format_func={"values": "Some of its values mean won",
                                    "present": "Any value means won (a date it converted, "
                                               "say); blank means not won"}.get)
        present = how == "present"
        shown = counted[:OUTCOME_LISTED]
        counts = dict(shown)
        st.caption(_values_caption(len(shown), len(counted)))
    if outcome and not present:
        values = list(counts)
        won = st.multiselect("Values that mean won", values,
                             default=[v for v in default.won_values if v in counts],
                             accept_new_options=True, format_func=lambda v: _counted(v, counts),
                             key=key("won", upload_id, outcome))
        still_open = st.multiselect(
            "Values that mean the deal is still open (unknown, not lost)", values,
            default=[v for v in default.open_values if v in counts], accept_new_options=True,
            format_func=lambda v: _counted(v, counts), key=key("open", upload_id, outcome))
        won, still_open = _in_column(won, counted), _in_column(still_open, counted)
        if unseen:
            st.caption(escape_markdown(_unseen_caption(unseen, default)))
        st.caption("Leads whose value is neither won nor open count as not won; blank cells "
                   "and placeholders such as “Select” count as no deal (not won). A value a "
                   "later export with these columns brings is read as new: a new pipeline "
                   "stage is open, a closed or lost one not won.")
        if mapping.closed_column is not None and outcome == mapping.outcome_column:
            st.caption(f"“{escape_markdown(mapping.closed_column)}” says which deals are "
                       "closed, and has the last word: a deal it marks closed that is not won "
                       "counts as not won, one it marks not closed as still open.")
    if st.button("Save the mapping", key=key("save", upload_id)):
        chosen = Mapping(columns=chosen_columns, outcome_column=outcome or None, won_values=won,
                         open_values=still_open, won_when_present=present, units=units,
                         without_outcome=not outcome, date_orders=date_orders,
                         lost_values=None if present or not outcome else
                         lost_by_default(raw[outcome], won, still_open),
                         closed_column=mapping.closed_column
                         if outcome == mapping.outcome_column and not present else None)
        problems = validate(chosen, list(raw.columns)) + choice_problems(chosen)
        if problems:
            st.error("Not saved: " + escape_markdown("; ".join(problems)))
            return
        with visit(place) as ws:
            ws(store.update_upload_mapping, upload_id, chosen.to_json())
        # this screen's own save: drawn afresh from it without the other screen's notice
        st.session_state[f"evidence:mapping-drawn:{upload_id}"] = _version(chosen)
        st.rerun()


def _outcome_default(raw: pd.DataFrame, mapping: Mapping, outcome: str,
                     columns: dict[str, str], counted: list[tuple[str, int]]
                     ) -> tuple[OutcomeGuess, list[str]]:
    """How the outcome widgets start for `outcome`: as the mapping reads the column's values
    now when it is the mapping's column (values it never saw included: `outcome_as_read`),
    else as the automatic suggestion would read that column alone; and the values the mapping
    never saw. `counted`: the column's values already counted (`outcome_values`), read once
    each instead of the column counted again on every run of the page."""
    if not outcome:
        return NO_OUTCOME, []
    if outcome == mapping.outcome_column:
        if mapping.won_when_present:
            return OutcomeGuess(outcome, [], [], True), []
        values = pd.Series([value for value, _ in counted], dtype="str", name=outcome)
        return outcome_as_read(values, mapping.won_values, mapping.open_values,
                               mapping.lost_values)
    guess = suggest_outcome(raw[[outcome]], {outcome: columns.get(outcome, NOT_MAPPED)})
    return (guess if guess.column == outcome else NO_OUTCOME), []


UNSEEN_LISTED = 8


def _unseen_caption(unseen: list[str], read: OutcomeGuess) -> str:
    """Plain text: the values this export brings that the mapping was saved without, and how
    they are read (what the lists above start from)."""
    won, still_open = set(read.won_values), set(read.open_values)
    said = [f"“{value}” ({'won' if value in won else 'open' if value in still_open else 'not won'})"
            for value in unseen[:UNSEEN_LISTED]]
    more = len(unseen) - UNSEEN_LISTED
    return ("New since the mapping was saved, and read as shown: " + ", ".join(said)
            + (f" and {more:,} more" if more > 0 else "") + ". Correct them above if need be, "
            "then save.")


def _in_column(chosen: list[str], counted: list[tuple[str, int]]) -> list[str]:
    """The chosen values the column holds (compared as the outcome is read): a value typed in
    that no lead has would count nothing now and mislead a later export."""
    held = {value.strip().casefold() for value, _ in counted}
    return [value for value in chosen if str(value).strip().casefold() in held]


def _values_caption(shown: int, total: int) -> str:
    if total == 0:
        return "This column is empty: every lead would count as no deal."
    if shown == total:
        return f"All {total:,} of its values are listed, with how many leads have each."
    return (f"Its {shown:,} most common values of {total:,} are listed; type any other value "
            "to add it. Values not chosen count as not won.")


def _counted(value: str, counts: dict[str, int]) -> str:
    count = counts.get(value)
    return value if count is None else f"{value} · {count:,} lead{'' if count == 1 else 's'}"


NOT_CHOSEN = ""


def _date_order_widgets(key: Callable[..., str], upload_id: int, raw: pd.DataFrame,
                        mapping: Mapping, leads: pd.DataFrame | None) -> dict[str, str]:
    """The order of each date column none of whose values says it, beside how it was read,
    with what each order makes of one of its values. An order is saved only when chosen;
    those saved for columns whose values now decide are kept (and ignored while they do)."""
    orders = {h: o for h, o in mapping.date_orders.items() if h in raw.columns}
    if leads is None:
        return orders
    readings = column_readings(leads)
    for header, field in undecided_dates(leads).items():
        if header not in raw.columns:
            continue
        example, meaning = _telling_example(raw[header])

        def said(order: str, meaning=meaning, example=example) -> str:
            if order == NOT_CHOSEN:
                return "Not chosen"
            read = meaning.get(order)
            return DATE_ORDERS[order] + (f" ({example} is {read:%-d %B %Y})"
                                         if read is not None and not pd.isna(read) else "")

        options = [NOT_CHOSEN, DAY_FIRST, MONTH_FIRST]
        current = mapping.date_orders.get(header, NOT_CHOSEN)
        st.caption(f"“{escape_markdown(header)}” is read as "
                   f"{escape_markdown(readings[field].describe())}.")
        chosen = st.selectbox(
            f"Order of the dates in “{escape_markdown(header)}”", options,
            index=options.index(current) if current in options else 0, format_func=said,
            key=key("date-order", upload_id, header),
            help="No date in this column has a day over 12, so its values cannot say which "
                 "comes first. A later export whose dates say it is read as they say.")
        orders.pop(header, None)
        if chosen:
            orders[header] = chosen
    return orders


def _telling_example(column: pd.Series) -> tuple[str, dict]:
    """A value of the column that each order reads differently ("03/05/2025": 3 May or 5
    March; not "03/03/2025"), and what each makes of it: the options then show the choice."""
    values = pd.Series(pd.unique(blank_placeholders(column).dropna().astype("str"))[:500],
                       dtype="str")
    if values.empty:
        return "", {}
    read = {order: parse_dates(values, order) for order in DATE_ORDERS}
    first, second = read.values()
    differs = (first != second) & first.notna() & second.notna()
    at = int(np.argmax(differs.to_numpy())) if differs.any() else 0
    return values.iloc[at], {order: dates.iloc[at] for order, dates in read.items()}


def _unit_widgets(key: Callable[..., str], upload_id: int, raw: pd.DataFrame,
                  mapping: Mapping, columns: dict[str, str]) -> dict[str, float]:
    """The unit of each money column: dollars, thousands or millions. Dollars are kept (as 1)
    for a column the mapping gave a unit, suggested or chosen: the facilitator's answer that it
    is written as is, which a later export's values then do not overrule (`refit`)."""
    units: dict[str, float] = {}
    money = [header for header, key in columns.items() if key in MONEY_KEYS]
    for header in money:
        current = mapping.units.get(header, 1.0)
        units[header] = st.selectbox(
            f"Unit of “{escape_markdown(header)}”", list(UNITS), index=list(UNITS).index(current)
            if current in UNITS else 0, format_func=UNITS.get,
            key=key("unit", upload_id, header),
            help="1,118 in millions is $1.1B; in thousands, $1.1M.")
    return {header: unit for header, unit in units.items()
            if unit != 1.0 or header in mapping.units}
