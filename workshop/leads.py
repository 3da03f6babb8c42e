"""Turn a raw CRM export into the normalised leads table that definitions run on.

Definitions name catalog fields (`workshop.catalog`), but exports name columns however their CRM
does and fill them however people typed them. Normalising once, here, lets every criterion be a
plain comparison: numbers are floats, categories use the catalog's spelling, "unknown" is missing
(never evidence), counts are integers, and fields the exercise asks about but exports rarely carry
(job function, seniority, personal e-mail, outcome) are derived.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workshop.catalog import FIELDS, JOB_FUNCTIONS, SENIORITIES, Kind

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
              outcomes: pd.Series | None = None) -> pd.DataFrame:
    """The raw export with mapped columns renamed to catalog keys, cleaned and enriched.

    Unmapped columns are kept under their original header, so nothing the user imported is lost.
    `outcomes` ("won"/"lost"/"open"/missing per row) overrides reading them from a deal stage.
    """
    renames = {src: dst for src, dst in mapping.items() if dst and src in raw.columns}
    targets = pd.Series(list(renames.values()))
    if targets.duplicated().any():
        twice = sorted(set(targets[targets.duplicated()]))
        raise ValueError(f"Several columns are mapped to the same field: {', '.join(twice)}")
    shadowed = [c for c in raw.columns if c not in renames and c in set(renames.values())]
    leads = raw.drop(columns=shadowed).rename(columns=renames).copy()

    for column in leads.columns:
        if _is_text(leads[column]):
            leads[column] = blank_placeholders(leads[column])

    for key, lead_field in FIELDS.items():
        if key not in leads.columns:
            continue
        if lead_field.kind == Kind.CATEGORY:
            leads[key] = canonical_category(leads[key], lead_field.options)
        elif lead_field.kind == Kind.NUMBER:
            leads[key] = parse_number(leads[key], decimal)
        elif lead_field.kind == Kind.COUNT:
            leads[key] = parse_count(leads[key])
        elif lead_field.kind == Kind.BOOLEAN:
            leads[key] = parse_bool(leads[key]).fillna(False).astype(bool)
        elif lead_field.kind == Kind.DATE:
            leads[key] = parse_date(leads[key])
        elif lead_field.kind == Kind.TEXT:
            leads[key] = _strip(leads[key])
    if "amount" in leads.columns:
        leads["amount"] = parse_number(leads["amount"], decimal)

    if "job_title" in leads.columns:
        if "job_function" not in leads.columns:
            leads["job_function"] = job_function(leads["job_title"])
        if "seniority" not in leads.columns:
            leads["seniority"] = seniority(leads["job_title"])
    if "email" in leads.columns and "personal_email" not in leads.columns:
        leads["personal_email"] = personal_email(leads["email"])
    if "created" in leads.columns:
        leads["created_month"] = month_labels(leads["created"])
    if outcomes is not None:
        leads["outcome"] = outcomes.to_numpy()
    elif "deal_stage" in leads.columns and "outcome" not in leads.columns:
        leads["outcome"] = outcome(leads["deal_stage"])
    if "lifecycle_stage" in leads.columns and "is_customer" not in leads.columns:
        # A lead whose own deal was won became a customer through that deal; it was not one
        # when it arrived. Counting it as "already a customer" would disqualify every past win.
        customer = (leads["lifecycle_stage"] == "Customer").fillna(False).astype(bool)
        if "outcome" in leads.columns:
            customer &= ~(leads["outcome"] == "won").fillna(False).astype(bool)
        leads["is_customer"] = customer
    return leads


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
    return _per_unique(column.astype("str"), _blank_placeholders)


def _blank_placeholders(text: pd.Series) -> pd.Series:
    text = text.str.strip()
    return text.mask(text.str.casefold().isin(PLACEHOLDERS) | text.isna())


def canonical_category(column: pd.Series, options: tuple[str, ...]) -> pd.Series:
    """'SOFTWARE', ' software ', 'ORGANIC_SEARCH' -> the catalog's 'Software' / 'Organic search'.

    Values matching no option (letters and digits compared, case-insensitively) are kept, so a
    criterion can still name them; they are only stripped and their spacing tidied.
    """
    canonical = {_fold(option): option for option in options}

    def tidy(values: pd.Series) -> pd.Series:
        text = _blank_placeholders(values).str.replace(r"\s+", " ", regex=True)
        return _fold_series(text).map(canonical).fillna(text).astype("str")

    return _per_unique(column.astype("str"), tidy)


def parse_number(column: pd.Series, decimal: str = ".") -> pd.Series:
    """'$1.5M', '1,500,000', '1.5e6', '10M-50M' (midpoint), '501-1,000', '10,001+' -> float.

    With decimal="," (European exports) '1.234,5' and '1,5M' read as 1234.5 and 1.5M."""
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return pd.to_numeric(column, errors="coerce").astype("float64")
    text = column.astype("str")
    if decimal == ",":
        text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    return _per_unique(text, _parse_number_text).astype("float64")


def _parse_number_text(values: pd.Series) -> pd.Series:
    text = (values.str.casefold()
            .str.replace(r"[,\s_']|usd|eur|gbp|us\$", "", regex=True)
            .str.replace("–", "-", regex=False).str.replace("—", "-", regex=False))
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


def parse_bool(column: pd.Series) -> pd.Series:
    """Yes/No, true/false, 1/0, checked/blank -> nullable boolean (unrecognised -> missing)."""
    if pd.api.types.is_bool_dtype(column):
        return column.astype("boolean")
    if pd.api.types.is_numeric_dtype(column):
        return (column > 0).astype("boolean").mask(column.isna())
    return _per_unique(column.astype("str"), _bool_text).astype("boolean")


def _bool_text(values: pd.Series) -> pd.Series:
    text = values.str.strip().str.casefold()
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
        numbers = _per_unique(column.astype("str"), _count_text).astype("float64")
    return numbers.fillna(0).clip(lower=0).round().astype("int64")


def _count_text(values: pd.Series) -> pd.Series:
    numbers = pd.to_numeric(values.str.strip().str.replace(",", "", regex=False),
                            errors="coerce").astype("float64")
    return numbers.fillna(_bool_text(values).astype("Float64").astype("float64"))


def parse_date(column: pd.Series) -> pd.Series:
    """Dates as naive timestamps (wall-clock time as exported); unparseable -> NaT."""
    if pd.api.types.is_datetime64_any_dtype(column):
        parsed = column
    else:
        text = column.astype("str").str.strip()
        parsed = pd.to_datetime(text, errors="coerce", format="ISO8601", utc=True)
        if parsed.isna().sum() > text.isna().sum():
            parsed = parsed.fillna(pd.to_datetime(text, errors="coerce", format="mixed",
                                                  utc=True))
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    return parsed


def job_function(title: pd.Series) -> pd.Series:
    """The function a title belongs to, so "is one of Finance" works without a function column."""
    conditions = [(STUDENT_ONLY, "Other")] + [(p, v) for v, p in FUNCTION_RULES]
    return _classify(title, conditions, "Other", JOB_FUNCTIONS)


def seniority(title: pd.Series) -> pd.Series:
    """How senior a title is; titles without a rank word are individual contributors."""
    conditions = [(p, v) for v, p in SENIORITY_RULES]
    return _classify(title, conditions, "Individual contributor", SENIORITIES)


def _classify(title: pd.Series, rules: list[tuple[str, str]], default: str,
              allowed: tuple[str, ...]) -> pd.Series:
    """First matching keyword rule per title; missing titles stay missing."""
    def pick(values: pd.Series) -> pd.Series:
        text = values.str.casefold()
        chosen = np.select([_matches(text, pattern) for pattern, _ in rules],
                           [value for _, value in rules], default=default)
        return pd.Series(chosen, index=values.index, dtype="str").mask(text.isna())

    result = _per_unique(_strip(title), pick).astype("str")
    assert set(result.dropna().unique()) <= set(allowed)
    return result


def month_labels(created: pd.Series) -> pd.Series:
    """'2026-03' for each date, formatted once per month rather than once per lead."""
    month_number = created.dt.year * 100 + created.dt.month
    codes, months = pd.factorize(month_number, use_na_sentinel=True)
    labels = np.array([f"{int(m) // 100:04d}-{int(m) % 100:02d}" for m in months] + [None],
                      dtype=object)
    return pd.Series(labels[codes], index=created.index, dtype="str")


def personal_email(email: pd.Series) -> pd.Series:
    """True for free-mail addresses; unknown or malformed addresses are not evidence (False)."""
    # Addresses are nearly all distinct, so work on the whole column in Arrow's C++ kernels.
    text = pa.array(email.astype("str").to_numpy(dtype=object, na_value=None), type=pa.string())
    matched = pc.extract_regex(pc.utf8_lower(pc.utf8_trim_whitespace(text)),
                               r"@(?P<domain>[^@\s]+)$")
    domain = pc.struct_field(matched, "domain")
    free = pc.fill_null(pc.is_in(domain, value_set=pa.array(sorted(FREE_EMAIL_DOMAINS))), False)
    return pd.Series(free.to_numpy(zero_copy_only=False), index=email.index, dtype=bool)


def outcome(deal_stage: pd.Series) -> pd.Series:
    """'won' / 'lost' / 'open' from any deal-stage spelling; no deal -> missing."""
    text = blank_placeholders(deal_stage).str.casefold()
    won = _matches(text, r"won\b|^win$|^closed ?- ?won")
    lost = _matches(text, r"lost\b|^loss$|not converted|disqualified|closed ?- ?lost")
    picked = np.select([won, lost, text.notna()], ["won", "lost", "open"], default="")
    return pd.Series(picked, index=deal_stage.index, dtype="str").replace("", np.nan)


# --- helpers ----------------------------------------------------------------------------------

def _per_unique(column: pd.Series, func) -> pd.Series:
    """Apply a vectorised clean-up to the distinct values only, then spread it back.

    Exports repeat the same few values thousands of times; cleaning each once keeps a 100,000-row
    import interactive.
    """
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    if len(uniques) == 0:
        return func(column)
    cleaned = func(pd.Series(uniques, dtype=column.dtype))
    return pd.Series(cleaned.array.take(codes, allow_fill=True), index=column.index,
                     name=column.name)


def _is_text(column: pd.Series) -> bool:
    return pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)


def _strip(column: pd.Series) -> pd.Series:
    return blank_placeholders(column) if _is_text(column) else column.astype("str").str.strip()


def _matches(text: pd.Series, pattern: str) -> np.ndarray:
    return text.str.contains(pattern, regex=True).fillna(False).to_numpy(dtype=bool)


def _fold(value: str) -> str:
    return re.sub(r"[^0-9a-z]", "", value.casefold())


def _fold_series(text: pd.Series) -> pd.Series:
    return text.str.casefold().str.replace(r"[^0-9a-z]", "", regex=True)
