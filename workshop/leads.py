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
from dataclasses import asdict, replace
from functools import lru_cache, partial
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workshop import categories, column_types
from workshop.catalog import FIELDS, JOB_FUNCTIONS, SENIORITIES, Kind
from workshop.column_types import (
    BELOW_WORDS,
    BOUND_WORDS,
    CURRENCY_CODES,
    CURRENCY_MARKS,
    CURRENCY_SIGNS,
    OR_MORE_WORDS,
    PLACEHOLDERS,
    RANGE_WORDS,
    STRAY_GAP_MONTHS,
    STRAY_SHARE,
    TYPED_SHARE,
    UNIT_WORDS,
    Reading,
    normalise_header,
)
from workshop.distinct import (
    SAMPLE_ROWS,
    Distinct,
    arrow_text,
    needs_trimming,
    per_distinct,
    text_categories,
)
from workshop.operators import FALSE_WORDS, TRUE_WORDS  # noqa: F401 - read here

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

# Free mail providers: a lead writing from one of these is a person, not (visibly) a company.
FREE_EMAIL_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "yahoo.fr", "yahoo.de",
    "ymail.com", "outlook.com", "hotmail.com", "hotmail.co.uk", "hotmail.fr", "live.com",
    "msn.com", "icloud.com", "me.com", "mac.com", "aol.com", "proton.me", "protonmail.com",
    "gmx.de", "gmx.net", "gmx.com", "web.de", "t-online.de", "orange.fr", "free.fr",
    "laposte.net", "libero.it", "mail.com", "zoho.com", "yandex.com", "yandex.ru", "qq.com",
    "163.com", "126.com", "rediffmail.com", "uol.com.br", "bol.com.br", "fastmail.com",
    # national and cable providers' mail
    "wanadoo.fr", "sfr.fr", "neuf.fr", "bbox.fr", "btinternet.com", "sky.com",
    "virginmedia.com", "ntlworld.com", "talktalk.net", "comcast.net", "verizon.net", "att.net",
    "sbcglobal.net", "bellsouth.net", "cox.net", "charter.net", "earthlink.net", "shaw.ca",
    "rogers.com", "sympatico.ca", "bigpond.com", "optusnet.com.au", "freenet.de", "arcor.de",
    "online.de", "bluewin.ch", "telenet.be", "skynet.be", "ziggo.nl", "kpnmail.nl", "home.nl",
    "planet.nl", "virgilio.it", "alice.it", "tiscali.it", "seznam.cz", "wp.pl", "o2.pl",
    "onet.pl", "interia.pl", "terra.com.br", "ig.com.br", "naver.com", "daum.net", "mail.ru",
    "bk.ru", "inbox.ru", "list.ru", "rambler.ru", "ukr.net", "abv.bg", "tutanota.com",
    "tuta.io", "pm.me", "hey.com", "rocketmail.com", "googlemail.de",
})
# Providers whose every national domain is free mail (hotmail.de, outlook.fr, live.co.uk,
# yahoo.com.br, gmx.at).
FREE_EMAIL_PROVIDERS = ("hotmail", "outlook", "live", "yahoo", "ymail", "gmx", "aol", "msn",
                        "icloud", "yandex", "proton", "protonmail")


# Keyword rules, first match wins. Order matters: "Vice President of Sales" is VP (not C-level)
# and Sales (not Executive); "Managing Director" is C-level; "Accounting Student" is a student.
SENIORITY_RULES: tuple[tuple[str, str], ...] = (
    ("Student", r"\bstudent\b|\bintern\b|\binternship\b|\btrainee\b|\bapprentice\b"
                r"|\bwerkstudent|\bgraduate program|\bpraktikant|\bstagiaire\b|\bbecari[oa]\b"),
    ("VP", r"\bvice[- ]president|\bvp\b|\bsvp\b|\bevp\b|\bavp\b|\bv\.p\b"
           r"|副社長|副总裁|副總裁|부사장|вице-президент"),
    ("Manager", r"\bassistant (?:controller|director|manager)\b|\bdeputy\b"),
    # an assistant to a chief, an owner of a product, a specialist in lead generation
    ("Individual contributor", r"\bassistant\b|\bassistent|\b(?:product|process|data|service"
                               r"|account|business) owner\b|\blead gen"),
    ("C-level", r"\bc[a-z]o\b|\bc[- ]?level\b|\bc[- ]suite\b|\bchief\b|\bfounder\b"
                r"|\bco-founder\b|\bowner\b|\bpresident\b"
                r"|\bmanaging director\b|\bmanaging partner\b|geschäftsführ|\bvorstand|\binhaber"
                r"|\bgründer|\bpdg\b|\bdaf\b|directeur général|directrice générale|\bprésident"
                r"|\bpresidente\b|\bfondat|\bfundador|director general|gerente general"
                r"|amministratore delegato"
                # Japanese, Chinese, Korean and Russian titles of a company's head
                r"|代表取締役|社長|取締役|執行役員|会長|董事长|董事長|总经理|總經理|首席|创始人"
                r"|創辦人|대표이사|사장|генеральн|основател|владел|президент"),
    ("Manager", r"teamleiter|gruppenleiter|projektleiter|\bteamlead"),
    ("Director", r"\bdirector\b|\bhead\b|\bcontroller\b|\bcomptroller\b|\bdir\b|leiter(?:in)?\b"
                 r"|\bleiter|\bdirect(?:eur|rice)\b|\bdirettore\b|\bdirectora\b"
                 r"|部長|本部長|总监|總監|이사|부장|директор|руководител"),
    ("Manager", r"\bmanager\b|\bmgr\b|\blead\b|\bsupervisor\b|\bteam leader\b|\bresponsable\b"
                r"|\bgerente\b|\bjef[ea]\b|\bchef de\b|\breferent"
                r"|課長|マネージャー|经理|經理|主管|과장|팀장|매니저|менеджер|начальник"),
)
FUNCTION_RULES: tuple[tuple[str, str], ...] = (
    # whose assistant someone is, or what they own, is not their function
    ("Other", r"\bassistant to\b|\bexecutive assistant\b|\bpersonal assistant\b"
              r"|\bassistent(?:in)? (?:der|des)\b"
              r"|\b(?:product|process|data|service|business) owner"),
    ("Finance", r"\bcfo\b|\bcao\b|financ|account(?:ing|ant|s payable|s receivable)|controller"
                r"|comptroller|treasur|fp&a|\bpayable|\breceivable|bookkeep|payroll|\baudit"
                r"|\btax\b|billing|\bcredit\b|finanz|\bdaf\b|comptab|buchhalt|contabil"),
    ("Sales", r"\bsales\b|account executive|business development|\bbdr\b|\bsdr\b"
              r"|account manager|revenue|\bcro\b|commercial|vertrieb|verkauf|\bventes?\b"
              r"|\bventas\b|vendite|comercial|営業|销售|銷售|영업|продаж"),
    ("IT", r"\bit\b|information technology|\bcio\b|\bsystems\b|\berp\b|infrastructure"
           r"|helpdesk|sysadmin|informatik|informatique|informática|\bdsi\b"
           r"|情報システム|信息技术|資訊|전산|информационн"),
    ("Engineering", r"engineer|developer|\bcto\b|chief technology|software|devops|architect"
                    r"|entwickl|ingenieur|ingénieur|développeur|desarrollador"),
    ("Marketing", r"marketing|マーケティング|市场|市場|마케팅|маркетинг"
                  r"|\bcmo\b|\bbrand\b|content|growth|demand gen|communications"
                  r"|\blead gen"),
    ("HR", r"\bhr\b|human resources|\bpeople\b|talent|recruit|personalabteilung"
           r"|personalleit|ressources humaines|\bdrh\b|recursos humanos|\brrhh\b"),
    ("Procurement", r"procurement|purchasing|\bbuyer\b|sourcing|einkauf|\bachats?\b|compras"
                    r"|acquisti|einkäufer|acheteur"),
    ("Operations", r"operations|\bcoo\b|chief operating|\bops\b|logistics|logistik|logistique"
                   r"|opérations|operaciones"),
    ("Executive", r"\bceo\b|chief executive|founder|\bowner\b|president|managing director"
                  r"|general manager|managing partner|geschäftsführ|\bvorstand|\binhaber"
                  r"|\bgründer|\bpdg\b|directeur général|directrice générale|\bprésident"
                  r"|\bpresidente\b|\bfondat|\bfundador|director general|gerente general"
                  r"|amministratore delegato|代表取締役|社長|董事长|董事長|总经理|總經理|创始人"
                  r"|대표이사|генеральный директор|основател"),
)
STUDENT_ONLY = r"^\s*(?:student|intern|mba student|trainee|apprentice)\s*$"


