"""Turn a raw CRM export into the normalised leads table that definitions run on.

Definitions name catalog fields (`workshop.catalog`), but exports name columns however their CRM
does and fill them however people typed them. Normalising once, here, lets every criterion be a
plain comparison: numbers are floats, categories use the catalog's spelling, "unknown" is missing
(never evidence), counts are integers, and fields the exercise asks about but exports rarely carry
(job function, seniority, personal e-mail, outcome) are derived.
"""
from __future__ import annotations

import os
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workshop.catalog import FIELDS, JOB_FUNCTIONS, SENIORITIES, Kind
from workshop.distinct import SAMPLE_ROWS, Distinct, arrow_text, per_distinct

SAMPLE_LEADS_PATH = Path(__file__).resolve().parent.parent / "data" / "sample_leads.csv"

SAMPLE_MAPPING: dict[str, str] = {
    "Record ID": "record_id",
    "Email": "email",
    "Company Name": "company",
    "Industry": "industry",
    "Number of Employees": "employees",
    "Annual Revenue": "annual_revenue",
    "Country/Region": "country",
    "Job Title": "job_title",
    "Buying Role": "buying_role",
    "Budget Confirmed": "budget",
    "Purchase Timeline (Months)": "timeline_months",
    "Primary Pain": "pain",
    "Original Source": "lead_source",
    "Lifecycle Stage": "lifecycle_stage",
    "Create Date": "created",
    "Number of Pageviews": "page_views",
    "Number of Form Submissions": "form_submissions",
    "Demo Requested": "demo_requested",
    "Pricing Page Visits": "pricing_page_visits",
    "Webinars Attended": "webinars_attended",
    "Content Downloads": "content_downloads",
    "Email Clicks": "email_clicks",
    "Deal Stage": "deal_stage",
    "Amount": "amount",
}

# What unfilled dropdowns and forms export as; compared case-insensitively after stripping.
PLACEHOLDERS = frozenset({"select", "--none--", "n/a", "na", "-", "--", "unknown", "", "none",
                          "null", "nan", "(blank)", "not set"})

# Free mail providers: a lead writing from one of these is a person, not (visibly) a company.
FREE_EMAIL_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "yahoo.fr", "yahoo.de",
    "ymail.com", "outlook.com", "hotmail.com", "hotmail.co.uk", "hotmail.fr", "live.com",
    "msn.com", "icloud.com", "me.com", "mac.com", "aol.com", "proton.me", "protonmail.com",
    "gmx.de", "gmx.net", "gmx.com", "web.de", "t-online.de", "orange.fr", "free.fr",
    "laposte.net", "libero.it", "mail.com", "zoho.com", "yandex.com", "yandex.ru", "qq.com",
    "163.com", "126.com", "rediffmail.com", "uol.com.br", "bol.com.br", "fastmail.com",
})

TRUE_WORDS = ("true", "yes", "y", "1", "checked", "x", "on")
FALSE_WORDS = ("false", "no", "n", "0", "unchecked", "off")

