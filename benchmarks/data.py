"""Leads at the cardinalities of a real CRM export, for the benchmark.

`workshop.sample_data.generate_leads` draws its people from a few short lists: about 1,200
companies and 110 job titles however many leads it makes, and e-mail addresses that repeat. A
real export of a million leads has tens of thousands of each, and every e-mail address once;
work done once per distinct value (the import's cleaning, the evaluation's text rules) looks far
cheaper on the former. So the generator's output is post-processed here:

- companies split into the variants a CRM collects (``Northwind Software``, ``Northwind
  Software Inc.``, ``Northwind Software UK Ltd``…), each variant keeping its company's industry,
  size and country: about 72,000 distinct names in 1,000,000 leads, 7,000 in 100,000;
- job titles typed freely (``Senior Finance Manager - Group Reporting, EMEA``): about 23,000
  distinct in 1,000,000 leads, growing more slowly than the leads, as free text does;
- every e-mail address unique (a repeat gets a number, as mail systems hand them out);
- placeholder words ("n/a", "Select", "unknown", "-") and blanks in titles, companies and names,
  beside those the generator already puts in its drop-down columns;
- decimal numbers: amounts and some budgets and revenues with cents.

Record IDs are unique already. `export_under_limit` cuts an export to the app's own upload
limit.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from workshop.importer import MAX_BYTES, MAX_ROWS
from workshop.sample_data import UNIVERSITIES, generate_leads

SEED = 20261123

# Company variants: a legal form, a region or country, a division; index 0 of each is none.
LEGAL_FORMS = ("", " Inc.", " Ltd", " LLC", " GmbH", " B.V.", " S.A.", " AB", " Pty Ltd",
               " plc", " SAS", " S.L.", " Corp.", " AG", " Co.")
REGIONS = ("", " UK", " Deutschland", " France", " Nederland", " Nordics", " Iberia", " Italia",
           " Canada", " Australia", " India", " Brasil", " Americas", " EMEA", " APAC", " DACH",
           " Benelux", " US", " Japan", " Singapore", " Ireland", " Polska", " Schweiz",
           " Österreich", " México", " South Africa", " New Zealand", " Belgium", " Danmark",
           " Norge")
DIVISIONS = ("", " Holdings", " Group", " Solutions", " Services", " Digital", " Partners",
             " Technologies", " International", " Global")
COMPANY_VARIANTS_PER_LEAD = 0.074  # variants a company has per lead it sent (calibrated: 72k/1M)
# The most a company has, however many leads it sent (the biggest sends 90,000 of 5,000,000).
MOST_COMPANY_VARIANTS = len(DIVISIONS) * len(REGIONS) * len(LEGAL_FORMS)

# Job title variants: a prefix, a team and a region; index 0 of each is none.
TITLE_PREFIXES = ("", "Senior ", "Sr. ", "Lead ", "Assistant ", "Deputy ", "Interim ",
                  "Group ", "Global ", "Regional ", "Associate ", "Acting ", "Junior ",
                  "Principal ", "Staff ", "Executive ")
TITLE_TEAMS = ("", " - Group Reporting", " & Operations", " / Treasury", " | Shared Services",
               " - FP&A", " (Tax)", " - Payables", " - Receivables", " & Strategy",
               " - Consolidation", " - Payroll", " & Compliance", " - Corporate",
               " (Interim)", " - Revenue", " & Admin", " - Procurement", " - Systems",
               " - Controlling", " (Contract)", " - Audit", " - Transformation", " - M&A",
               " - Europe")
TITLE_REGIONS = ("", ", EMEA", ", North America", ", DACH", ", UK&I", ", APAC", ", Nordics",
                 ", Benelux", ", LATAM", ", Iberia", " (UK)", " (US)", " (m/w/d)",
                 ", France", ", Italy", ", Germany", ", Canada", ", Australia", ", India",
                 ", Japan", ", Middle East", ", Africa", ", CEE", ", Global", ", Americas")
TITLE_VARIANT_SHARE = 0.35  # leads whose title is not one of the usual spellings
PLACEHOLDER_WORDS = ("n/a", "Select", "unknown", "-", "N/A", "--None--")


def realistic_export(rows: int, seed: int = SEED) -> pd.DataFrame:
    """A CRM export of `rows` leads (all text and numbers, as written to CSV), the same for the
    same seed."""
    frame = generate_leads(rows, seed=seed)
    rng = np.random.default_rng(seed + 1)
    frame["Company Name"] = _company_variants(frame["Company Name"], rng)
    frame["Job Title"] = _title_variants(frame["Job Title"], rng)
    frame["Email"] = unique_emails(frame["Email"])
    for column, share in (("Job Title", 0.012), ("Company Name", 0.006), ("First Name", 0.004),
                          ("Last Name", 0.004)):
        frame[column] = _placeholders(frame[column], rng, share)
    for column, share in (("First Name", 0.01), ("Last Name", 0.01), ("Company Name", 0.005)):
        frame[column] = frame[column].where(rng.random(rows) >= share, "")
    frame["Amount"] = _with_cents(frame["Amount"], rng, share=0.7)
    frame["Budget Confirmed"] = _with_cents(frame["Budget Confirmed"], rng, share=0.2)
    revenue = frame["Annual Revenue"]
    plain = revenue.str.fullmatch(r"\d+").fillna(False)
    cents = pd.Series(rng.integers(1, 100, rows)).map("{:02d}".format)
    frame["Annual Revenue"] = revenue.where(~plain | (rng.random(rows) >= 0.25),
                                            revenue + "." + cents)
    return frame


def export_under_limit(frame: pd.DataFrame, max_bytes: int = MAX_BYTES,
                       max_rows: int = MAX_ROWS) -> tuple[bytes, int]:
    """The CSV of the first leads of `frame` that fit the app's upload limits (bytes and rows):
    the longest such file, cut at a record's end; and how many leads it holds."""
    data = csv_bytes(frame.iloc[:max_rows + 1])
    if len(data) <= max_bytes and len(frame) <= max_rows:
        return data, len(frame)
    cut = data.rfind(b"\n", 0, max_bytes) + 1
    rows = data.count(b"\n", 0, cut) - 1  # no field holds a line break: one line, one record
    if rows > max_rows:
        cut = _nth_line_end(data, max_rows + 1)
        rows = max_rows
    return data[:cut], rows


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def _nth_line_end(data: bytes, lines: int) -> int:
    position = -1
    for _ in range(lines):
        position = data.index(b"\n", position + 1)
    return position + 1