def normalise(raw: pd.DataFrame, mapping: dict[str, str], decimal: str = ".",
              outcomes: pd.Series | Callable[[], pd.Series | None] | None = None,
              units: dict[str, float] | None = None, stage_outcome: bool = True,
              date_orders: dict[str, str] | None = None) -> pd.DataFrame:
    """The raw export with mapped columns renamed to catalog keys, cleaned and enriched.

    Unmapped columns are kept under their original header, so nothing the user imported is lost;
    those whose values are numbers or dates become numbers or dates. `decimal` is the file's
    decimal mark, assumed for columns whose own values do not decide it. `outcomes`
    ("won"/"lost"/"open"/missing per row) overrides reading them from a deal stage; given as a
    function, it runs alongside the columns (and may find there are none after all). `units`
    multiplies a number column (header -> 1000 for thousands, 1e6 for millions).
    `stage_outcome=False`: without `outcomes` the leads have none, not even one read from a
    deal stage (the facilitator chose no outcome column). `date_orders`: header ->
    "day-first" / "month-first", the order the facilitator chose for a date column whose own
    values do not decide it (ignored where they do).

    Text keeps placeholder words ("Select", "unknown"): they are unknown to every rule except
    one that names them (see `workshop.evaluate`). How each column was read, and which header
    each column came from, are kept in `leads.attrs` (see `column_readings`, `header_columns`).
    """
    renames = {src: dst for src, dst in mapping.items() if dst and src in raw.columns}
    targets = pd.Series(list(renames.values()))
    if targets.duplicated().any():
        twice = sorted(set(targets[targets.duplicated()]))
        raise ValueError(f"Several columns are mapped to the same field: {', '.join(twice)}")
    shadowed = [c for c in raw.columns if c not in renames and c in set(renames.values())]
    renamed = raw.drop(columns=shadowed).rename(columns=renames)
    # A seniority or job function column nobody filled in (HubSpot exports its properties,
    # filled or not) says nothing: read from the job titles instead, as without it.
    unfilled = [key for key in ("seniority", "job_function") if key in renamed.columns
                and "job_title" in renamed.columns and _unfilled(renamed[key])]
    if unfilled:
        renamed = renamed.drop(columns=unfilled)
        shadowed += [header for header, key in renames.items() if key in unfilled]
    given = set(renamed.columns) | (
        {"outcome"} if outcomes is not None or not stage_outcome else set())
    headers = {header: renames.get(header, header) for header in raw.columns
               if header not in shadowed}
    unit_of = {renames.get(h, h): float(u) for h, u in (units or {}).items()
               if h in headers and u}
    order_of = {renames.get(h, h): order for h, order in (date_orders or {}).items()
                if h in headers}

    def one_column(key: str) -> tuple[dict[str, pd.Series], Reading]:
        return _normalise_column(renamed[key], key, decimal, given, unit_of.get(key, 1.0),
                                 order_of.get(key, ""))

    # Columns are independent and the heavy lifting happens in Arrow and NumPy, which release
    # the GIL, so a thread per core shortens a million-row import.
    readings: dict[str, Reading] = {}
    with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
        later = pool.submit(outcomes) if callable(outcomes) else None
        cleaned: dict[str, pd.Series] = {}
        for key, (part, reading) in zip(renamed.columns, pool.map(one_column, renamed.columns),
                                        strict=True):
            cleaned.update(part)
            readings[key] = reading
        if later is not None:
            outcomes = later.result()
            if outcomes is None and stage_outcome and "deal_stage" in cleaned \
                    and "outcome" not in renamed:
                cleaned["outcome"] = outcome(cleaned["deal_stage"])
    _one_date_order(renamed, cleaned, readings, headers)
    if "created_month" in cleaned and readings.get("created", Reading("")).kind == "date":
        _set_apart_created(cleaned, readings)
    order = [*renamed.columns, *(key for key in DERIVED if key in cleaned)]
    # copy=False: keeping each column in its own block saves copying them all into one.
    leads = pd.DataFrame({key: cleaned[key] for key in order}, index=raw.index, copy=False)

    if outcomes is not None:
        leads["outcome"] = pd.Series(outcomes.array, index=raw.index)
    if "lifecycle_stage" in leads.columns and "is_customer" not in given:
        # A lead whose own deal was won became a customer through that deal; it was not one
        # when it arrived. Counting it as "already a customer" would disqualify every past win.
        customer = _is_value(leads["lifecycle_stage"], "customer")
        if "outcome" in leads.columns:
            customer &= ~(leads["outcome"] == "won").fillna(False).astype(bool)
        leads["is_customer"] = customer
    leads.attrs[_PROVENANCE] = _provenance(headers, readings)
    return leads


_PROVENANCE = "workshop:provenance"


class _Provenance(dict):
    """Where the columns came from and how they were read, carried in `leads.attrs`: a dict
    of plain values, so Arrow (and Streamlit's tables) can write it as JSON.

    pandas deep-copies `attrs` into every frame and series derived from the leads (a slice, a
    comparison, a sum): copying the readings each time was 600,000 copies and 65% of the time
    of a scorecard on the sample leads. Never changed once made, so a copy is itself."""

    def __deepcopy__(self, memo) -> _Provenance:
        return self


def _provenance(headers: dict[str, str], readings: dict[str, Reading]) -> _Provenance:
    return _Provenance(headers=dict(headers),
                       readings={key: asdict(reading) for key, reading in readings.items()})


def _carried(leads: pd.DataFrame) -> dict:
    found = leads.attrs.get(_PROVENANCE)
    return found if isinstance(found, dict) else {}


def outcome_source(leads: pd.DataFrame) -> str | None:
    """The export's header the leads' outcome was read from (None: not known, or none)."""
    found = _carried(leads).get("outcome_from")
    return found if isinstance(found, str) else None


def with_outcome_source(leads: pd.DataFrame, header: str | None) -> None:
    """Note, in the leads' provenance, the header their outcome was read from: win figures
    read from another column (a lead status instead of a deal stage) count other wins."""
    leads.attrs[_PROVENANCE] = _Provenance(_carried(leads), outcome_from=header)


def _is_value(column: pd.Series, value: str) -> pd.Series:
    """Where a (category) column holds `value`, compared case-insensitively; per category,
    not per lead."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        hit = pd.Index(column.cat.categories.astype("str")).str.casefold() == value
        return pd.Series(np.append(hit, False)[column.cat.codes.to_numpy()], index=column.index,
                         copy=False)
    return (column.astype("str").str.casefold() == value).fillna(False).astype(bool)


def header_columns(leads: pd.DataFrame) -> dict[str, str]:
    """The export's header -> the leads column it became (a catalog key when mapped)."""
    return dict(_carried(leads).get("headers", {}))


def column_readings(leads: pd.DataFrame) -> dict[str, Reading]:
    """Leads column -> how its values were read (numbers, dates, text, and the conventions)."""
    return {key: Reading(**fields)
            for key, fields in _carried(leads).get("readings", {}).items()}


# Fields read off other columns when the export does not carry them, in the order they are added.
DERIVED = ("job_function", "seniority", "personal_email", "created_month", "outcome")
_WORKERS = os.cpu_count() or 1  # more threads only hold more transient copies at once
# Columns are judged on this many rows, spread over the whole column.
JUDGED_ROWS = 20_000