# Keyword rules, first match wins. Order matters: "Vice President of Sales" is VP (not C-level)
# and Sales (not Executive); "Managing Director" is C-level; "Accounting Student" is a student.
SENIORITY_RULES: tuple[tuple[str, str], ...] = (
    ("Student", r"\bstudent\b|\bintern\b|\binternship\b|\btrainee\b|\bapprentice\b"
                r"|\bwerkstudent\b|\bgraduate program"),
    ("VP", r"\bvice[- ]president\b|\bvp\b|\bsvp\b|\bevp\b|\bavp\b"),
    ("C-level", r"\bc[a-z]o\b|\bchief\b|\bfounder\b|\bco-founder\b|\bowner\b|\bpresident\b"
                r"|\bmanaging director\b|\bmanaging partner\b|\bgeschäftsführer\b"),
    ("Manager", r"\bassistant controller\b|\bdeputy\b"),
    ("Director", r"\bdirector\b|\bhead\b|\bcontroller\b|\bcomptroller\b"),
    ("Manager", r"\bmanager\b|\bmgr\b|\blead\b|\bsupervisor\b|\bteam leader\b"),
)
FUNCTION_RULES: tuple[tuple[str, str], ...] = (
    ("Finance", r"\bcfo\b|\bcao\b|financ|account(?:ing|ant|s payable|s receivable)|controller"
                r"|comptroller|treasur|fp&a|\bpayable|\breceivable|bookkeep|payroll|\baudit"
                r"|\btax\b|billing|\bcredit\b"),
    ("Sales", r"\bsales\b|account executive|business development|\bbdr\b|\bsdr\b"
              r"|account manager|revenue|\bcro\b|commercial"),
    ("IT", r"\bit\b|information technology|\bcio\b|\bsystems\b|\berp\b|infrastructure"
           r"|helpdesk|sysadmin"),
    ("Engineering", r"engineer|developer|\bcto\b|chief technology|software|devops|architect"),
    ("Marketing", r"marketing|\bcmo\b|\bbrand\b|content|growth|demand gen|communications"),
    ("HR", r"\bhr\b|human resources|\bpeople\b|talent|recruit"),
    ("Procurement", r"procurement|purchasing|\bbuyer\b|sourcing"),
    ("Operations", r"operations|\bcoo\b|chief operating|\bops\b|logistics"),
    ("Executive", r"\bceo\b|chief executive|founder|\bowner\b|president|managing director"
                  r"|general manager|managing partner|geschäftsführer"),
)
STUDENT_ONLY = r"^\s*(?:student|intern|mba student|trainee|apprentice)\s*$"


def normalise(raw: pd.DataFrame, mapping: dict[str, str], decimal: str = ".",
              outcomes: pd.Series | Callable[[], pd.Series | None] | None = None
              ) -> pd.DataFrame:
    """The raw export with mapped columns renamed to catalog keys, cleaned and enriched.

    Unmapped columns are kept under their original header, so nothing the user imported is lost.
    `outcomes` ("won"/"lost"/"open"/missing per row) overrides reading them from a deal stage;
    given as a function, it runs alongside the columns (and may find there are none after all).
    """
    renames = {src: dst for src, dst in mapping.items() if dst and src in raw.columns}
    targets = pd.Series(list(renames.values()))
    if targets.duplicated().any():
        twice = sorted(set(targets[targets.duplicated()]))
        raise ValueError(f"Several columns are mapped to the same field: {', '.join(twice)}")
    shadowed = [c for c in raw.columns if c not in renames and c in set(renames.values())]
    renamed = raw.drop(columns=shadowed).rename(columns=renames)
    given = set(renamed.columns) | ({"outcome"} if outcomes is not None else set())

    def one_column(key: str) -> dict[str, pd.Series]:
        return _normalise_column(renamed[key], key, decimal, given)

    # Columns are independent and the heavy lifting happens in Arrow and NumPy, which release
    # the GIL, so a thread per core shortens a million-row import.
    with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
        later = pool.submit(outcomes) if callable(outcomes) else None
        cleaned: dict[str, pd.Series] = {}
        for part in pool.map(one_column, renamed.columns):
            cleaned.update(part)
        if later is not None:
            outcomes = later.result()
            if outcomes is None and "deal_stage" in cleaned and "outcome" not in renamed:
                cleaned["outcome"] = outcome(cleaned["deal_stage"])
    order = [*renamed.columns, *(key for key in DERIVED if key in cleaned)]
    # copy=False: keeping each column in its own block saves copying them all into one.
    leads = pd.DataFrame({key: cleaned[key] for key in order}, index=raw.index, copy=False)

    if outcomes is not None:
        leads["outcome"] = pd.Series(outcomes.array, index=raw.index)
    if "lifecycle_stage" in leads.columns and "is_customer" not in given:
        # A lead whose own deal was won became a customer through that deal; it was not one
        # when it arrived. Counting it as "already a customer" would disqualify every past win.
        customer = (leads["lifecycle_stage"] == "Customer").fillna(False).astype(bool)
        if "outcome" in leads.columns:
            customer &= ~(leads["outcome"] == "won").fillna(False).astype(bool)
        leads["is_customer"] = customer
    return leads


