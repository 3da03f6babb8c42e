"""Leads with their stage, points and reasons as CSV, for re-import into the CRM.

The file is opened by people in Excel or Sheets before it goes back into the CRM, so it must be
safe there: a text cell starting with = + - @ (or a tab / carriage return, which some programs
skip before reading a formula) would run as a formula ("CSV injection"). Such cells get a single
quote in front, which spreadsheets show as plain text. Number columns are left alone, so
amounts and counts stay numbers (a negative amount is not a formula in a number column).

Everything is vectorised, and the file is written by Arrow's CSV writer (pyarrow comes with
streamlit), with pandas' writer as the fallback for column types Arrow cannot write.
"""
from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from workshop.definition import Definition
from workshop.evaluate import Evaluation, evaluate, kept_mask, missing_columns
from workshop.text import without_bidi_overrides

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff".encode()
STAGE_COLUMNS = ("lead_stage", "lead_points", "lead_reasons")


def file_slug(name: str) -> str:
    """'Shared definition' -> 'shared-definition', for a file name that says whose stages it
    holds; letters of any script kept, anything else a hyphen."""
    return re.sub(r"[\W_]+", "-", name.casefold()).strip("-")[:40].strip("-") or "definition"


def safe_cell(text: str) -> str:
    """`text` with a protective single quote in front when a spreadsheet would run it."""
    text = str(text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _safe_column(column: pd.Series) -> pd.Series:
    """Quote the hostile cells of one column; numbers, booleans and dates pass unchanged."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return _safe_column(column.astype("string"))
    text_only = pd.api.types.is_string_dtype(column) and (
        not pd.api.types.is_object_dtype(column)
        or pd.api.types.infer_dtype(column, skipna=True) == "string")
    if text_only:
        hostile = column.str.startswith(FORMULA_STARTS).fillna(False).to_numpy(dtype=bool)
        return column.mask(hostile, "'" + column) if hostile.any() else column
    if pd.api.types.is_object_dtype(column):
        # Mixed Python objects: judge each distinct value once; only real strings are text.
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
        fixed = np.array([safe_cell(v) if isinstance(v, str) else v for v in uniques],
                         dtype=object)
        if len(fixed) == 0:
            return column
        values = np.where(codes >= 0, fixed[np.maximum(codes, 0)], None)
        return pd.Series(values, index=column.index, name=column.name, dtype=object) \
            .where(codes >= 0, column)
    return column


def lead_reasons(leads: pd.DataFrame, definition: Definition,
                 evaluation: Evaluation | None = None) -> pd.Series:
    """The same text as `workshop.evaluate.reasons`, but for a million leads.

    Each lead's failures (disqualifiers hit, gate rules missed, points short) form a bit pattern;
    the text is written once per distinct (pattern, points) pair, of which there are a few
    hundred, and spread back to the leads.
    """
    missing = missing_columns(leads, definition)
    if missing:
        raise KeyError(f"The leads have no column for: {', '.join(missing)}")
    evaluation = evaluation if evaluation is not None else evaluate(leads, definition)
    parts: list[str] = []
    masks: list[np.ndarray] = []
    # Sentences without the marks isolating right-to-left values (`text.isolated`), which a
    # spreadsheet or a CRM field would keep as invisible characters.
    for criterion in definition.disqualifiers:
        parts.append(f"disqualified: {without_bidi_overrides(criterion.sentence())}")
        masks.append(kept_mask(leads, criterion))
    for gate in ("mql", "sql"):
        for criterion in definition.gate(gate):
            parts.append(f"misses {gate.upper()} gate: "
                         f"{without_bidi_overrides(criterion.sentence())}")
            masks.append(~kept_mask(leads, criterion))
    points = evaluation.frame["points"].to_numpy(dtype=np.int64)
    short = points < definition.threshold
    is_mql = evaluation.frame["is_mql"].to_numpy(dtype=bool)
    flags = masks + [short, is_mql]
    # Points only matter to the text when short or MQL; elsewhere fold them to one value (-1).
    shown_points = np.where(short | is_mql, points, -1)
    if len(flags) + int(shown_points.max(initial=0) + 1).bit_length() <= 62:
        key = np.zeros(len(leads), dtype=np.int64)
        for bit, flag in enumerate(flags):
            key |= flag.astype(np.int64) << bit
        key |= (shown_points + 1) << len(flags)
        groups, _ = pd.factorize(key)
    else:  # very many rules or points: group on the columns themselves (slower, same result)
        keys = pd.DataFrame(np.column_stack(flags) if len(leads) else
                            np.zeros((0, len(flags)), dtype=bool)).assign(points=shown_points)
        groups = keys.groupby(list(keys.columns), sort=False).ngroup().to_numpy()
    _, firsts = np.unique(groups, return_index=True)
    texts = []
    for row in firsts:  # once per distinct pattern, not per lead
        hits = [bool(flag[row]) for flag in flags]
        found = [part for part, hit in zip(parts, hits[:len(parts)], strict=True) if hit]
        if hits[len(parts)]:
            found.append(f"{points[row]} of {definition.threshold} points")
        if hits[len(parts) + 1] and not found:
            found.append(f"meets every rule ({points[row]} points)")
        texts.append("; ".join(found))
    text = pd.array(texts, dtype="string").take(np.asarray(groups, dtype=np.intp))
    return pd.Series(text, index=leads.index)


def reason_codes(evaluation: Evaluation) -> pd.Series:
    """Short reasons from the evaluation alone, when the definition is not at hand.

    Codes, joined with "; ": disqualified, misses MQL must-have, too few points (only named when
    it is the sole reason a lead is not an MQL; the threshold is not in the evaluation), misses
    SQL must-have, meets every rule.
    """
    frame = evaluation.frame
    short = ~frame["disqualified"] & frame["mql_gate"] & ~frame["is_mql"]
    flags = [frame["disqualified"], ~frame["mql_gate"], short, ~frame["sql_gate"]]
    names = ["disqualified", "misses MQL must-have", "too few points", "misses SQL must-have"]
    code = np.zeros(len(frame), dtype=np.intp)
    for bit, flag in enumerate(flags):
        code |= flag.to_numpy(dtype=bool).astype(np.intp) << bit
    # 16 possible texts, written once each and spread by the code
    texts = ["; ".join(name for bit, name in enumerate(names) if pattern >> bit & 1)
             or "meets every rule" for pattern in range(1 << len(names))]
    return pd.Series(pd.array(texts, dtype="string").take(code), index=frame.index)


def leads_csv(leads: pd.DataFrame, evaluation: Evaluation, *,
              columns: list[str] | None = None,
              definition: Definition | None = None,
              exported: pd.DataFrame | None = None, delimiter: str = ",",
              as_written: bool = False) -> bytes:
    """The leads (all columns, or `columns`) plus lead_stage, lead_points, lead_reasons as CSV.

    `exported`: the export the leads were read from, row for row: the file then holds its
    columns as the CRM wrote them ("Record ID", "Deutschland", "31.12.2025", "3,6 Mio €"), so
    it goes back into the CRM matching its records and changing none of its values, and
    `delimiter` is the export's own (a German export's ';', which a German Excel opens).

    UTF-8 with a byte-order mark, so Excel reads accents right; formula-safe text cells (see the
    module docstring). With `as_written` (and `exported`), the export's own columns and headers
    are left exactly as the CRM wrote them, a phone number "+44 20 7946 0958" without the
    protective quote, for a file that goes straight into the CRM's import; the three columns
    the app adds stay formula-safe, as they hold words typed into definitions.

    With `definition`, lead_reasons are full sentences (`lead_reasons`);
    without, short codes (`reason_codes`). Existing columns named lead_stage / lead_points /
    lead_reasons (a previous export) are replaced by the fresh ones.
    """
    if len(evaluation.frame) != len(leads):
        raise ValueError("The evaluation does not belong to these leads (different lengths).")
    source = leads if exported is None else exported
    if len(source) != len(leads):
        raise ValueError("The export does not hold these leads (different lengths).")
    chosen = list(source.columns) if columns is None else list(columns)
    unknown = [c for c in chosen if c not in source.columns]
    if unknown:
        raise KeyError(f"The leads have no column for: {', '.join(map(str, unknown))}")
    chosen = [c for c in chosen if c not in STAGE_COLUMNS]
    frame = source[chosen].copy()
    frame["lead_stage"] = evaluation.frame["stage"].to_numpy()
    frame["lead_points"] = evaluation.frame["points"].to_numpy()
    if definition is not None:
        frame["lead_reasons"] = lead_reasons(leads, definition, evaluation).to_numpy()
    else:
        frame["lead_reasons"] = reason_codes(evaluation).to_numpy()
    exact = set(chosen) if as_written and exported is not None else set()
    for name in frame.columns:
        if name not in exact:
            frame[name] = _safe_column(frame[name])
    frame.columns = [str(name) if name in exact else safe_cell(str(name))
                     for name in frame.columns]
    try:
        return _csv_with_arrow(frame, delimiter)
    except (pa.ArrowException, TypeError, ValueError):  # a column type Arrow cannot write
        return _csv_with_pandas(frame, delimiter)


def _csv_with_arrow(frame: pd.DataFrame, delimiter: str = ",") -> bytes:
    """Arrow's multi-threaded C++ writer: about ten times faster than `DataFrame.to_csv`.

    Every text cell is written in double quotes, numbers bare, booleans as true/false, dates as
    'YYYY-MM-DD HH:MM:SS' (with fractions of a second only when some value has them)."""
    arrays = {}
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_object_dtype(column):
            column = column.astype("string")  # mixed values: written as their text
        elif pd.api.types.is_datetime64_any_dtype(column):
            whole = column.dropna()
            if not (whole.dt.microsecond.any() or whole.dt.nanosecond.any()):
                column = column.astype(_seconds_dtype(column))
        arrays[name] = pa.Array.from_pandas(column)
    table = pa.table(arrays)
    buffer = io.BytesIO()
    buffer.write(BOM)
    pa_csv.write_csv(table, buffer, pa_csv.WriteOptions(include_header=True, eol="\r\n",
                                                         delimiter=delimiter))
    return buffer.getvalue()


def _seconds_dtype(column: pd.Series):
    tz = getattr(column.dt, "tz", None)
    return pd.DatetimeTZDtype("s", tz) if tz is not None else "datetime64[s]"


def _csv_with_pandas(frame: pd.DataFrame, delimiter: str = ",") -> bytes:
    """The slow, accept-anything writer, for column types Arrow refuses."""
    buffer = io.BytesIO()
    # CRLF line ends (RFC 4180, what Excel writes): the csv writer then quotes any cell holding
    # a bare carriage return, which would otherwise split the row when read back.
    frame.to_csv(buffer, index=False, encoding="utf-8-sig", lineterminator="\r\n",
                 sep=delimiter)
    return buffer.getvalue()