def _judged(column: pd.Series) -> pd.Series:
    """The rows a column is judged on, as text when it came as a Categorical of text."""
    if len(column) > JUDGED_ROWS:
        column = column.iloc[np.linspace(0, len(column) - 1, JUDGED_ROWS).astype(np.int64)]
    return column.astype("str") if text_categories(column) else column


def _normalise_column(column: pd.Series, key: str, decimal: str, given: set[str],
                      unit: float = 1.0, date_order: str = ""
                      ) -> tuple[dict[str, pd.Series], Reading]:
    """One cleaned column, plus the fields derived from it that the export does not carry,
    and how its values were read."""
    lead_field = FIELDS.get(key)
    kind = Kind.NUMBER if key == "amount" else lead_field.kind if lead_field else None
    if kind == Kind.CATEGORY:  # a few values repeated: kept as a Categorical
        values = Distinct.of(_as_text(column), repeats_below=1.0)
        return ({key: values.categorical(_canonical(lead_field.options)(values.values))},
                Reading("category"))
    if kind == Kind.NUMBER:
        mark, ambiguous, evidence = _column_decimal(column, decimal)
        numbers = in_unit(parse_number(column, mark or decimal,
                                       column_types.written_both_ways(ambiguous, evidence)),
                          column, unit)
        return {key: numbers}, Reading("number", mark, ambiguous=ambiguous, evidence=evidence,
                                       unit=unit, buckets=holds_buckets(column))
    if kind == Kind.COUNT:
        whole = _plain_counts(column) if _is_text(column) else None
        if whole is not None:  # whole numbers only: no mark to decide, and no date (no dots)
            return {key: whole}, Reading("count")
        if _is_text(column) and column_types.date_shaped(_judged(column)) >= TYPED_SHARE:
            # "Pricing page visited: 14.10.2026" is when, not how often (never 14,102,026
            # visits): kept as dates, and a date present counts as the action done.
            parsed, reading = _dates(column, decimal, date_order)
            return {key: parsed}, reading
        mark, ambiguous, evidence = _column_decimal(column, decimal)
        return ({key: parse_count(column, mark or decimal)},
                Reading("count", mark, ambiguous=ambiguous, evidence=evidence,
                        buckets=holds_buckets(column)))
    if kind == Kind.BOOLEAN:
        return {key: parse_bool(column).fillna(False).astype(bool)}, Reading("boolean")
    if kind == Kind.DATE:
        parsed, reading = _dates(column, decimal, date_order, created=key == "created")
        return ({key: parsed, "created_month": month_labels(parsed)} if key == "created"
                else {key: parsed}), reading
    if kind == Kind.TEXT:
        # Text that rules search (a title, a company name) is kept as a Categorical: each
        # value's text once, so a rule runs once per distinct value without the column being
        # encoded again for it, which on millions of company names cost more than the rest
        # of an evaluation together.
        texts = Distinct.of(_as_text(column), repeats_below=1.0)
        kept = _trim_blanks(texts.values)
        result = {key: texts.categorical(kept)}
        if key == "job_title":  # classifying is costly, so always once per distinct title
            cleaned = _blank_placeholders(kept)
            folded = _folded_titles(cleaned)
            if "job_function" not in given:
                result["job_function"] = texts.categorical(_job_functions(cleaned, folded))
            if "seniority" not in given:
                result["seniority"] = texts.categorical(_seniorities(cleaned, folded))
        return result, Reading("text")
    if kind is None and key not in ("email", "deal_stage", "record_id"):
        if not _is_text(column):  # a number or date column from a workbook: nothing to clean
            if pd.api.types.is_datetime64_any_dtype(column):
                return {key: column}, Reading("date")
            if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
                return ({key: column * unit if unit != 1.0 else column},
                        Reading("number", unit=unit))
            return {key: column}, Reading("text")
        typed = _typed_other(column, decimal, unit, date_order)
        if typed is not None:
            return typed
    result = {key: trim_blanks(column)}
    if kind is None and key not in ("email", "deal_stage", "record_id") \
            and _holds_caret(column):  # a custom multi-select of SugarCRM's
        result[key] = per_distinct(result[key], _choices_apart)
    elif kind is None and is_tag_list(key, column):
        return {key: per_distinct(result[key], tags_apart)}, Reading("text", tags=True)
    if key == "email" and "personal_email" not in given:
        # No placeholder word holds an "@": blanking them first would change no answer.
        result["personal_email"] = personal_email(column)
    if key == "deal_stage" and "outcome" not in given:
        result["outcome"] = outcome(result[key])
    return result, Reading("text")


def _unfilled(column: pd.Series) -> bool:
    """Whether no cell of a column holds anything: blanks and placeholder words only."""
    if not column.notna().any():
        return True
    return _is_text(column) and column_types.filled(_as_text(column).astype("str")).empty


def in_unit(numbers: pd.Series, column: pd.Series, unit: float) -> pd.Series:
    """`numbers` read from `column`, times the column's `unit` (thousands, millions), except a
    value that writes its own ("2.8M" under "Revenue ($M)" is 2.8 million, not 2.8 trillion)."""
    if unit == 1.0:
        return numbers
    if not _is_text(column):
        return numbers * unit
    return numbers * np.where(column_types.carries_own_unit(column), 1.0, unit)


def _column_decimal(column: pd.Series, decimal: str) -> tuple[str, bool, str]:
    if not _is_text(column):
        return "", False, ""
    return column_types.decimal_mark(_judged(column), decimal)


def _one_date_order(columns: pd.DataFrame, cleaned: dict[str, pd.Series],
                    readings: dict[str, Reading], headers: dict[str, str]) -> None:
    """Date columns whose own values do not decide between day-first and month-first take the
    order another date column of the file proves, when those that decide agree: one system
    wrote the file in one locale (a UK export of leads created on 1-12 January beside a "Last
    Activity Date" of 17/01/2025), over the order assumed, taken as likelier or chosen in the
    column mapping. Re-read only where that order is not the one read."""
    numeric = (column_types.DAY_FIRST, column_types.MONTH_FIRST)
    proofs = {key: reading for key, reading in readings.items()
              if reading.kind == "date" and reading.date_order in numeric
              and not reading.ambiguous and reading.evidence and not reading.decided_by}
    if len({reading.date_order for reading in proofs.values()}) != 1:
        return
    key, proof = next(iter(proofs.items()))
    header = next((h for h, k in headers.items() if k == key), key)
    for key, reading in readings.items():
        if not (reading.kind == "date" and (reading.ambiguous or reading.chosen)
                and not reading.evidence and reading.date_order in numeric):
            continue  # decided by its own values (or mixing both orders): kept
        if reading.date_order != proof.date_order:
            cleaned[key] = parse_date(columns[key], proof.date_order)
            if key == "created" and "created_month" in cleaned:
                cleaned["created_month"] = month_labels(cleaned[key])
        readings[key] = replace(reading, date_order=proof.date_order, ambiguous=False,
                                evidence=proof.evidence, decided_by=header, chosen=False,
                                order_reason="")


def body_months(months: np.ndarray, counts: np.ndarray) -> tuple[int, int] | None:
    """The first and last month kept of the created dates (`months`: months since 1970,
    sorted, each with its number of leads in `counts`), or None when none stands apart.

    Months run in groups split by more than `STRAY_GAP_MONTHS` without any lead. The group
    holding most leads is the body; a group before or after it holding at most `STRAY_SHARE`
    of the dated leads, or a single lead (in an export of 40, a date in 2099 is 2.5%), stands
    apart, unless a larger group lies further out (two real periods
    of an export are both kept, with what lies between). Per distinct month, never per lead."""
    if len(months) < 2:
        return None
    breaks = np.flatnonzero(np.diff(months) > STRAY_GAP_MONTHS + 1)
    if not len(breaks):
        return None
    starts = np.concatenate([[0], breaks + 1])
    ends = np.concatenate([breaks, [len(months) - 1]])
    in_group = np.add.reduceat(counts, starts)
    kept = in_group > max(STRAY_SHARE * counts.sum(), 1)  # one lead alone, in any export
    kept[int(np.argmax(in_group))] = True
    first, last = np.flatnonzero(kept)[[0, -1]]
    if first == 0 and last == len(starts) - 1:
        return None
    return int(months[starts[first]]), int(months[ends[last]])