# Fields read off other columns when the export does not carry them, in the order they are added.
DERIVED = ("job_function", "seniority", "personal_email", "created_month", "outcome")
_WORKERS = min(8, 2 * (os.cpu_count() or 1))  # more threads than cores: one may wait on the GIL


def _normalise_column(column: pd.Series, key: str, decimal: str,
                      given: set[str]) -> dict[str, pd.Series]:
    """One cleaned column, plus the fields derived from it that the export does not carry."""
    lead_field = FIELDS.get(key)
    kind = Kind.NUMBER if key == "amount" else lead_field.kind if lead_field else None
    if kind == Kind.CATEGORY:  # a few values repeated: kept as a Categorical
        values = Distinct.of(_as_text(column), repeats_below=1.0)
        return {key: values.categorical(_canonical(lead_field.options)(values.values))}
    if kind == Kind.NUMBER:
        return {key: parse_number(column, decimal)}
    if kind == Kind.COUNT:
        return {key: parse_count(column)}
    if kind == Kind.BOOLEAN:
        return {key: parse_bool(column).fillna(False).astype(bool)}
    if kind == Kind.DATE:
        parsed = parse_date(column)
        return {key: parsed, "created_month": month_labels(parsed)} if key == "created" \
            else {key: parsed}
    if key == "job_title":  # classifying is costly, so always once per distinct title
        titles = Distinct.of(_as_text(column), repeats_below=1.0)
        cleaned = _blank_placeholders(titles.values)
        result = {key: titles.spread(cleaned)}
        if "job_function" not in given:
            result["job_function"] = titles.categorical(_job_functions(cleaned))
        if "seniority" not in given:
            result["seniority"] = titles.categorical(_seniorities(cleaned))
        return result
    if kind is None and key not in ("email", "deal_stage") and not _is_text(column):
        return {key: column}  # an unmapped number column: nothing to clean
    result = {key: blank_placeholders(column)}
    if key == "email" and "personal_email" not in given:
        result["personal_email"] = personal_email(result[key])
    if key == "deal_stage" and "outcome" not in given:
        result["outcome"] = outcome(result[key])
    return result


@dataclass(frozen=True)
class OtherColumn:
    """A column beyond the catalog that a criterion can use: a number or text, and for text
    its most common values (none when it hardly repeats, like names or IDs)."""

    number: bool
    values: tuple[str, ...] = ()