def unique_emails(emails: pd.Series) -> pd.Series:
    """The n-th use of an address gets n before the @ (jane.doe2@…, jane.doe3@…); should that
    meet an address already taken, the round is repeated on the repeats."""
    emails = pd.Series(emails.to_numpy(object), index=emails.index)
    while True:
        repeat = emails.groupby(emails.to_numpy(), sort=False).cumcount().to_numpy()
        again = repeat > 0
        if not again.any():
            return emails
        parts = emails[again].str.split("@", n=1, expand=True)
        emails[again] = parts[0] + pd.Series(repeat[again] + 1, index=parts.index).astype(str) \
            + "@" + parts[1]


def _company_variants(companies: pd.Series, rng: np.random.Generator) -> pd.Series:
    """Each company's leads spread over its variants, the plain name the most common; a company
    has about COMPANY_VARIANTS_PER_LEAD variants per lead it sent, at most
    MOST_COMPANY_VARIANTS. Universities stay as they are."""
    codes, names = pd.factorize(companies, use_na_sentinel=False)
    sent = np.bincount(codes, minlength=len(names))
    variants = np.clip(np.ceil(sent * COMPANY_VARIANTS_PER_LEAD), 1,
                       MOST_COMPANY_VARIANTS).astype(np.int64)
    variants[np.isin(names, UNIVERSITIES)] = 1
    variant = np.floor(variants[codes] * rng.random(len(codes)) ** 2).astype(np.int64)
    key = codes.astype(np.int64) * (int(variants.max()) + 1) + variant
    keys, spread = np.unique(key, return_inverse=True)
    qualifiers = _qualifiers(int(variants.max()))
    width = int(variants.max()) + 1
    unique_names = np.array([names[k // width] + qualifiers[k % width] for k in keys],
                            dtype=object)
    return pd.Series(unique_names[spread], index=companies.index)


def _qualifiers(count: int) -> list[str]:
    """The first `count` variant endings: legal forms first, then with a region, a division."""
    out = []
    for division in DIVISIONS:
        for region in REGIONS:
            for legal in LEGAL_FORMS:
                out.append(division + region + legal)
                if len(out) >= count:
                    return out
    raise ValueError(f"{count:,} variants of one company: more than the lists make")


def _title_variants(titles: pd.Series, rng: np.random.Generator) -> pd.Series:
    """TITLE_VARIANT_SHARE of the filled titles typed another way: a prefix, a team, a region,
    each drawn with a long tail (the first few common, the rest rare)."""
    n = len(titles)
    filled = titles.fillna("").astype(str).str.len().to_numpy() > 0
    varied = filled & (rng.random(n) < TITLE_VARIANT_SHARE)

    def tail(options: tuple[str, ...]) -> np.ndarray:
        rank = np.minimum(rng.zipf(2.2, n) - 1, len(options) - 1)
        return np.asarray(options, dtype=object)[rank]

    prefix, team, region = tail(TITLE_PREFIXES), tail(TITLE_TEAMS), tail(TITLE_REGIONS)
    # The prefix goes where it reads (not "Senior CFO" twice over); a team and a region after.
    plain = titles.to_numpy(object)
    prefix = np.where(pd.Series(plain).str.match(r"(?i)(chief|head|senior|c[efot]o\b)")
                      .fillna(False).to_numpy(), "", prefix)
    text = pd.Series(prefix) + pd.Series(plain).fillna("") + pd.Series(team) + pd.Series(region)
    return pd.Series(np.where(varied, text.to_numpy(object), plain), index=titles.index)


def _placeholders(column: pd.Series, rng: np.random.Generator, share: float) -> pd.Series:
    words = np.asarray(PLACEHOLDER_WORDS, dtype=object)[
        rng.integers(len(PLACEHOLDER_WORDS), size=len(column))]
    return column.where(rng.random(len(column)) >= share, pd.Series(words, index=column.index))


def _with_cents(numbers: pd.Series, rng: np.random.Generator, share: float) -> pd.Series:
    """Whole amounts as text, `share` of them with cents ("12500.49"); missing stays missing."""
    whole = numbers.astype("Int64")
    cents = pd.Series(rng.integers(1, 100, len(numbers)), index=numbers.index)
    text = whole.astype("string")
    with_cents = text + "." + cents.map("{:02d}".format)
    return text.where(rng.random(len(numbers)) >= share, with_cents).astype(object) \
        .where(whole.notna(), None)