def _set_apart_created(cleaned: dict[str, pd.Series], readings: dict[str, Reading]) -> None:
    """Created dates standing apart from the body of the dates read as none (see
    `STRAY_GAP_MONTHS`), and the column's reading says how many and when. Whatever day it is:
    only the export's own dates are compared."""
    month = cleaned["created_month"]
    codes = month.cat.codes.to_numpy()
    labels = np.asarray(month.cat.categories.astype(str), dtype="datetime64[M]")
    counts = np.bincount(codes[codes >= 0], minlength=len(labels))
    numbers = labels.astype(np.int64)
    used = counts > 0
    body = body_months(numbers[used], counts[used])
    if body is None:
        return
    apart = (numbers < body[0]) | (numbers > body[1])
    stray = np.zeros(len(codes), dtype=bool)
    stray[codes >= 0] = apart[codes[codes >= 0]]
    created = cleaned["created"]
    stamps = created.to_numpy(dtype="datetime64[us]")[stray]
    cleaned["created"] = created.mask(stray)
    cleaned["created_month"] = month.cat.remove_categories(
        list(month.cat.categories[apart]))
    first, last = pd.Timestamp(stamps.min()), pd.Timestamp(stamps.max())
    readings["created"] = replace(
        readings["created"], set_aside=int(stray.sum()),
        set_aside_range=(f"{first:%-d %b %Y}" if first.date() == last.date()
                         else f"{first:%-d %b %Y} to {last:%-d %b %Y}"),
        kept_from=str(np.datetime64(body[0], "M").astype("datetime64[D]")),
        kept_before=str(np.datetime64(body[1] + 1, "M").astype("datetime64[D]")))


def _dates(column: pd.Series, decimal: str, chosen: str = "", created: bool = False
           ) -> tuple[pd.Series, Reading]:
    """A date column read in the order its values prove; where none does (every day is 12 or
    less), in the order `chosen` in the column mapping, else, for created dates, the order
    `likelier_order` finds, else the file's (day first beside decimal commas)."""
    numbered = _numbered_dates(column)
    if numbered is not None:
        return numbered
    if not _is_text(column):
        return parse_date(column), Reading("date")
    assumed = column_types.DAY_FIRST if decimal == "," else column_types.MONTH_FIRST
    order, ambiguous, evidence = column_types.date_order(_judged(column), assumed)
    undecided = ambiguous and not evidence and order in _NUMERIC_ORDERS
    if undecided and chosen in _NUMERIC_ORDERS:
        return parse_date(column, chosen), Reading("date", date_order=chosen, chosen=True)
    parsed = parse_date(column, order)
    if undecided and created:
        reason = likelier_order(parsed)
        if reason:
            other = _NUMERIC_ORDERS[order == column_types.DAY_FIRST]
            return (parse_date(column, other),
                    Reading("date", date_order=other, ambiguous=True, order_reason=reason))
    return parsed, Reading("date", date_order=order, ambiguous=ambiguous, evidence=evidence)


_NUMERIC_ORDERS = (column_types.DAY_FIRST, column_types.MONTH_FIRST)
# Created dates that, read in the order assumed, fall on one or two days of the month across
# at least this many months, and read the other way within this many days of one year, are
# a short export read the wrong way round ("09/04/2024 01:01": 1-12 September, month first,
# not the 9th of twelve months). The 1st is left alone: imports on the 1st of every month
# (read right) look the same as an export of 1-12 January read the wrong way.
LIKELIER_MONTHS = 3
LIKELIER_SPAN_DAYS = 31
LIKELIER_ROWS = 20


def likelier_order(parsed: pd.Series) -> str:
    """Why the other order is far likelier for created dates read as `parsed` in an order no
    value proves ("all 700 dates would fall on the 9th of 12 months", what this reading makes
    of them), or empty when it is not. Vectorised, on the distinct days."""
    stamps = parsed.to_numpy(dtype="datetime64[us]")
    stamps = stamps[~np.isnat(stamps)]
    if len(stamps) < LIKELIER_ROWS:
        return ""
    days = pd.unique(stamps.astype("datetime64[D]"))
    months = days.astype("datetime64[M]")
    day_of_month = (days - months.astype("datetime64[D]")).astype(np.int64) + 1
    month_days = np.unique(day_of_month)
    month_count = len(np.unique(months))
    if month_count < LIKELIER_MONTHS or len(month_days) > 2 or month_days[0] == 1 \
            or month_days[-1] > 12:
        return ""
    # Read the other way round, the day of the month is the month and the month the day.
    years = months.astype("datetime64[Y]").astype(np.int64) + 1970
    month_number = months.astype(np.int64) % 12 + 1
    other = pd.to_datetime(pd.DataFrame({"year": years, "month": day_of_month,
                                         "day": month_number}), errors="coerce")
    if other.isna().any() or (other.max() - other.min()).days >= LIKELIER_SPAN_DAYS:
        return ""
    on = " and ".join(_ordinal(day) for day in month_days)
    return f"all {len(stamps):,} dates would fall on the {on} of {month_count} months"


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(
        number % 10, "th")
    return f"{number}{suffix}"


def unproven_date_order(leads: pd.DataFrame, key: str = "created") -> str:
    """The order ("day-first" / "month-first") a date column of the leads was read in when no
    value of it (nor of another date column) says which and nobody chose it in the column
    mapping; empty otherwise. A figure per month resting on it must say so."""
    reading = column_readings(leads).get(key)
    if reading is None or reading.kind != "date" or not reading.ambiguous or reading.evidence:
        return ""
    return reading.date_order if reading.date_order in _NUMERIC_ORDERS else ""


# Each way of writing a date as a number: its name, the numbers of 1990-01-01 and 2100-01-01 in
# it, and how pandas reads it (see `column_types.NUMBERED_DATES`).
_NUMBERED = (
    (column_types.UNIX_MILLISECONDS, 631_152_000_000, 4_102_444_800_000, {"unit": "ms"}),
    (column_types.UNIX_SECONDS, 631_152_000, 4_102_444_800, {"unit": "s"}),
    (column_types.SPREADSHEET_DAYS, 32_874, 73_051, {"unit": "D", "origin": "1899-12-30"}),
)


def _numbered_dates(column: pd.Series) -> tuple[pd.Series, Reading] | None:
    """A date column whose filled values are all numbers of one writing (45292, 1704067200,
    1704067200000 for 2024-01-01) as dates, else None; other values there are unreadable."""
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        numbers = column.astype("float64")
    elif _is_text(column) and column_types.number_shaped(_judged(column)) >= TYPED_SHARE:
        numbers = parse_number(column)
    else:
        return None
    filled = numbers.dropna()
    if filled.empty or len(filled) < TYPED_SHARE * int(blank_placeholders(column).notna().sum()):
        return None
    low, high = filled.min(), filled.max()
    for name, first, last, how in _NUMBERED:
        if first <= low and high < last:
            dates = pd.to_datetime(numbers, errors="coerce", **how).astype("datetime64[us]")
            example = filled.iloc[0]
            evidence = f"{example:.0f} is {dates[filled.index[0]]:%Y-%m-%d}"
            return dates.rename(column.name), Reading("date", date_order=name,
                                                      evidence=evidence)
    return None