def other_columns(leads: pd.DataFrame, top: int = 30) -> dict[str, OtherColumn]:
    internal = set(FIELDS) | set(DERIVED) | {"outcome", "is_customer"}
    columns: dict[str, OtherColumn] = {}
    for name in leads.columns:
        if not isinstance(name, str) or name in internal:
            continue
        column = leads[name]
        if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
            columns[name] = OtherColumn(number=True)
            continue
        counts = column.astype("str").value_counts(dropna=True)
        repeats = len(counts) <= max(top, len(column) // 20)
        values = tuple(str(v) for v in counts.index[:top]) if repeats else ()
        columns[name] = OtherColumn(number=False, values=values)
    return columns


def load_sample_leads() -> pd.DataFrame:
    """The demo company's leads, normalised; a copy, so callers may add columns freely."""
    return _load_sample_leads().copy()


@lru_cache(maxsize=1)
def _load_sample_leads() -> pd.DataFrame:
    raw = pd.read_csv(SAMPLE_LEADS_PATH, dtype=str, keep_default_na=False, encoding="utf-8")
    return normalise(raw, SAMPLE_MAPPING)


# --- value parsers (public: the import page previews them, tests pin them) -------------------

def blank_placeholders(column: pd.Series) -> pd.Series:
    """'Select', '--None--', 'N/A', blanks… are what an unfilled field exports as: missing."""
    return per_distinct(_as_text(column), _blank_placeholders)


def _blank_placeholders(text: pd.Series) -> pd.Series:
    arrow = arrow_text(text)
    if arrow is None:
        text = text.str.strip()
        return text.mask(text.str.lower().isin(PLACEHOLDERS) | text.isna())
    trimmed = pc.utf8_trim_whitespace(arrow)
    if (pc.min(pc.binary_length(trimmed)).as_py() or 0) > _LONGEST_PLACEHOLDER:
        blanked = trimmed  # e-mail addresses and the like: no value is short enough
    else:  # placeholders are ASCII words, so ascii_lower finds them (and is the fast one)
        placeholder = pc.is_in(pc.ascii_lower(trimmed), value_set=_PLACEHOLDER_VALUES)
        blanked = (pc.if_else(placeholder, pa.scalar(None, trimmed.type), trimmed)
                   if pc.any(placeholder).as_py() else trimmed)
    if blanked is trimmed and _same_length(trimmed, arrow):
        return text  # already clean: keep the column as it is
    return pd.Series(blanked.to_pandas().array, index=text.index, name=text.name)


_PLACEHOLDER_VALUES = pa.array(sorted(PLACEHOLDERS), type=pa.large_string())
_LONGEST_PLACEHOLDER = max(len(p.encode()) for p in PLACEHOLDERS)


def _same_length(trimmed: pa.Array, original: pa.Array) -> bool:
    """Trimming only removes characters, so equal total lengths mean nothing was trimmed."""
    return pc.sum(pc.binary_length(trimmed)).as_py() == pc.sum(pc.binary_length(original)).as_py()


def canonical_category(column: pd.Series, options: tuple[str, ...]) -> pd.Series:
    """'SOFTWARE', ' software ', 'ORGANIC_SEARCH' -> the catalog's 'Software' / 'Organic search'.

    Values matching no option (letters and digits compared, case-insensitively) are kept, so a
    criterion can still name them; they are only stripped and their spacing tidied.
    """
    return per_distinct(_as_text(column), _canonical(options), repeats_below=1.0)


def _canonical(options: tuple[str, ...]) -> Callable[[pd.Series], pd.Series]:
    canonical = {_fold(option): option for option in options}

    def tidy(values: pd.Series) -> pd.Series:
        text = _blank_placeholders(values).str.replace(r"\s+", " ", regex=True)
        return _fold_series(text).map(canonical).fillna(text).astype("str")

    return tidy


def parse_number(column: pd.Series, decimal: str = ".") -> pd.Series:
    """'$1.5M', '1,500,000', '1.5e6', '10M-50M' (midpoint), '501-1,000', '10,001+' -> float.

    With decimal="," (European exports) '1.234,5' and '1,5M' read as 1234.5 and 1.5M."""
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return pd.to_numeric(column, errors="coerce").astype("float64")
    text = _as_text(column)
    if decimal == ".":
        plain = _plain_numbers(text)
        if plain is not None:
            return plain
    else:
        text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    return per_distinct(text, _parse_number_text, repeats_below=1.0).astype("float64")


def _parse_number_text(values: pd.Series) -> pd.Series:
    arrow = arrow_text(values)
    if arrow is None:
        arrow = pa.array(values.to_numpy(dtype=object, na_value=None), type=pa.large_string())
    # In Arrow: pandas runs this pattern through Python's re, one value at a time.
    arrow = pc.replace_substring_regex(pc.utf8_lower(arrow), r"[,\s_']|usd|eur|gbp|us\$", "")
    arrow = pc.replace_substring_regex(arrow, "[–—]", "-")
    text = pd.Series(arrow.to_pandas().array, index=values.index)
    plain = pd.to_numeric(text, errors="coerce").astype("float64")
    rest = text[plain.isna() & text.notna()]
    if rest.empty:
        return plain
    number = r"(\d+(?:\.\d+)?(?:e[+-]?\d+)?|\.\d+)"
    suffix = r"(k|mm|mn|m|bn|b)?"
    parts = rest.str.extract(
        rf"^[$€£]?{number}{suffix}(?:(?:-|to)[$€£]?{number}{suffix}|(\+))?$")
    low = pd.to_numeric(parts[0], errors="coerce")
    high = pd.to_numeric(parts[2], errors="coerce")
    low_suffix = parts[1].fillna(parts[3].where(high.notna()))
    low *= low_suffix.map(_MULTIPLIERS).fillna(1.0).astype("float64")
    high *= parts[3].map(_MULTIPLIERS).fillna(1.0).astype("float64")
    plain.loc[rest.index] = ((low + high) / 2).where(high.notna(), low)
    return plain


_MULTIPLIERS = {"k": 1e3, "m": 1e6, "mm": 1e6, "mn": 1e6, "b": 1e9, "bn": 1e9}


def _plain_numbers(text: pd.Series) -> pd.Series | None:
    """The column as floats when every value is a plain number (the usual case), else None.

    One Arrow cast instead of hashing the column: amounts and counts often hardly repeat. A
    failing cast costs as much as a successful one, so the first rows are tried first."""
    arrow = arrow_text(text)
    if arrow is None:
        return None
    numbers = _cast(arrow, pa.float64())
    if numbers is None:
        return None
    return pd.Series(numbers.to_numpy(zero_copy_only=False), index=text.index,
                     name=text.name, dtype="float64")


def parse_bool(column: pd.Series) -> pd.Series:
    """Yes/No, true/false, 1/0, checked/blank -> nullable boolean (unrecognised -> missing)."""
    if pd.api.types.is_bool_dtype(column):
        return column.astype("boolean")
    if pd.api.types.is_numeric_dtype(column):
        return (column > 0).astype("boolean").mask(column.isna())
    return per_distinct(_as_text(column), _bool_text, repeats_below=1.0).astype("boolean")


def _bool_text(values: pd.Series) -> pd.Series:
    text = values.str.strip().str.lower()
    truth = pd.Series(pd.NA, index=values.index, dtype="boolean")
    truth = truth.mask(text.isin(TRUE_WORDS), True).mask(text.isin(FALSE_WORDS), False)
    numbers = pd.to_numeric(text, errors="coerce")
    return truth.fillna((numbers > 0).astype("boolean").mask(numbers.isna()))


def parse_count(column: pd.Series) -> pd.Series:
    """Engagement counts as integers; no record of an action means it did not happen (0).

    Yes/No columns (a demo request) become 0/1, so every conversion action reads the same way.
    """
    if pd.api.types.is_bool_dtype(column):
        numbers = column.astype("Float64").astype("float64")
    elif pd.api.types.is_numeric_dtype(column):
        numbers = pd.to_numeric(column, errors="coerce").astype("float64")
    else:
        text = _as_text(column)
        whole = _plain_counts(text)
        if whole is not None:
            return whole
        counts = Distinct.of(text, repeats_below=1.0)
        return counts.spread_array(_whole(_count_text(counts.values)).to_numpy(), 0)
    return _whole(numbers)


def _whole(numbers: pd.Series) -> pd.Series:
    return numbers.astype("float64").fillna(0).clip(lower=0).round().astype("int64")


def _plain_counts(text: pd.Series) -> pd.Series | None:
    """Whole numbers cast by Arrow straight to integers (the usual export), else None."""
    arrow = arrow_text(text)
    counts = None if arrow is None else _cast(arrow, pa.int64())
    if counts is None:
        return None
    values = pc.fill_null(counts, 0).to_numpy(zero_copy_only=False)
    return pd.Series(np.maximum(values, 0), index=text.index, name=text.name)


def _count_text(values: pd.Series) -> pd.Series:
    numbers = pd.to_numeric(values.str.strip().str.replace(",", "", regex=False),
                            errors="coerce").astype("float64")
    return numbers.fillna(_bool_text(values).astype("Float64").astype("float64"))


def parse_date(column: pd.Series) -> pd.Series:
    """Dates as naive timestamps (wall-clock time as exported); unparseable -> NaT."""
    if pd.api.types.is_datetime64_any_dtype(column):
        parsed = column
    else:
        text = _as_text(column)
        parsed = _iso_timestamps(text)
        if parsed is None:
            parsed = per_distinct(text, _date_text, repeats_below=1.0)
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    return parsed.astype("datetime64[us]")  # one resolution, whichever way it was read


def _date_text(values: pd.Series) -> pd.Series:
    text = values.str.strip()
    parsed = pd.to_datetime(text, errors="coerce", format="ISO8601", utc=True)
    if parsed.isna().sum() > text.isna().sum():
        parsed = parsed.fillna(pd.to_datetime(text, errors="coerce", format="mixed", utc=True))
    return parsed.dt.tz_localize(None)


def _iso_timestamps(text: pd.Series) -> pd.Series | None:
    """Plain ISO dates and times ('2026-03-01', '2026-03-01 14:05') read by one Arrow cast;
    None when any value needs pandas' more forgiving parser (zones, other formats, typos)."""
    arrow = arrow_text(text)
    if arrow is None:
        return None
    stamps = _cast(arrow, pa.timestamp("us"))
    if stamps is None:
        return None
    return pd.Series(stamps.to_numpy(zero_copy_only=False), index=text.index, name=text.name)


def _cast(text: pa.Array, to: pa.DataType) -> pa.Array | None:
    """Every value cast by Arrow, or None when some value does not cast.

    A failing cast costs as much as a successful one, so the first rows decide whether to try
    the whole column, and whether surrounding spaces need trimming first."""
    sample = text.slice(0, SAMPLE_ROWS)
    for trim in (False, True):
        try:
            pc.cast(pc.utf8_trim_whitespace(sample) if trim else sample, to)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue
        try:
            return pc.cast(pc.utf8_trim_whitespace(text) if trim else text, to)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            if trim:
                return None
            try:  # spaces further down the column
                return pc.cast(pc.utf8_trim_whitespace(text), to)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                return None
    return None


def job_function(title: pd.Series) -> pd.Series:
    """The function a title belongs to, so "is one of Finance" works without a function column."""
    return per_distinct(blank_placeholders(title), _job_functions, repeats_below=1.0)


def seniority(title: pd.Series) -> pd.Series:
    """How senior a title is; titles without a rank word are individual contributors."""
    return per_distinct(blank_placeholders(title), _seniorities, repeats_below=1.0)


def _job_functions(titles: pd.Series) -> pd.Series:
    conditions = [(STUDENT_ONLY, "Other")] + [(p, v) for v, p in FUNCTION_RULES]
    return _classify(titles, conditions, "Other", JOB_FUNCTIONS)


def _seniorities(titles: pd.Series) -> pd.Series:
    conditions = [(p, v) for v, p in SENIORITY_RULES]
    return _classify(titles, conditions, "Individual contributor", SENIORITIES)


def _classify(titles: pd.Series, rules: list[tuple[str, str]], default: str,
              allowed: tuple[str, ...]) -> pd.Series:
    """First matching keyword rule per (cleaned) title; missing titles stay missing."""
    text = titles.str.casefold()
    chosen = np.select([_matches(text, pattern) for pattern, _ in rules],
                       [value for _, value in rules], default=default)
    result = pd.Series(chosen, index=titles.index, dtype="str").mask(text.isna())
    assert set(result.dropna().unique()) <= set(allowed)
    return result


def month_labels(created: pd.Series) -> pd.Series:
    """'2026-03' for each date, as a Categorical of the months that occur, in calendar order.

    Days are whole numbers (a division); only the days that occur go through the calendar."""
    stamps = created.to_numpy(dtype="datetime64[us]")
    missing = np.isnat(stamps)
    gaps = int(missing.sum())
    codes = np.full(len(stamps), -1, dtype=np.int64)
    labels: list[str] = []
    if gaps < len(stamps):
        days = stamps.view("int64") // _MICROSECONDS_A_DAY
        first = days[~missing].min() if gaps else days.min()
        since = days - first
        if gaps:
            since[missing] = 0
        counts = np.bincount(since)
        counts[0] -= gaps
        used = np.flatnonzero(counts)
        months = (first + used).astype("datetime64[D]").astype("datetime64[M]")
        month_of_day, distinct = pd.factorize(months.view("int64"), sort=True)
        position = np.zeros(used[-1] + 1, dtype=np.int64)
        position[used] = month_of_day
        codes = position[since]
        if gaps:
            codes[missing] = -1
        labels = [str(month) for month in distinct.astype("datetime64[M]")]
    values = pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(
        pd.Index(labels, dtype="str")), validate=False)
    return pd.Series(values, index=created.index, name="created_month")