def _typed_other(column: pd.Series, decimal: str, unit: float, date_order: str = ""
                 ) -> tuple[dict[str, pd.Series], Reading] | None:
    """An unmapped text column whose values are numbers or dates, as numbers or dates."""
    judged = _judged(column)
    key = column.name
    if column_types.number_shaped(judged) >= TYPED_SHARE:
        mark, ambiguous, evidence = column_types.decimal_mark(judged, decimal)
        numbers = in_unit(parse_number(column, mark or decimal,
                                       column_types.written_both_ways(ambiguous, evidence)),
                          column, unit)
        return {key: numbers}, Reading("number", mark, ambiguous=ambiguous, evidence=evidence,
                                       unit=unit, buckets=holds_buckets(column))
    if column_types.date_shaped(judged) >= TYPED_SHARE:
        parsed, reading = _dates(column, decimal, date_order)
        return {key: parsed}, reading
    return None


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


def trim_blanks(column: pd.Series) -> pd.Series:
    """Text stripped of surrounding spaces, empty cells missing; placeholder words are kept
    (a rule may name them), unlike `blank_placeholders`."""
    return per_distinct(_as_text(column), _trim_blanks)


def _trim_blanks(text: pd.Series) -> pd.Series:
    return _blank_placeholders(text, words=False)


def _blank_placeholders(text: pd.Series, words: bool = True) -> pd.Series:
    arrow = arrow_text(text)
    if arrow is None:
        text = text.str.strip()
        blank = text.str.lower().isin(PLACEHOLDERS) if words else text.eq("")
        return text.mask(blank.fillna(False).astype(bool) | text.isna())
    untouched = not needs_trimming(arrow)
    if untouched and not words:
        return text  # already clean: keep the column as it is
    trimmed = arrow if untouched else pc.utf8_trim_whitespace(arrow)
    if not words:
        empty = pc.equal(pc.binary_length(trimmed), 0)
        blanked = (pc.if_else(empty, pa.scalar(None, trimmed.type), trimmed)
                   if pc.any(empty).as_py() else trimmed)
    elif (pc.min(pc.binary_length(trimmed)).as_py() or 0) > _LONGEST_PLACEHOLDER:
        blanked = trimmed  # e-mail addresses and the like: no value is short enough
    else:  # placeholders are ASCII words or caseless dashes: ascii_lower (the fast one) will do
        placeholder = pc.is_in(pc.ascii_lower(trimmed), value_set=_PLACEHOLDER_VALUES)
        blanked = (pc.if_else(placeholder, pa.scalar(None, trimmed.type), trimmed)
                   if pc.any(placeholder).as_py() else trimmed)
    if blanked is trimmed and (untouched or _same_length(trimmed, arrow)):
        return text  # already clean: keep the column as it is
    return pd.Series(blanked.to_pandas().array, index=text.index, name=text.name)


_PLACEHOLDER_VALUES = pa.array(sorted(PLACEHOLDERS), type=pa.large_string())
_LONGEST_PLACEHOLDER = max(len(p.encode()) for p in PLACEHOLDERS)


def _same_length(trimmed: pa.Array, original: pa.Array) -> bool:
    """Trimming only removes characters, so equal total lengths mean nothing was trimmed."""
    return pc.sum(pc.binary_length(trimmed)).as_py() == pc.sum(pc.binary_length(original)).as_py()


def canonical_category(column: pd.Series, options: tuple[str, ...]) -> pd.Series:
    """'SOFTWARE', ' software ', 'ORGANIC_SEARCH' -> the catalog's 'Software' / 'Organic search';
    'USA', 'U.K.', 'DE', 'Deutschland', 'REFERRALS' -> 'United States' ... 'Referral'.

    Values matching no option nor any other name of one (see `workshop.categories`) are kept,
    so a criterion can still name them; they are only stripped and their spacing tidied.
    """
    return per_distinct(_as_text(column), _canonical(options), repeats_below=1.0)


def _canonical(options: tuple[str, ...]) -> Callable[[pd.Series], pd.Series]:
    canonical = categories.names(options)

    def tidy(values: pd.Series) -> pd.Series:
        text = _choices_apart(_trim_blanks(values)).str.replace(r"\s+", " ", regex=True)
        found = categories.fold_series(text).map(canonical)
        return found.fillna(categories.coded(text, options)).fillna(text).astype("str")

    return tidy


# Between the choices of a multiple-choice cell, as HubSpot's multiple checkboxes and
# Salesforce's and Zoho's multi-select picklists export them ("Software;Retail"): 'is one of
# Retail' names the lead, 'is not one of Retail' does not (see `workshop.evaluate`). Choices
# written otherwise (SugarCRM's carets, a list of tags) are read into this form.
CHOICES = ";"
# SugarCRM writes a multi-select field's choices each between carets: "^Education^,^Software^",
# and a single choice "^Software^".
_CARET_CHOICES = r"\^[^^]*\^(?:,\^[^^]*\^)*"


def _holds_caret(column: pd.Series) -> bool:
    """Whether any value holds a caret: a glance (in Arrow where the column is Arrow text)
    before looking for SugarCRM's choices value by value."""
    arrow = arrow_text(column)
    if arrow is not None:
        return bool(pc.any(pc.match_substring(arrow, "^")).as_py())
    return bool(_as_text(column).str.contains("^", regex=False).fillna(False).any())


def _choices_apart(text: pd.Series) -> pd.Series:
    """Choices written SugarCRM's way as the rules read several choices: "Education;Software"
    (see `workshop.evaluate.CHOICES`), a single one as itself ("^Software^": "Software")."""
    carets = text.str.fullmatch(_CARET_CHOICES).fillna(False).astype(bool)
    if not carets.any():
        return text
    return text.where(~carets, text.str.slice(1, -1).str.replace("^,^", CHOICES, regex=False))


# A column of tags, named so ("Tags", "Contact Tags", "Labels"): marketing tools write a lead's
# tags between commas ("webinar, demo-request"; Mailchimp quotes each: '"Tag A","Tag B"').
_TAG_HEADER = re.compile(r"^(?:contact|lead|member|person|prospect|company|account)?"
                         r"(?:tags?|labels?|taglist)$")


def is_tag_list(header: str, column: pd.Series) -> bool:
    """Whether an unmapped column is a list of tags: named so, and some cell holding a comma
    or a quoted tag."""
    if not isinstance(header, str) or not _TAG_HEADER.match(normalise_header(header)):
        return False
    if not _is_text(column):
        return False
    judged = _as_text(_judged(column)).astype("str")
    return bool(judged.str.contains('[,"]', regex=True).fillna(False).any())


def tags_apart(values: pd.Series) -> pd.Series:
    """Tags as the rules read several choices ("webinar;demo-request", see
    `workshop.evaluate.CHOICES`): quotes left out, each tag between commas trimmed, empty ones
    dropped. The rules SQL reads the CRM's cells the same way (`workshop.sql`)."""
    def apart(value: object) -> object:
        if not isinstance(value, str):
            return value
        tags = [tag.strip() for tag in value.replace('"', "").split(",")]
        return CHOICES.join(tag for tag in tags if tag) or None

    return values.map(apart, na_action="ignore")


def parse_number(column: pd.Series, decimal: str = ".", both_ways: bool = False) -> pd.Series:
    """'$1.5M', '1,500,000', '1.5e6', '10M-50M' (midpoint), '501-1,000', '10,001+' -> float.

    With decimal="," (European exports) '1.234,5' and '1,5M' read as 1234.5 and 1.5M. Unit
    words multiply ('2.5 million', '2,5 Mio', '$1 mil.', '3 Mrd', see `UNIT_WORDS`), a noun
    after the number is ignored ('11-50 employees'). A bucket open upwards reads as its bound
    ('10,001+' and 'Over 10,000' as 10,001 and 10,000); one open downwards as the middle of 0
    to its bound, as a range reads as its middle ('<$1M', 'Under $1M' as 0.5M)."""
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return pd.to_numeric(column, errors="coerce").astype("float64")
    text = _as_text(column)
    if both_ways:  # see `grouping_alone`
        text = per_distinct(text, grouping_alone, repeats_below=1.0)
    if decimal == ".":
        plain = _plain_numbers(text)
        if plain is not None:
            return plain
    return per_distinct(text, partial(_parse_written, decimal=decimal),
                        repeats_below=1.0).astype("float64")


# A value whose only marks, all alike, each come before three digits, and which writes no unit
# word ("€750.000", "$1,500"; not "1.200M"): in a column written with both decimal marks, its
# marks group thousands whichever convention its writer had.
_GROUPING_ALONE = {mark: re.compile(rf"[^\d.,]*\d{{1,3}}(?:{re.escape(mark)}\d{{3}})+[^\d.,]*")
                   for mark in ".,"}


def grouping_alone(values: pd.Series) -> pd.Series:
    """The values of a column written with both decimal marks
    (`column_types.written_both_ways`) with the marks dropped where they can only group
    thousands (`_GROUPING_ALONE`); the rest as written, for the column's mark to read."""
    own = column_types.carries_own_unit(values)

    def rewritten(value: object, says_unit: bool) -> object:
        if not isinstance(value, str) or says_unit:
            return value
        stripped = value.strip()
        for mark, pattern in _GROUPING_ALONE.items():
            if pattern.fullmatch(stripped):
                return stripped.replace(mark, "")
        return value

    return pd.Series([rewritten(v, u) for v, u in zip(values, own, strict=True)],
                     index=values.index, dtype=values.dtype)


def _parse_written(values: pd.Series, decimal: str) -> pd.Series:
    return _parse_number_text(_with_decimal_points(values, decimal))


# A figure whose mark is the other one than the column's, where it can only be a decimal mark:
# one or two digits after it ("3,2 Mio" in a file of decimal points, "12.5M" in one of decimal
# commas), any marks before it grouping thousands by three. Looked for in Arrow (RE2 has no
# look-around, so the characters on either side are matched), rewritten with Python's re.
def _other_decimal(decimal: str) -> tuple[str, re.Pattern]:
    group, other = re.escape(decimal), re.escape("," if decimal == "." else ".")
    whole, fraction = rf"\d{{1,3}}(?:{group}\d{{3}})+|\d+", r"\d{1,2}"
    found = rf"(?:^|[^\d.,])(?:{whole}){other}{fraction}(?:$|[^\d.,])"
    return found, re.compile(rf"(?<![\d.,])({whole}){other}({fraction})(?![\d.,])")


_OTHER_DECIMAL = {mark: _other_decimal(mark) for mark in ".,"}


def _with_decimal_points(values: pd.Series, decimal: str) -> pd.Series:
    """The values as decimal points write them: with decimal commas, marks swapped (a point
    groups thousands: "1.234,5" is 1234.5); either way, a figure written with the other mark
    where it can only be a decimal one is read as such ("€3,2 Mio" in an export of decimal
    points is 3.2 million, not 32; "12.5M" among decimal commas 12.5 million, not 125)."""
    found, figure = _OTHER_DECIMAL[decimal]
    other = values.str.contains(found, regex=True, na=False).to_numpy(dtype=bool)
    if decimal == ",":  # a figure already in decimal points is kept as it is
        return values.where(other, values.str.replace(".", "", regex=False)
                            .str.replace(",", ".", regex=False))
    if not other.any():
        return values

    def as_points(match: re.Match) -> str:
        whole, fraction = match.groups()
        return f"{whole.replace('.', '')}.{fraction}"

    rewritten = [figure.sub(as_points, value) for value in values[other].astype(str)]
    return values.where(~other, pd.Series(rewritten, index=values.index[other],
                                          dtype=values.dtype))


def _parse_number_text(values: pd.Series) -> pd.Series:
    arrow = arrow_text(values)
    if arrow is None:
        arrow = pa.array(values.to_numpy(dtype=object, na_value=None), type=pa.large_string())
    # In Arrow: pandas runs these patterns through Python's re, one value at a time. A mark
    # spelled with letters ("R$", "Fr.", "kr", "EUR") goes only as a word of its own ("über$5"
    # keeps its "r", "plus de 5" its "usd"); then signs and spaces (no-break, narrow and thin
    # ones group thousands).
    arrow = pc.replace_substring_regex(pc.utf8_lower(arrow), _CURRENCY_WORD, r"\1\2")
    arrow = pc.replace_substring_regex(arrow, _NOT_NUMBER_TEXT, "")
    arrow = pc.replace_substring_regex(arrow, "[–—]", "-")
    text = pd.Series(arrow.to_pandas().array, index=values.index)
    plain = pd.to_numeric(text, errors="coerce").astype("float64")
    rest = text[plain.isna() & text.notna()]
    if rest.empty:
        return plain
    parts = rest.str.extract(_NUMBER_TEXT)
    low = pd.to_numeric(parts["low"], errors="coerce")
    high = pd.to_numeric(parts["high"], errors="coerce")
    high *= parts["high_unit"].map(_MULTIPLIERS).fillna(1.0).astype("float64")
    written = low * parts["low_unit"].map(_MULTIPLIERS).fillna(1.0).astype("float64")
    # "$1-10M": the low end is in the high end's unit; "$500,000 - $1 mil." or "251-1K": it
    # is written in full (in the high end's unit it would pass the high end)
    shared = low * parts["high_unit"].map(_MULTIPLIERS).fillna(1.0).astype("float64")
    low = written.where(parts["low_unit"].notna() | high.isna() | (shared > high), shared)
    low = low.where(parts["below"].isna() | high.notna(), low / 2)  # under X: 0 to X
    plain.loc[rest.index] = ((low + high) / 2).where(high.notna(), low)
    return plain


_MULTIPLIERS = {word: unit for unit, words in UNIT_WORDS.items() for word in words}
# A currency's letters as a word of its own, or after a unit letter ("1,5 MEUR", "12 Mkr").
_CURRENCY_WORD = r"(^|[^\pL]|[kmb])(?:{})($|[^\pL])".format("|".join(
    re.escape(mark) for mark in sorted(CURRENCY_MARKS + CURRENCY_CODES, key=len, reverse=True)))
# What a number's text holds beside its figure, dropped before reading it (by the SQL export
# too): thousands separators (a comma, '_', apostrophes, no-break, narrow and thin spaces; any
# other space as well), a percent sign and currency signs.
NOT_NUMBER_CHARACTERS = ",_'’\u00a0\u202f\u2009%" + CURRENCY_SIGNS
_NOT_NUMBER_TEXT = rf"[\s{re.escape(NOT_NUMBER_CHARACTERS)}]"


# What a count is of, written after it ("11-50 employees", "6 Monate"): read past.
COUNT_NOUNS = ("employees", "employee", "staff", "people", "persons", "person", "ftes", "fte",
               "mitarbeiterinnen", "mitarbeiter", "beschäftigte", "salariés", "salarié",
               "employés", "employé", "empleados", "dipendenti", "anställda", "werknemers",
               "medewerkers", "funcionários", "funcionarios", "empregados", "colaboradores",
               "pracowników", "months", "month", "monate", "monat", "mois", "meses", "mesi")


def holds_buckets(column: pd.Series) -> bool:
    """Whether some value of a text column of numbers is a range or a one-sided bucket
    ("11-50", "$1M to $5M", "10,001+", "Over 5,000"): the rules SQL then reads such cells too
    (`workshop.sql`), which costs it a long expression it leaves out otherwise. Judged on the
    rows a column's kind is judged on (`JUDGED_ROWS`, spread over the column)."""
    if not _is_text(column):
        return False
    column = _judged(column)
    arrow = arrow_text(column)
    if arrow is None:
        arrow = pa.array(_as_text(column).to_numpy(dtype=object, na_value=None),
                         type=pa.large_string())
    return bool(pc.any(pc.match_substring_regex(pc.utf8_lower(arrow), _BUCKETISH)).as_py())


_BUCKETISH = r"\d[a-z.]*\s*(?:\+|(?:[-–—]|{})\s*\D{{0,4}}\d)|^\s*(?:{})|\d\D*\s(?:{})\s*$".format(
    "|".join(re.escape(word) for word in RANGE_WORDS),
    "|".join(re.escape(word) for word in sorted(BOUND_WORDS, key=len, reverse=True)),
    "|".join(re.escape(word) for word in sorted(OR_MORE_WORDS, key=len, reverse=True)))