_MICROSECONDS_A_DAY = 86_400 * 1_000_000


def personal_email(email: pd.Series) -> pd.Series:
    """True for free-mail addresses; unknown or malformed addresses are not evidence (False)."""
    # Missing addresses spread as missing, and a missing address is not evidence: False.
    return per_distinct(_as_text(email), _free_mail).fillna(False).astype(bool)


def _free_mail(emails: pd.Series) -> pd.Series:
    # Addresses hardly repeat, so this runs on whole columns: one Arrow regex, no Python loop.
    # Domains are ASCII, so ascii_lower finds them and is several times faster than utf8_lower.
    text = arrow_text(emails)
    if text is None:
        text = pa.array(emails.to_numpy(dtype=object, na_value=None), type=pa.large_string())
    elif isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()  # the regular expression is compiled once per chunk
    free = pc.match_substring_regex(pc.ascii_lower(text), _FREE_MAIL_PATTERN)
    return pd.Series(pc.fill_null(free, False).to_numpy(zero_copy_only=False),
                     index=emails.index, dtype="boolean")


_FREE_MAIL_PATTERN = (r"@(?:" + "|".join(re.escape(d) for d in sorted(FREE_EMAIL_DOMAINS))
                      + r")\s*$")


def outcome(deal_stage: pd.Series) -> pd.Series:
    """'won' / 'lost' / 'open' from any deal-stage spelling; no deal -> missing."""
    return per_distinct(blank_placeholders(deal_stage), _outcomes, repeats_below=1.0)