def _number_text() -> re.Pattern:
    """A number, range or one-sided bucket as `_parse_number_text` leaves it: lower case,
    without spaces, thousands separators or currency marks ('over5bil.', '11-50employees')."""
    units = "|".join(sorted(_MULTIPLIERS, key=len, reverse=True))
    def words(listed) -> str:
        return "|".join(re.escape(re.sub(r"[\s'’]", "", word))
                        for word in sorted(listed, key=len, reverse=True))

    above = words(w for w in BOUND_WORDS if w not in BELOW_WORDS)
    noun = f"(?:{words(COUNT_NOUNS)})?"

    def end(name: str) -> str:
        return (rf"(?P<{name}>\d+(?:\.\d+)?(?:e[+-]?\d+)?|\.\d+)"
                rf"(?:(?P<{name}_unit>{units})\.?)?")

    bound = rf"(?:(?P<below>{words(BELOW_WORDS)})|{above})?"
    to = rf"(?:-|{words(RANGE_WORDS)})"
    more = f"(?:{words(OR_MORE_WORDS)})?"  # "1000ormore", "1000salariésetplus": as "1000+"
    return re.compile(rf"^{bound}{end('low')}(?:{to}{end('high')}|\+|{more}){noun}{more}$")


_NUMBER_TEXT = _number_text()


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
    # "Yes - active", "Yes, confirmed", "Oui (client)": a yes/no word, then what qualifies it
    first = text.str.extract(r"^(\w+)\s*[,;:(–—-]", expand=False)
    truth = truth.mask(first.isin(TRUE_WORDS), True).mask(first.isin(FALSE_WORDS), False)
    truth = truth.mask(text.isin(TRUE_WORDS), True).mask(text.isin(FALSE_WORDS), False)
    numbers = pd.to_numeric(text, errors="coerce")
    return truth.fillna((numbers > 0).astype("boolean").mask(numbers.isna()))


def parse_count(column: pd.Series, decimal: str = ".") -> pd.Series:
    """Engagement counts as integers; no record of an action means it did not happen (0).

    Yes/No columns (a demo request) become 0/1, so every conversion action reads the same way.
    With decimal="," a European '2,5' is two and a half (rounded), not 25.
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
        read = _count_text(counts.values, decimal)
        return counts.spread_array(_whole(read).to_numpy(), 0)
    return _whole(numbers)


def _whole(numbers: pd.Series) -> pd.Series:
    return numbers.astype("float64").fillna(0).clip(lower=0).round().astype("int64")


def _plain_counts(text: pd.Series) -> pd.Series | None:
    """Whole numbers cast by Arrow straight to integers (the usual export), else None; a
    Categorical's values cast once each."""
    if text_categories(text):
        counts = _cast(pa.array(text.cat.categories.astype("str").array), pa.int64())
        if counts is None:
            return None
        each = np.maximum(pc.fill_null(counts, 0).to_numpy(zero_copy_only=False), 0)
        return pd.Series(np.append(each, 0)[text.cat.codes.to_numpy()], index=text.index,
                         name=text.name, copy=False)
    arrow = arrow_text(text)
    counts = None if arrow is None else _cast(arrow, pa.int64())
    if counts is None:
        return None
    values = pc.fill_null(counts, 0).to_numpy(zero_copy_only=False)
    return pd.Series(np.maximum(values, 0), index=text.index, name=text.name, copy=False)


def _count_text(values: pd.Series, decimal: str = ".") -> pd.Series:
    text = values.str.strip()
    if decimal == ",":
        text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        text = text.str.replace(",", "", regex=False)
    numbers = pd.to_numeric(text, errors="coerce").astype("float64")
    return numbers.fillna(_bool_text(values).astype("Float64").astype("float64"))


def parse_date(column: pd.Series, order: str | None = None, *,
               keep_unset: bool = False) -> pd.Series:
    """Dates as naive timestamps: the time as exported, a zone given left out (a lead of 9 pm
    on 31 January, New York time, was a January lead for its team); unparseable -> NaT.

    `order` ("day-first" / "month-first") says how to read 01-02-2018; by default the column's
    own values decide (see `workshop.column_types.date_order`). Dates systems write for "never
    set" are NaT too, unless `keep_unset` (see `never_set_dates`)."""
    if pd.api.types.is_datetime64_any_dtype(column):
        parsed = column
    else:
        text = _as_text(column)
        parsed = _iso_timestamps(text)
        if parsed is None:
            if order is None:
                order = column_types.date_order(_judged(text))[0]
            # Dates repeat (a day's leads), timestamps hardly: those are read whole.
            parsed = per_distinct(text, partial(column_types.parse_dates, order=order))
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    parsed = parsed.astype("datetime64[us]")  # one resolution, whichever way it was read
    if keep_unset:
        return parsed
    unset = _never_set(parsed.to_numpy())
    return parsed.mask(unset) if unset.any() else parsed


def _never_set(stamps: np.ndarray) -> np.ndarray:
    """Where timestamps are what systems write for a date never set (NaT is not one)."""
    unset = (stamps < _EARLIEST) | (stamps >= _LATEST)
    unset |= (stamps >= _EPOCH_ANYWHERE[0]) & (stamps <= _EPOCH_ANYWHERE[1])
    for date in _UNSET_DATES:
        unset |= stamps == date
    return unset


def never_set_dates(text: pd.Series) -> np.ndarray:
    """Where a value is written as a date no event has (the epoch in any zone, a spreadsheet's
    day 0 such as "00/01/1900", 1899 or 1900, the year 9999): a conversion date holding one
    says the lead never converted."""
    if len(text) == 0:
        return np.zeros(0, dtype=bool)
    text = _as_text(text)
    unset = _never_set(parse_date(text, keep_unset=True).to_numpy())  # NaT compares False
    return unset | text.str.contains(_SPREADSHEET_ZERO, regex=True).fillna(False).to_numpy(
        dtype=bool)


# A date written in 1899 or 1900 (day 0 included, which no calendar reads): a spreadsheet's
# zero day, never a lead's event.
_SPREADSHEET_ZERO = (r"^\s*(?:\d{1,2}[./-]\d{1,2}[./-](?:1899|1900)"
                     r"|(?:1899|1900)[./-]\d{1,2}[./-]\d{1,2})(?:[\sT].*)?$")
# What systems write for a date never set: the Unix epoch, a spreadsheet's day 0 and day 1, at
# midnight. No lead was created then; counted, 1970-01 would be a month of the volume.
_UNSET_DATES = np.array(["1970-01-01T00:00", "1900-01-01T00:00"], dtype="datetime64[us]")
# The Unix epoch written as a time of the writer's zone ("01/01/1970 01:00" in Paris, 19:00 on
# 31 December 1969 in New York): any time the zones of the world give it, both ends included.
_EPOCH_ANYWHERE = np.array(["1969-12-31T10:00", "1970-01-01T14:00"], dtype="datetime64[us]")
# Nor before 1900 (.NET's and SQL Server's 0001-01-01, a spreadsheet's day 0) or in the year
# 9999 (the "never" of 9999-12-31), at any time of day.
_EARLIEST, _LATEST = np.datetime64("1900-01-01", "us"), np.datetime64("9999-01-01", "us")


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
    """How senior a title is; titles without a rank word are individual contributors, unless
    they are written in a script the rules cannot read (a Japanese title naming no rank the
    rules know is unknown, not a junior: it may be the head of the company)."""
    return per_distinct(blank_placeholders(title), _seniorities, repeats_below=1.0)


def _job_functions(titles: pd.Series, folded: pd.Series | None = None) -> pd.Series:
    conditions = [(STUDENT_ONLY, "Other")] + [(p, v) for v, p in FUNCTION_RULES]
    return _classify(titles, conditions, "Other", JOB_FUNCTIONS, folded)


def _seniorities(titles: pd.Series, folded: pd.Series | None = None) -> pd.Series:
    conditions = [(p, v) for v, p in SENIORITY_RULES]
    return _classify(titles, conditions, "Individual contributor", SENIORITIES, folded)


def _folded_titles(titles: pd.Series) -> pd.Series:
    """Titles as the rules read them: "Geschäftsführer" as macOS writes it too, any case, and
    "vp_sales" as HubSpot's API writes a role ("vp sales": an underscore joins words, for the
    rules' word boundaries, into one)."""
    return titles.str.normalize("NFC").str.casefold().str.replace("_", " ", regex=False)


def _classify(titles: pd.Series, rules: list[tuple[str, str]], default: str,
              allowed: tuple[str, ...], folded: pd.Series | None = None) -> pd.Series:
    """First matching keyword rule per (cleaned) title; missing titles stay missing.
    `folded`: the titles' `_folded_titles`, when already worked out."""
    text = _folded_titles(titles) if folded is None else folded
    hits = [_matches(text, pattern) for pattern, _ in rules]
    chosen = np.select(hits, [value for _, value in rules], default=default)
    # No rule matched and no Latin letter: a title the rules cannot read says nothing.
    unread = ~np.logical_or.reduce(hits) & ~_matches(text, _LATIN_LETTER)
    result = pd.Series(chosen, index=titles.index, dtype="str").mask(text.isna() | unread)
    assert set(result.dropna().unique()) <= set(allowed)
    return result


_LATIN_LETTER = "[a-z\u00c0-\u024f]"


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
    return pd.Series(values, index=created.index, name="created_month", copy=False)


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
                      + r"|(?:" + "|".join(FREE_EMAIL_PROVIDERS) + r")\.[a-z]{2,3}(?:\.[a-z]{2})?"
                      + r")\s*>?\s*$")  # "Name <x@gmail.com>" too


def outcome(deal_stage: pd.Series) -> pd.Series:
    """'won' / 'lost' / 'open' from any deal-stage spelling; no deal -> missing."""
    return per_distinct(blank_placeholders(deal_stage), _outcomes, repeats_below=1.0)


def _outcomes(stages: pd.Series) -> pd.Series:
    won, lost = stage_outcomes(stages)
    picked = np.select([won, lost, stages.notna().to_numpy(bool)], ["won", "lost", "open"],
                       default="")
    return pd.Series(picked, index=stages.index, dtype="str").replace("", np.nan)


# How a deal stage reads, for a deal-stage column's own outcome and for the import's outcome
# suggestion (`workshop.mapping`) alike. Closed stages are decided: "Closed - No Decision" or
# "Closed (duplicate)" is not won, and leaving it open would drop it from every win rate.
# Python's and Arrow's expressions read these alike (no look-arounds).
# French, Spanish, Portuguese and Italian words stand alone or after "Fermée", "Cerrada",
# "Fechado/", "Chiuso/" ("Fechado/Ganho", "Cerrada perdida"); a lead status of a localised CRM
# says converted in its language (Zoho's "Konvertiert", "Converti"); a contract signed is won
# ("Closed - Signed", "Contract Signed", HubSpot's "contractsigned", "Vertrag unterschrieben"),
# one "not signed" reads lost as "not won" does, and "To be signed" stays open. Closed without a
# win reads lost in a stage as in a lead status (`workshop.mapping._LOST_STATUS` adds only bare
# "Closed"): abandoned, cancelled, out-sold, not qualified, dead, rejected, not interested, do
# not contact.
_ALONE = r"(?:^|[^a-zà-ÿ])(?:{})(?:$|[^a-zà-ÿ])"
WON_STAGE = (r"won\b|^win$|^closed ?-? ?won|^closed ?-? ?converted$|^converted$|gewonnen|"
             r"^(?:closed|contract|deal|order|agreement)?[ _-]*signed\b|"
             + _ALONE.format(r"gagn[ée]e?s?|ganad[oa]s?|ganh[oa]s?|vint[oa]"
                             r"|konvertiert|converti[e]?s?|convertid[oa]s?|convertit[oa]"
                             r"|unterschrieben|unterzeichnet|sign[ée]e?s?|firmad[oa]s?"
                             r"|assinad[oa]s?|firmat[oa]|geconverteerd|vunnen|vunnet|vunna"
                             r"|wygran[aey]?"))
LOST_STAGE = (r"lost\b|^loss$|not converted|disqualified|unqualified|closed ?-? ?lost"
              r"|^closed\W+\w|verloren|"
              + _ALONE.format(r"perdue?s?|perdid[oa]s?|pers[oa]|rejeitad[oa]s?") +
              r"|abandon|cancel+ed|cancelad|annul|storn|out ?-? ?sold"
              r"|not ?qualified|non ?qualifi|nicht ?qualifiziert|no ?cualificad|no ?calificad"
              r"|junk|spam|bad ?fit|no ?fit|not ?a ?fit|poor ?fit|not ?interested|bad ?data"
              r"|do ?not ?(?:contact|call|email)|^dnc$|invalid|duplicat|recycl|unresponsive"
              r"|no ?response|^dead\b|rejected|delet|\bno ?decision\b"
              r"|kein ?interesse|nicht ?interessiert|abgelehnt|ung[üu]ltig"
              r"|gel[öo]scht|pas ?int[ée]ress|rejet|refus|supprim|no ?interesad|rechazad"
              r"|eliminad|borrad"
              # Dutch, Swedish, Polish, Italian, Portuguese: lost, (dis)qualified, rejected,
              # and a pipeline's "closed - …" as Salesforce writes it in these languages
              r"|f[öo]rlorad|f[öo]rlorat|przegran|utracon|disqualifi|diskwalific|diskvalific"
              r"|descalific|desqualific|squalific|dyskwalifik|niet ?gekwalificeerd"
              r"|n[aã]o ?qualificad|ej ?kvalificerad|inte ?kvalificerad|niezakwalifikowan"
              r"|afgewezen|avvisad|avb[öo]jd|odrzucon|rifiutat|respint|recusad"
              r"|^gesloten\W+\w|^geschlossen\W+\w|^ferm[ée]e?\W+\w|^cerrad[oa]\W+\w"
              r"|^chius[oa]\W+\w|^fechad[oa]\W+\w|^st[äa]ngd\W+\w")
NOT_WON_STAGE = (r"\bnot ?won\b|\bno ?win\b|\bun ?won\b|\bwon['’]t\b"
                 r"|nicht ?konvertiert|non ?converti|no ?convertid|n[aã]o ?convertid"
                 r"|\bnot ?signed\b|nicht ?(?:unterschrieben|unterzeichnet)|non ?sign[ée]"
                 r"|no ?firmad|n[aã]o ?assinad|non ?firmat|niet ?geconverteerd"
                 r"|n(?:ie|icht|iet) ?gewonnen|inte ?vunn|ej ?vunn|nie ?wygran|niewygran")


def stage_outcomes(stages: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Which stages are won and which lost (the rest are open), stage by stage."""
    text = stages.str.casefold()
    won = _matches(text, WON_STAGE) & ~_matches(text, NOT_WON_STAGE)
    lost = ~won & (_matches(text, LOST_STAGE) | _matches(text, NOT_WON_STAGE))
    return won, lost


# --- helpers ----------------------------------------------------------------------------------

def _is_text(column: pd.Series) -> bool:
    return pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)


def _as_text(column: pd.Series) -> pd.Series:
    """Text as it is: a Categorical of text (a column the import read as repeating values) is
    worked on per category (`workshop.distinct.Distinct`), not spelled out per row."""
    if isinstance(column.dtype, pd.StringDtype) or text_categories(column):
        return column
    return column.astype("str")


def _matches(text: pd.Series, pattern: str) -> np.ndarray:
    arrow = arrow_text(text)
    if arrow is None:
        return text.str.contains(pattern, regex=True).fillna(False).to_numpy(dtype=bool)
    # Straight to Arrow: pandas would first parse the pattern in Python, which on a few hundred
    # distinct titles costs more than matching them.
    found = pc.match_substring_regex(arrow, pattern)
    return pc.fill_null(found, False).to_numpy(zero_copy_only=False).astype(bool, copy=False)