def _outcomes(stages: pd.Series) -> pd.Series:
    text = stages.str.casefold()
    won = _matches(text, r"won\b|^win$|^closed ?- ?won")
    lost = _matches(text, r"lost\b|^loss$|not converted|disqualified|closed ?- ?lost")
    picked = np.select([won, lost, text.notna()], ["won", "lost", "open"], default="")
    return pd.Series(picked, index=stages.index, dtype="str").replace("", np.nan)


# --- helpers ----------------------------------------------------------------------------------

def _is_text(column: pd.Series) -> bool:
    return pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)


def _as_text(column: pd.Series) -> pd.Series:
    return column if isinstance(column.dtype, pd.StringDtype) else column.astype("str")


def _matches(text: pd.Series, pattern: str) -> np.ndarray:
    arrow = arrow_text(text)
    if arrow is None:
        return text.str.contains(pattern, regex=True).fillna(False).to_numpy(dtype=bool)
    # Straight to Arrow: pandas would first parse the pattern in Python, which on a few hundred
    # distinct titles costs more than matching them.
    found = pc.match_substring_regex(arrow, pattern)
    return pc.fill_null(found, False).to_numpy(zero_copy_only=False).astype(bool, copy=False)


def _fold(value: str) -> str:
    return re.sub(r"[^0-9a-z]", "", value.casefold())


def _fold_series(text: pd.Series) -> pd.Series:
    return text.str.casefold().str.replace(r"[^0-9a-z]", "", regex=True)
