"""The same definition as SQL, so RevOps can run it next to the CRM data (and we can check it).

The SQL mirrors `workshop.evaluate` exactly: an unknown value (NULL, blank or a placeholder word
such as 'Select' or 'unknown') never passes a must-have and never triggers a disqualifier, unless
a rule names the placeholder itself; text matches ignore case, surrounding spaces and the
difference between '_', '-' and spaces, and a rule naming an option by another name ('USA')
also names the option the import read it as ('United States'); a conversion action counts
once its count is above zero, its yes/no is yes, or its date is present. Identifiers are
double-quoted and literals escaped, so typed values can never break out of the statement.
Written for DuckDB and PostgreSQL.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from functools import lru_cache

from workshop import catalog, per_table
from workshop.catalog import Kind
from workshop.categories import fold as category_fold
from workshop.categories import names as category_names
from workshop.categories import written_names
from workshop.column_types import (
    BELOW_WORDS,
    BOUND_WORDS,
    CURRENCY_CODES,
    CURRENCY_MARKS,
    CURRENCY_WORDS,
    DAY_FIRST,
    OR_MORE_WORDS,
    RANGE_WORDS,
    SPREADSHEET_DAYS,
    UNIT_WORDS,
    UNIX_MILLISECONDS,
    UNIX_SECONDS,
    Reading,
    written_both_ways,
)
from workshop.definition import Criterion, Definition
from workshop.evaluate import (
    CHOICES,
    GRADE,
    JOINERS,
    PLACEHOLDER_FOLDS,
    SEPARATORS,
    fold_value,
    fold_word,
    named_folds,
    resolve,
)
from workshop.leads import (
    _FREE_MAIL_PATTERN,
    _LATIN_LETTER,
    COUNT_NOUNS,
    FUNCTION_RULES,
    NOT_NUMBER_CHARACTERS,
    NOT_WON_STAGE,
    PLACEHOLDERS,
    SENIORITY_RULES,
    STUDENT_ONLY,
    WON_STAGE,
    canonical_category,
    column_readings,
    header_columns,
)
from workshop.operators import FALSE_WORDS, TRUE_WORDS, number_literal, operator

NUMBER, TEXT, BOOLEAN, DATE = "number", "text", "boolean", "date"
# The columns the SQL adds to each lead (the lead CSV's names too).
OUTPUTS = ("lead_stage", "lead_points")
# What str.casefold() (evaluate's folding) does beyond lower(): DuckDB's and PostgreSQL's lower()
# keep 'ß', the final 'ς' and the micro sign 'µ', which casefold() spells 'ss', 'σ' and 'μ'. The
# SQL lowers a cell and then spells these as casefold() does, where a literal could meet them.
BEYOND_LOWER = (("ß", "ss"), ("ς", "σ"), ("µ", "μ"))
# The Turkish capital "İ", which the app folds to a plain "i" (`evaluate.casefold`): lower()
# leaves it in a C locale and writes "i" and a combining dot in an ICU one, so the SQL spells
# it "i" before lowering.
DOTTED_CAPITAL_I = "\u0130"
# A text cell that is a date or a timestamp as DuckDB and PostgreSQL write one (after lower()),
# in a pattern SIMILAR TO reads alike in both.
_ISO_DATE = "[0-9]{4}-[0-9]{2}-[0-9]{2}([ t][0-9:.+z-]*)?"
# How the import reads a number's text (`workshop.leads.parse_number`), in regular expressions
# DuckDB and PostgreSQL read alike (neither knows the other's \pL: letters are spelled out).
# A currency written in letters ('eur', 'fr.', 'r$') is dropped as a word of its own, or after
# a unit letter ('1,5 meur'), as the import drops it.
_CURRENCY_WORD = "(^|[^a-zà-ÿ]|[kmb])({})($|[^a-zà-ÿ])".format("|".join(
    re.escape(mark) for mark in sorted(CURRENCY_MARKS + CURRENCY_CODES, key=len, reverse=True)))
# A unit word after the figure ('1.5mio.', '50k', '10k+' of an open bucket) as the power of ten
# it multiplies by ('1.5e6'), so the cleaned cell is a plain number.
_UNIT_EXPONENTS = tuple(
    ("([0-9.])({})[.]?[+]?$".format("|".join(sorted(words, key=len, reverse=True))),
     f"\\1e{round(math.log10(unit))}") for unit, words in sorted(UNIT_WORDS.items()))
# A number as DuckDB and PostgreSQL cast text to one (and as both write one as text).
_PLAIN_NUMBER = "[-+]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][-+]?[0-9]+)?"
_WHOLE_NUMBER = "[-+]?[0-9]+"  # plain in a decimal-comma column too (no point to read)
# A whole number grouped by points ('1.234', '€ 1.234.567'): in a decimal-comma column, the
# points of such a cell (or of one with a comma) group thousands; any other point is a
# decimal point, as a column the database holds as numbers writes it ('1234.5').
_GROUPED_BY_POINTS = "[^0-9]*[0-9]{1,3}([.][0-9]{3})+[^0-9]*"
# In a decimal-point column, a comma with one or two digits after it can only be a decimal
# comma, as `workshop.leads._with_decimal_points` reads it: '€3,2 Mio', '1.234,5 Mio' (its point
# grouping thousands). Without look-around, the characters on either side are matched and put
# back; a range's second end ('2,5-3,5 Mio') is left to a second pass.
_COMMA_FIGURE = r"(^|[^0-9.,])([0-9]+),([0-9]{1,2})($|[^0-9.,])"
_DECIMAL_COMMAS = ((r"(^|[^0-9.,])([0-9]{1,3})[.]([0-9]{3}),([0-9]{1,2})($|[^0-9.,])",
                    r"\1\2\3.\4\5"),
                   (_COMMA_FIGURE, r"\1\2.\3\4"), (_COMMA_FIGURE, r"\1\2.\3\4"))
# Any space and what else the import drops from a number's text, as one bracket expression.
_NOT_NUMBER = "[\\s{}]".format("".join("\\" + ch if ch in "\\]^-[" else ch
                                       for ch in NOT_NUMBER_CHARACTERS))

# How the import reads a date's text (`workshop.column_types.parse_dates`), lowered, in regular
# expressions DuckDB (RE2) and PostgreSQL read alike. Each shape is rewritten to one form,
# 'year-month-day hour:minute:second a/p' (parts not written left empty), which is then checked
# whole: a day the month has (29 February in leap years), a time of day, a year the import keeps.
# A zone after the time is left out, as the import leaves it out.
_DATE_ZONE = (r"(?:\s?(?:z|(?:utc|gmt)?[-+]\d{2}(?::?\d{2})?|utc|gmt)"
              r"(?:\s?\([^()]*\))?)?")
_DATE_TIME = (r"(\d{1,2})[:h](\d{2})(?::(\d{2}))?(?:[.,]\d+)?(?:\s?([ap])\.?m\.?)?"
              + _DATE_ZONE)
# 31/10/2024, 31.10.2024, 10-31-24, each perhaps with a time ('31/10/2024, 14:05 UTC').
_NUMERIC_DATE = rf"^(\d{{1,2}})[./-](\d{{1,2}})[./-](\d{{4}}|\d{{2}})(?:(?:,?\s+|t){_DATE_TIME})?$"
_DAY_FIRST_DATE, _MONTH_FIRST_DATE = r"\3-\2-\1 \4:\5:\6 \7", r"\3-\1-\2 \4:\5:\6 \7"
# 2024-10-31, 2024/10/31, perhaps with a time ('2024-10-31T14:05:00.123+01:00'), as a
# database writes a DATE or TIMESTAMP as text too.
_YEAR_FIRST_DATE = rf"^(\d{{4}})[-/.](\d{{1,2}})[-/.](\d{{1,2}})(?:[t\s]{_DATE_TIME})?$"
# Two-digit years as strptime's %y reads them: 00-68 in this century, 69-99 in the last.
_CENTURIES = ((r"^([0-5]\d|6[0-8])-", r"20\1-"), (r"^(69|[7-9]\d)-", r"19\1-"))
# What systems write for a date never set (`workshop.leads` reads it missing): 1900-01-01 at
# midnight, and the Unix epoch at any time the zones of the world give it, from 10:00 on
# 31 December 1969 to 14:00 on 1 January 1970 (the time as 'hour:minute:second a/p').
_ANY_MINUTE = r":\d{2}:(?:\d{2})?"
_UNSET_DATE = (r"^(?:(?:1970|1900)-0?1-0?1 (?:(?:0?0)?:(?:00)?:(?:00)? |12:00:(?:00)? a)"
               rf"|1970-0?1-0?1 (?:(?:0?\d|1[0-3]){_ANY_MINUTE} |14:00:(?:00)? "
               rf"|(?:0?\d|1[0-2]){_ANY_MINUTE} a|(?:12|0?1){_ANY_MINUTE} p|0?2:00:(?:00)? p)"
               rf"|1969-12-31 (?:(?:1\d|2[0-3]){_ANY_MINUTE} |1[01]{_ANY_MINUTE} a"
               rf"|(?:0?[1-9]|1[0-2]){_ANY_MINUTE} p))$")
_LEAP_YEAR = r"(?:(?:19|[2-9]\d)(?:0[48]|[2468][048]|[13579][26])|(?:[2468][048]|[3579][26])00)"
_DAY_OF_YEAR = (r"(?:(?:0?[1-9]|1[0-2])-(?:0?[1-9]|1\d|2[0-8])|(?:0?[13-9]|1[0-2])-(?:29|30)"
                r"|(?:0?[13578]|1[02])-31)")
# The years the import keeps: from 1900 to before 9999 (the "never" of 9999-12-31).
_KEPT_YEAR = r"(?:19\d\d|[2-8]\d{3}|9[0-8]\d\d|99[0-8]\d|999[0-8])"
_TIME_OF_DAY = (r"(?:::|(?:[01]?\d|2[0-3]):[0-5]\d:(?:[0-5]\d)?) "
                r"|(?:0?[1-9]|1[0-2]):[0-5]\d:(?:[0-5]\d)? [ap]")
_REAL_DATE = (rf"^({_KEPT_YEAR}-{_DAY_OF_YEAR}|{_LEAP_YEAR}-0?2-29) (?:{_TIME_OF_DAY})$")
# A real date, alone once its time is dropped (no text the rewrites leave has this shape).
_READ_DATE = "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
# Dates written as numbers (`column_types.NUMBERED_DATES`): the day they count from and how
# many of the number make a day.
_NUMBERED_DATES = {SPREADSHEET_DAYS: ("1899-12-30", 1), UNIX_SECONDS: ("1970-01-01", 86_400),
                   UNIX_MILLISECONDS: ("1970-01-01", 86_400_000)}


def quote_identifier(name: str) -> str:
    if "\x00" in name:
        raise ValueError("A column name cannot contain a NUL character.")
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    if "\x00" in value:
        raise ValueError("A value cannot contain a NUL character.")
    return "'" + value.replace("'", "''") + "'"


def _placeholders() -> str:
    return ", ".join(quote_literal(word) for word in sorted(PLACEHOLDER_FOLDS))


def _replacing(text: str, characters: str, by: str) -> str:
    """`text` with each of `characters` replaced by `by` (plain replace(): cheap on every
    engine, unlike regular expressions or translate())."""
    for character in characters:
        text = f"replace({text}, {quote_literal(character)}, {quote_literal(by)})"
    return text


def _cleaned_number_text(column: str, decimal: str, both_ways: bool = False) -> str:
    """A cell's text as the import cleans it before reading the number: lowered, its decimal
    mark a point, without currency words and signs, spaces, thousands separators and '%'.
    `both_ways`: the column is written with both decimal marks, and a cell's marks that can
    only group thousands are dropped first (`workshop.leads.grouping_alone`)."""
    text = f"lower(trim(CAST({column} AS VARCHAR)))"
    if both_ways:
        says_no_unit = f"regexp_replace({text}, {quote_literal(_OWN_UNIT)}, '') = {text}"
        text = ("(CASE " + "".join(
            f"WHEN {text} SIMILAR TO {quote_literal(_GROUPING_ALONE.format(mark))} "
            f"AND {says_no_unit} THEN replace({text}, '{mark}', '') " for mark in ".,")
            + f"ELSE {text} END)")
    if decimal == ",":
        text = (f"(CASE WHEN strpos({text}, ',') > 0 OR {text} SIMILAR TO "
                f"{quote_literal(_GROUPED_BY_POINTS)} "
                f"THEN replace(replace({text}, '.', ''), ',', '.') ELSE {text} END)")
    else:  # a comma with one or two digits after it is a decimal comma ('€3,2 Mio')
        for pattern, by in _DECIMAL_COMMAS:
            text = f"regexp_replace({text}, {quote_literal(pattern)}, {quote_literal(by)}, 'g')"
    text = f"regexp_replace({text}, {quote_literal(_CURRENCY_WORD)}, '\\1\\3', 'g')"
    return _replacing(f"regexp_replace({text}, {quote_literal(_NOT_NUMBER)}, '', 'g')", "–—",
                      "-")


def _number_text(column: str, decimal: str, both_ways: bool = False) -> str:
    """`_cleaned_number_text` with a unit word written as its power of ten."""
    text = _cleaned_number_text(column, decimal, both_ways)
    for pattern, exponent in _UNIT_EXPONENTS:
        text = f"regexp_replace({text}, {quote_literal(pattern)}, {quote_literal(exponent)})"
    return f"regexp_replace({text}, '([0-9.])[+]$', '\\1')"


def _spaceless(words: Iterable[str]) -> str:
    """Words as an alternation matching them in a cleaned cell (its spaces and apostrophes
    gone), longest first."""
    return "|".join(re.escape(re.sub(r"[\s'’]", "", word))
                    for word in sorted(words, key=len, reverse=True))


# A bucket's words in a cleaned cell ('over5000', 'under1m', '11-50employees', '10mto50m'), as
# `workshop.leads._parse_number_text` reads them: a noun after the figure, a bound word before
# it, a range word between two figures, and each end's unit word.
_NOUN_AFTER = f"({_spaceless(COUNT_NOUNS)})$"
_OR_MORE_AFTER = f"({_spaceless(OR_MORE_WORDS)})$"
_BELOW_BEFORE = f"^({_spaceless(BELOW_WORDS)})([0-9.])"
_BOUND_BEFORE = f"^({_spaceless(BOUND_WORDS)})([0-9.])"
_RANGE_BETWEEN = f"([0-9.a-z])({_spaceless(RANGE_WORDS)})([0-9.])"
_END_UNITS = tuple(
    ("([0-9.])({})[.]?(-|[+]|$)".format("|".join(sorted(words, key=len, reverse=True))),
     f"\\1e{round(math.log10(unit))}\\3") for unit, words in sorted(UNIT_WORDS.items()))
_FIGURE = "([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][0-9]+)?"
# `workshop.column_types.OWN_UNIT` without its lookahead, which neither database has: the
# letter after the word is matched instead.
# `workshop.leads._GROUPING_ALONE`, a mark put in.
_GROUPING_ALONE = "[^0-9.,]*[0-9]{{1,3}}([{}][0-9]{{3}})+[^0-9.,]*"
_OWN_UNIT = "[0-9]\\s?({})[.]?({})?[.]?([^a-z]|$)".format(
    "|".join(sorted({w for words in UNIT_WORDS.values() for w in words}, key=len, reverse=True)),
    "|".join(CURRENCY_WORDS))


def _bucket_reading(column: str, decimal: str) -> str:
    """A cell that is a range or a one-sided bucket read as the import reads it: '11-50' and
    '$1M-$5M' as their middle ('$1-10M': the low end in the high end's unit, unless that
    passes the high end, as '251-1K' would), '10,001+' and 'Over 5,000' as their bound,
    'Under $1M' as the middle of 0 and its bound; NULL for anything else."""
    text = _replaced(_replaced(_cleaned_number_text(column, decimal), _OR_MORE_AFTER, ""),
                     _NOUN_AFTER, "")
    marked = f"regexp_replace({text}, {quote_literal(_BELOW_BEFORE)}, '#\\2')"
    text = f"regexp_replace({marked}, '^#', '')"
    text = f"regexp_replace({text}, {quote_literal(_BOUND_BEFORE)}, '\\2')"
    text = f"regexp_replace({text}, {quote_literal(_RANGE_BETWEEN)}, '\\1-\\3')"
    for pattern, exponent in _END_UNITS:
        text = f"regexp_replace({text}, {quote_literal(pattern)}, {quote_literal(exponent)}, 'g')"
    text = f"regexp_replace({text}, '[+]$', '')"
    low, high = f"split_part({text}, '-', 1)", f"split_part({text}, '-', 2)"
    high_unit = (f"(CASE WHEN strpos({high}, 'e') > 0 THEN power(10, CAST(split_part({high}, "
                 f"'e', 2) AS INTEGER)) ELSE 1 END)")
    shared = f"(CAST({low} AS DOUBLE PRECISION) * {high_unit})"
    high_value = f"CAST({high} AS DOUBLE PRECISION)"
    low_value = (f"(CASE WHEN strpos({low}, 'e') > 0 OR {shared} > {high_value} "
                 f"THEN CAST({low} AS DOUBLE PRECISION) ELSE {shared} END)")
    single = f"CAST({text} AS DOUBLE PRECISION)"
    # Written out where used, not worked out once in a subquery: a correlated subquery per
    # cell is joined back by DuckDB, which need not keep the rows in their order.
    return (f"(CASE WHEN {text} SIMILAR TO {quote_literal(_FIGURE)} "
            f"THEN (CASE WHEN strpos({marked}, '#') = 1 THEN {single} / 2 ELSE {single} END) "
            f"WHEN {text} SIMILAR TO {quote_literal(_FIGURE + '-' + _FIGURE)} "
            f"THEN ({low_value} + {high_value}) / 2 END)")


def _replaced(text: str, pattern: str, replacement: str) -> str:
    return f"regexp_replace({text}, {quote_literal(pattern)}, {quote_literal(replacement)})"


def number_reading(column: str, decimal: str = ".", unit: float = 1.0,
                   buckets: bool = False, both_ways: bool = False) -> str:
    """A cell read as a number as the import reads it: '480,000', '£45,000.00', '1.234,56 €'
    (in a decimal-comma column), "1'234.50", '$1.2M', '12%', times the column's `unit`
    ('Umsatz (Tsd. €)' in thousands); NULL, never an error, where it is no number ('n/a').
    A column the database holds as numbers reads the same. With `buckets` (the import found
    ranges or open buckets in the column: `Reading.buckets`), '11-50', '10,001+' and 'Under
    $1M' read as the import reads them too (`_bucket_reading`)."""
    text = _number_text(column, decimal, both_ways)
    raw = f"trim(CAST({column} AS VARCHAR))"
    # A column held as numbers is cast as it is, and so is a cell that is a plain number
    # already: the cleaning's regular expressions cost a million cells a second or more.
    plain = _PLAIN_NUMBER if decimal == "." else _WHOLE_NUMBER
    scale = ""
    if unit != 1.0:  # except a cell that writes its own unit ("2.8M" under "Revenue ($M)")
        lowered = f"lower(CAST({column} AS VARCHAR))"
        scale = (f" * (CASE WHEN regexp_replace({lowered}, {quote_literal(_OWN_UNIT)}, '') "
                 f"<> {lowered} THEN 1 ELSE {number_literal(unit)} END)")
    return (f"(CASE WHEN {_held_as_numbers(column)} "
            f"THEN CAST({column} AS DOUBLE PRECISION){scale} "
            + ("" if both_ways else  # '750.000' is no plain 750 in such a column
               f"WHEN {raw} SIMILAR TO {quote_literal(plain)} "
               f"THEN CAST({raw} AS DOUBLE PRECISION){scale} ")
            + f"WHEN {text} SIMILAR TO {quote_literal(_PLAIN_NUMBER)} "
            f"THEN CAST({text} AS DOUBLE PRECISION){scale} "
            + (f"ELSE {_bucket_reading(column, decimal)}{scale} " if buckets else "")
            + "END)")


# The number types of DuckDB and PostgreSQL as pg_typeof() names them (both have it; DuckDB
# works it out once per query, not per row), besides decimal(p,s) and numeric(p,s).
_NUMBER_TYPES = ("double", "double precision", "real", "float", "bigint", "integer",
                 "smallint", "tinyint", "hugeint", "ubigint", "uinteger", "usmallint",
                 "utinyint", "uhugeint")


def _held_as_numbers(column: str) -> str:
    """Whether the database holds the column as numbers (so its cells need no reading)."""
    name = f"lower(CAST(pg_typeof({column}) AS VARCHAR))"
    listed = ", ".join(quote_literal(t) for t in _NUMBER_TYPES)
    return (f"({name} IN ({listed}) OR strpos({name}, 'decimal') = 1 "
            f"OR strpos({name}, 'numeric') = 1)")


def date_reading(column: str, order: str = "") -> str:
    """A cell read as a date as the import reads it, in the column's `order` (day-first,
    month-first; ISO dates are year-first whatever the order): '31/10/2024 14:05',
    '10/31/2024 2:05 PM', '31.10.2024', '2024-10-31T14:05:00Z', a spreadsheet's day number;
    NULL, never an error, where it is no date the import reads ('n/a', 31/02/2024, 1970-01-01
    at midnight). A column the database holds as dates or timestamps reads the same."""
    if order in _NUMBERED_DATES:
        return _numbered_date(column, *_NUMBERED_DATES[order])
    text = f"lower(trim(CAST({column} AS VARCHAR)))"
    arranged = _DAY_FIRST_DATE if order == DAY_FIRST else _MONTH_FIRST_DATE
    for pattern, replacement in ((_NUMERIC_DATE, arranged),
                                 (_YEAR_FIRST_DATE, r"\1-\2-\3 \4:\5:\6 \7"), *_CENTURIES,
                                 (_UNSET_DATE, ""), (_REAL_DATE, r"\1")):
        text = f"regexp_replace({text}, {quote_literal(pattern)}, {quote_literal(replacement)})"
    return (f"(CASE WHEN {text} SIMILAR TO {quote_literal(_READ_DATE)} "
            f"THEN CAST({text} AS DATE) END)")


def _numbered_date(column: str, origin: str, per_day: int) -> str:
    """A date written as a number of days (or seconds) since `origin`, within the years the
    import keeps (a later export's stray number is no date, not an overflow)."""
    days = f"floor({number_reading(column)} / {per_day})"
    start = date.fromisoformat(origin)
    low, high = (date(1900, 1, 1) - start).days, (date(9999, 1, 1) - start).days
    return (f"(CASE WHEN {days} >= {low} AND {days} < {high} "
            f"THEN DATE {quote_literal(origin)} + CAST({days} AS INTEGER) END)")


def _lowered(column: str, literals: Iterable[str], within: bool = False) -> str:
    """The cell lowered as `str.casefold()` folds it, for comparing with `literals` (folded by
    evaluate). A character casefold() spells otherwise is respelled only where some literal
    could meet it: holding its spelling (equal to the whole cell), or `within` (searched in the
    cell) a character of it; so most rules cost no extra pass."""
    literals = list(literals)
    cell = f"CAST({column} AS VARCHAR)"
    if any("i" in literal for literal in literals):  # before lower(), whatever its locale
        cell = f"replace({cell}, {quote_literal(DOTTED_CAPITAL_I)}, 'i')"
    text = f"lower({cell})"
    for character, spelled in BEYOND_LOWER:
        if any((set(spelled) & set(literal)) if within else spelled in literal
               for literal in literals):
            text = f"replace({text}, {quote_literal(character)}, {quote_literal(spelled)})"
    return text


def written_folds(values: list[str], field: str) -> set[str]:
    """The folded cells a rule naming `values` on `field` matches in the CRM's own table:
    `named_folds`, and on a catalog category every other spelling the import reads as the
    option named ('Deutschland', 'DE', 'États-Unis'). The SQL runs on the table the export
    came from, whose cells the import never rewrote."""
    folds = named_folds(values, field)
    lead_field = catalog.FIELDS.get(field)
    if not values or lead_field is None or lead_field.kind != Kind.CATEGORY:
        return folds
    import pandas as pd

    read = canonical_category(pd.Series(values, dtype="str"), lead_field.options).dropna()
    names = [name for option in set(read) for name in written_names(option, lead_field.options)]
    # with and without accents, as the import reads both ('Etats-Unis' too)
    return folds | {fold_value(spelled) for name in names
                    for spelled in (name, _without_accents(name))}


def _without_accents(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(ch))


# --- fields the app works out from another column ----------------------------------------------
# A field the import derives when the export has no column of its own (`workshop.leads.DERIVED`)
# -> the field it is worked out from. The SQL works it out from the same column by the same
# rules, so a definition naming it runs on the CRM's table as it runs in the app.
# An existing customer is worked out from the lifecycle stage, and from the deal stage where
# the leads' outcome was read from it (`derived_for` names that outcome "outcome").
DERIVED_FROM = {"job_function": "job_title", "seniority": "job_title",
                "personal_email": "email", "created_month": "created",
                "is_customer": "lifecycle_stage", "outcome": "deal_stage"}
# How `workshop.leads` classifies a title (`_job_functions`, `_seniorities`): the first rule
# matching wins; a title no rule matches is the default if it has a Latin letter, else unknown.
_TITLE_RULES = {
    "job_function": ([(STUDENT_ONLY, "Other"), *((p, v) for v, p in FUNCTION_RULES)], "Other"),
    "seniority": ([(p, v) for v, p in SENIORITY_RULES], "Individual contributor"),
}
# What the app's regular expressions (Arrow's RE2) count as a word's characters, for \b and \s.
_WORD_CHARACTERS = "0-9A-Za-z_"
_RE2_SPACE = "[\t\n\f\r ]"
# What the import trims off a cell (Arrow's utf8_trim_whitespace), written out: neither engine
# reads the other's escapes for characters beyond ASCII.
_TRIMMED = ("[\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f"
            "\u205f\u3000]")
_META = set("\\^$.|?*+()[]{}")


class Unportable(ValueError):
    """A rule of the app that DuckDB and PostgreSQL cannot both read as the app reads it."""


def _folded_character(character: str) -> str:
    return unicodedata.normalize("NFC", character).casefold()


def _latin(character: str) -> bool:
    return bool(re.fullmatch(_LATIN_LETTER, character))


@lru_cache(maxsize=1)
def _case_forms() -> tuple[dict[str, str], dict[str, str]]:
    """How the app folds a title (NFC, then `str.casefold`), for the characters lower() does not
    fold alike on every engine (a C-locale PostgreSQL lowers only A to Z): each character that
    folds to another single character -> the folded one, and those folding to several
    characters, to ASCII, or in or out of the Latin letters -> their folding ('ß' -> 'ss',
    'ﬁ' -> 'fi'), which the SQL spells out before lowering."""
    single, respelled = {}, {}
    for point in range(0x80, 0x110000):
        if 0xD800 <= point < 0xE000:
            continue
        character = chr(point)
        folded = _folded_character(character)
        if folded == character:
            continue
        if len(folded) > 1 or folded.isascii() or _latin(folded) != _latin(character):
            respelled[character] = folded
        else:
            single[character] = folded
    return single, respelled


def _literal(character: str, ascii_case: bool) -> str:
    """One character of a pattern as it matches text the app folded, in the text the SQL
    holds: any case of it (a letter beyond ASCII, which lower() may leave), or its decomposed
    form ('a' and a combining diaeresis, as macOS writes 'ä', which the app composes)."""
    if character.isascii():
        if ascii_case and character.isalpha():
            return f"[{character.lower()}{character.upper()}]"
        return "\\" + character if character in _META else character
    single, _ = _case_forms()
    forms = sorted({character, *(c for c, folded in single.items() if folded == character)})
    written = forms[0] if len(forms) == 1 else "[" + "".join(forms) + "]"
    decomposed = unicodedata.normalize("NFD", character)
    if decomposed == character:
        return written
    return f"(?:{written}|{''.join(_literal(c, ascii_case) for c in decomposed)})"


def portable_pattern(pattern: str, ascii_case: bool = False, as_written: bool = False) -> str:
    """One of the app's regular expressions (read by Arrow's RE2, on text the app folded) as
    DuckDB (RE2) and PostgreSQL (its ARE, where \\b is a backspace) both read it on text the
    SQL lowered, or `ascii_case`: with A to Z matching either case, as Arrow's ascii_lower;
    `as_written`: on text the SQL folded as the app does (`_case_folded`), so characters beyond
    ASCII match as they are written. Raises `Unportable` for what it cannot write so (a
    look-around, a class like \\w)."""
    out, position = [], 0
    while position < len(pattern):
        character = pattern[position]
        if character == "\\":
            escaped = pattern[position + 1]
            if escaped == "b":
                out.append(_boundary(pattern, position))
            elif escaped == "s":
                out.append(_RE2_SPACE)
            elif escaped.isascii() and not escaped.isalnum():
                out.append("\\" + escaped)
            else:
                raise Unportable(f"it uses \\{escaped}")
            position += 2
            continue
        if character == "[":
            end = pattern.find("]", position + 2)
            body = pattern[position + 1:end]
            # a range may run beyond ASCII; a single character there would need its cases
            if end < 0 or "\\" in body or "[" in body \
                    or not (as_written or re.sub(".-.", "", body).isascii()):
                raise Unportable(f"it uses the class [{body}]")
            out.append("[" + (body.replace("a-z", "a-zA-Z") if ascii_case else body) + "]")
            position = end + 1
            continue
        if pattern.startswith("(?", position) and not pattern.startswith("(?:", position):
            raise Unportable("it uses a look-around")
        if character == ".":
            raise Unportable("it uses '.'")  # RE2's stops at a line break, ARE's does not
        if character in "()|?*+^${},:" or (as_written and not character.isascii()):
            out.append(character)
        else:
            out.append(_literal(character, ascii_case))
        position += 1
    return "".join(out)


def _boundary(pattern: str, position: int) -> str:
    """RE2's \\b (between an ASCII word character and anything else) where it starts or ends a
    word in `pattern`, as a character (or the text's edge) that is no word character."""
    before = pattern[position - 1] if position else ""
    after = pattern[position + 2] if position + 2 < len(pattern) else ""
    # a word character, or a group or class of them ("\b(?:product|process) owner")
    if re.fullmatch(r"[0-9a-z_(]", after) and before in ("", "|", "(", ":"):
        return f"(?:^|[^{_WORD_CHARACTERS}])"
    if re.fullmatch(r"[0-9a-z_)?\]]", before) and after in ("", "|", ")"):
        return f"(?:$|[^{_WORD_CHARACTERS}])"
    raise Unportable("it uses \\b inside a word")


def _found(text: str, pattern: str) -> str:
    """TRUE where `pattern` (a portable one, never matching empty text) occurs in `text`:
    regexp_replace() is the one regular-expression function both engines have."""
    return f"regexp_replace({text}, {quote_literal(pattern)}, '') <> {text}"


@lru_cache(maxsize=1)
def _title_respellings() -> tuple[tuple[str, str], ...]:
    """The respellings of `_case_forms` that can change how a title classifies: into ASCII,
    into a character some rule names, or in or out of the Latin letters."""
    named = {c for rules, _ in _TITLE_RULES.values() for pattern, _ in rules for c in pattern}
    _, respelled = _case_forms()
    return tuple((character, folded) for character, folded in sorted(respelled.items())
                 if _latin(character) != _latin(folded)
                 or any(c.isascii() or _latin(c) or c in named for c in folded))


def _trimmed(column: str) -> str:
    edges = quote_literal(f"^{_TRIMMED}+|{_TRIMMED}+$")
    return f"regexp_replace(CAST({column} AS VARCHAR), {edges}, '', 'g')"


def _placeholder_pattern() -> str:
    """A whole cell that is a placeholder word as the import blanks it (A to Z in any case)."""
    words = sorted(word for word in PLACEHOLDERS if word)
    return "^(?:" + "|".join("".join(_literal(c, True) if c.isascii() else c for c in word)
                             for word in words) + ")$"


def title_class(column: str, field: str) -> str:
    """A title cell's job function or seniority as `workshop.leads` works it out: the first of
    its keyword rules that matches; unknown for a missing or placeholder title, and for one
    no rule matches that has no Latin letter (a Japanese title naming no rank the rules know)."""
    rules, default = _TITLE_RULES[field]
    trimmed = _trimmed(column)
    text = trimmed
    for character, folded in _title_respellings():
        text = f"replace({text}, {quote_literal(character)}, {quote_literal(folded)})"
    text = f"replace(lower({text}), '_', ' ')"  # "vp_sales" is "vp sales", as in the app
    whens = " ".join(f"WHEN {_found(text, portable_pattern(p))} THEN {quote_literal(value)}"
                     for p, value in rules)
    placeholder = f"regexp_replace({trimmed}, {quote_literal(_placeholder_pattern())}, '') = ''"
    return (f"(CASE WHEN {column} IS NULL OR {placeholder} THEN NULL {whens} "
            f"WHEN {_found(text, portable_pattern(_LATIN_LETTER))} THEN {quote_literal(default)} "
            f"END)")


def free_mail(column: str) -> str:
    """TRUE where the cell is an address at a free-mail provider, as `workshop.leads`
    `personal_email` reads it (its own pattern, trailing spaces trimmed as the import trims
    them); FALSE for any other cell, a missing one too."""
    tail = r"\s*>?\s*$"
    if not _FREE_MAIL_PATTERN.endswith(tail):
        raise Unportable("its pattern ends unlike the one the SQL was written for")
    pattern = (portable_pattern(_FREE_MAIL_PATTERN[:-len(tail)], ascii_case=True)
               + f"(?:{_RE2_SPACE}*>)?{_TRIMMED}*$")
    text = f"CAST({column} AS VARCHAR)"
    return f"COALESCE({_found(text, pattern)}, FALSE)"


# --- existing customers ------------------------------------------------------------------------
# `workshop.leads` `normalise`: a lead is an existing customer when its lifecycle stage reads as
# this stage and its own deal was not won (its outcome read from the deal stage's words, or
# none); the SQL reads both from the export's own columns.
CUSTOMER_STAGE = "customer"
_FOLDED_CHARACTERS = "0123456789abcdefghijklmnopqrstuvwxyz"


@lru_cache(maxsize=1)
def _category_spellings() -> dict[str, str]:
    """Each character `workshop.categories.fold` spells otherwise -> its spelling there, the
    letters and digits it leaves ('É' -> 'e', 'ﬆ' -> 'st', '&' -> 'and'); a character it drops
    (a space, a mark, a letter of another script) is not listed."""
    found = {}
    for point in range(0x110000):
        if 0xD800 <= point < 0xE000:
            continue
        character = chr(point)
        spelled = category_fold(character)
        if spelled and spelled != character:
            found[character] = spelled
    return found


def folds_to(column: str, folds: Iterable[str]) -> str:
    """TRUE where the cell, folded as a category value meets an option (`categories.fold`:
    case, accents, spaces and punctuation ignored), is one of `folds`; FALSE otherwise. A cell
    of printable ASCII is folded in two cheap passes; any other by the fold of every character
    beyond ASCII, in one translate() (a character spelled as several letters that no fold holds
    is written as a letter no fold holds: the cell can then be none of them)."""
    folds = sorted(set(folds))
    listed = ", ".join(quote_literal(f) for f in folds)
    spare = next(c for c in _FOLDED_CHARACTERS if not any(c in f for f in folds))
    text = f"CAST({column} AS VARCHAR)"
    upper = "".join(c for c in _FOLDED_CHARACTERS if c.isalpha()).upper()
    plain = (f"replace(translate({text}, {quote_literal(upper)}, {quote_literal(upper.lower())}),"
             f" '&', {quote_literal(category_fold('&'))})")
    wide, source, target = text, [], []
    for character, spelled in sorted(_category_spellings().items()):
        if len(spelled) > 1 and any(spelled in f for f in folds):
            wide = f"replace({wide}, {quote_literal(character)}, {quote_literal(spelled)})"
        else:
            source.append(character)
            target.append(spelled if len(spelled) == 1 else spare)
    wide = f"translate({wide}, {quote_literal(''.join(source))}, {quote_literal(''.join(target))})"

    def folded(cell: str) -> str:
        return f"regexp_replace({cell}, '[^0-9a-z]', '', 'g') IN ({listed})"

    return (f"COALESCE(CASE WHEN NOT {_found(text, '[^ -~]')} THEN {folded(plain)} "
            f"ELSE {folded(wide)} END, FALSE)")


def _named_characters(pattern: str) -> set[str]:
    """The characters beyond ASCII a pattern names, one by one or in a range ('à-ÿ')."""
    named = {c for c in pattern if not c.isascii()}
    for low, high in re.findall(r"(.)-(.)", pattern):
        if not (low.isascii() and high.isascii()):
            named |= {chr(p) for p in range(ord(low), ord(high) + 1)}
    return named


def _case_folded(text: str, named: set[str]) -> str:
    """`text` as `str.casefold` spells it, as far as patterns naming ASCII and `named` can
    tell: the characters folding into or out of those respelled, A to Z translated (not
    lower(), which a PostgreSQL locale may read otherwise)."""
    single, respelled = _case_forms()
    for character, folded in sorted(respelled.items()):
        if character in named or any(c.isascii() or c in named for c in folded):
            text = f"replace({text}, {quote_literal(character)}, {quote_literal(folded)})"
    pairs = [(c, c.lower()) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]
    pairs += [(c, folded) for c, folded in sorted(single.items())
              if c in named or folded in named]
    source, target = "".join(c for c, _ in pairs), "".join(f for _, f in pairs)
    return f"translate({text}, {quote_literal(source)}, {quote_literal(target)})"


def stage_won(column: str) -> str:
    """TRUE where the deal stage reads as won, as `workshop.leads` `outcome` reads it (its won
    and not-won words on the trimmed, case-folded stage); FALSE otherwise, a missing stage too."""
    if any(re.search(WON_STAGE, word) for word in PLACEHOLDERS):
        raise Unportable("it blanks a placeholder word that reads as won")
    named = _named_characters(WON_STAGE + NOT_WON_STAGE)
    text = _case_folded(_trimmed(column), named)
    won = _found(text, portable_pattern(WON_STAGE, as_written=True))
    not_won = _found(text, portable_pattern(NOT_WON_STAGE, as_written=True))
    return f"COALESCE({won} AND NOT {not_won}, FALSE)"


def existing_customer(lifecycle_stage: str, deal_stage: str | None) -> str:
    """TRUE where the lead is an existing customer as `workshop.leads` `normalise` works it
    out: a customer's lifecycle stage, and (`deal_stage`, where the leads' outcome was read
    from it) its own deal not won: a lead won through its own deal was no customer before."""
    options = catalog.FIELDS["lifecycle_stage"].options
    folds = {f for f, option in category_names(options).items()
             if option.casefold() == CUSTOMER_STAGE}
    customer = folds_to(lifecycle_stage, folds)
    if deal_stage is None:
        return customer
    return f"({customer} AND NOT {stage_won(deal_stage)})"


def types_of(frame) -> dict[str, str]:
    """Column kinds of a pandas DataFrame, for writing SQL that reads it the same way."""
    import pandas as pd

    kinds = {}
    for name, dtype in frame.dtypes.items():
        if pd.api.types.is_bool_dtype(dtype):
            kinds[str(name)] = BOOLEAN
        elif pd.api.types.is_datetime64_any_dtype(dtype):
            kinds[str(name)] = DATE
        elif pd.api.types.is_numeric_dtype(dtype):
            kinds[str(name)] = NUMBER
        else:
            kinds[str(name)] = TEXT
    return kinds


def used_fields(definition: Definition) -> list[str]:
    return list(dict.fromkeys([c.field for c in definition.criteria]
                              + [a.field for a in definition.actions]))


def types_for(leads, definition: Definition) -> dict[str, str]:
    """Each field the definition names -> the kind of the leads column it reads, so the SQL reads
    the table as the app read it (a column outside the catalog is otherwise text). A yes/no
    column is read through its text ('true', 'Ja'), which takes real booleans too: the CRM's
    table may still hold the words the import read."""
    kinds = types_of(leads)
    found = {}
    for field in used_fields(definition):
        column = resolve(leads, field)
        if column is not None:
            kind = kinds[str(column)]
            found[field] = TEXT if kind == BOOLEAN else kind
    return found


def derived_for(leads, definition: Definition, mapping=None) -> dict[str, str]:
    """Each field the definition names that the app worked out itself, not read from a column
    of the export the leads came from -> the leads column it worked out (a key of
    `DERIVED_FROM`), for the SQL to work it out from the export's own column the same way;
    and "outcome" where an existing customer's own won deal is read from the deal stage.
    `mapping` (`workshop.mapping.Mapping`), the one the leads were read with, says where
    their outcome came from. Raises ValueError, in one sentence, for such a field the SQL
    cannot work out so (existing customers whose outcome came from a chosen outcome column)."""
    headers = header_columns(leads)
    if not headers:  # leads without an export behind them: the table holds their columns
        return {}
    read = set(headers.values())
    found = {}
    for field in used_fields(definition):
        column = resolve(leads, field)
        if column is None or column in read:
            continue
        lead_field = catalog.FIELDS.get(str(column))
        name = lead_field.label if lead_field else str(column)
        if DERIVED_FROM.get(str(column)) not in read:
            raise ValueError(f"The SQL cannot run the rule on “{name}”: the app works "
                             "it out itself, and the SQL can work out only the job function, "
                             "seniority, personal e-mail, created month and existing customers "
                             "from the export's own columns.")
        outcome = _customer_outcome(leads, mapping, name) if column == "is_customer" else {}
        try:
            SqlWriter(derived={field: str(column), **outcome}).column(field)
        except Unportable as reason:
            raise ValueError(f"The SQL cannot run the rule on “{name}”: the app's "
                             f"rule working it out {reason}, which DuckDB and PostgreSQL read "
                             "differently.") from None
        found[field] = str(column)
        found.update(outcome)
    return found


def _customer_outcome(leads, mapping, name: str) -> dict[str, str]:
    """{"outcome": "outcome"} where the leads' outcome, which keeps a lead won through its own
    deal from counting as an existing customer, was read from the deal stage's own words
    (`workshop.leads.outcome`: no outcome column chosen); {} where the leads have no outcome.
    Raises ValueError, in one sentence, where it came from elsewhere or nobody says where."""
    headers = header_columns(leads)
    if "outcome" not in leads.columns:
        return {}
    refused = (f"The SQL cannot run the rule on “{name}”: the app works it out from the "
               "lifecycle stage and each lead's outcome, ")
    own = next((h for h, column in headers.items() if column == "outcome"), None)
    chosen = own if own is not None else getattr(mapping, "outcome_column", None)
    if chosen is not None and own is None and _read_as_stage_words(leads, chosen):
        return {"outcome": "outcome"}
    if chosen is not None:
        raise ValueError(refused + f"which it reads from “{chosen}”, and the SQL reads that "
                         "outcome only from the deal stage's own words.")
    mapped = {h: k for h, k in getattr(mapping, "columns", {}).items() if k}
    if mapping is None or mapping.without_outcome or "deal_stage" not in mapped.values() \
            or any(headers.get(h) != k for h, k in mapped.items()):
        raise ValueError(refused + "and the SQL is not told whether that outcome was read "
                         "from the deal stage's own words.")
    return {"outcome": "outcome"}


def _read_as_stage_words(leads, chosen: str) -> bool:
    """Whether the outcome column chosen is the deal stage, each of whose values in these
    leads reads as the stage's own words read it (the import chose HubSpot's "Deal Stage"
    with the won and lost values those words say): the SQL's reading then gives the same."""
    from workshop.leads import outcome as stage_words_outcome

    if header_columns(leads).get(chosen) != "deal_stage" or "deal_stage" not in leads.columns:
        return False

    def same() -> bool:  # a pass over every lead: once per table, not per step 4 rerun
        by_words = stage_words_outcome(leads["deal_stage"]).astype(object)
        return bool((by_words.fillna("") == leads["outcome"].astype(object).fillna("")).all())

    return per_table.derived(leads, ("outcome read as stage words", chosen), same)


def readings_for(leads, definition: Definition) -> dict[str, Reading]:
    """Each field the definition names -> how the import read its column (a number's decimal
    mark and unit), so the SQL reads the table's cells the same way."""
    readings = column_readings(leads)
    found = {}
    for field in used_fields(definition):
        column = resolve(leads, field)
        if column is not None and str(column) in readings:
            found[field] = readings[str(column)]
    return found


def table_columns(leads) -> list[str]:
    """The columns of the table the leads were read from: the export's own headers (as
    `workshop.evaluate.export_headers` names them to the SQL), else the leads' columns."""
    headers = header_columns(leads)
    return [str(h) for h in headers] if headers else [str(c) for c in leads.columns]


def column_kind(field: str, types: Mapping[str, str] | None) -> str:
    """How a column is stored: given explicitly, else from the catalog, else text."""
    if types and field in types:
        return types[field]
    lead_field = catalog.FIELDS.get(field)
    if lead_field is None:
        return TEXT
    if lead_field.kind in (Kind.NUMBER, Kind.COUNT):
        return NUMBER
    if lead_field.kind == Kind.DATE:
        return DATE
    return BOOLEAN if lead_field.kind == Kind.BOOLEAN else TEXT


class SqlWriter:
    """Builds expressions for one table layout: catalog key -> column name, column kinds, and
    how the import read a column (`readings_for`: a number's decimal mark and unit); `derived`
    (`derived_for`): fields the app worked out itself -> the column it worked them out as,
    which the SQL works out from that column's source (`DERIVED_FROM`) in turn."""

    def __init__(self, columns: Mapping[str, str] | None = None,
                 types: Mapping[str, str] | None = None, table: str = "leads",
                 readings: Mapping[str, Reading] | None = None,
                 derived: Mapping[str, str] | None = None):
        self.columns = dict(columns or {})
        self.types = dict(types or {})
        self.table = table  # for what is measured over the whole table (a column's latest)
        self.readings = dict(readings or {})
        self.derived = dict(derived or {})

    def column(self, field: str) -> str:
        """The column's name, or for a field the app works out, the expression working it out."""
        worked_out = self.derived.get(field)
        if worked_out is None:
            return quote_identifier(self.columns.get(field, field))
        source = DERIVED_FROM[worked_out]
        if worked_out == "personal_email":
            return free_mail(self.column(source))
        if worked_out == "created_month":
            return f"substr(CAST({self.date(source)} AS VARCHAR), 1, 7)"
        if worked_out == "is_customer":
            won_from = self.column(DERIVED_FROM["outcome"]) if "outcome" in self.derived else None
            return existing_customer(self.column(source), won_from)
        return title_class(self.column(source), worked_out)

    def typed(self, field: str) -> bool:
        """Whether the column's kind is known (given, or the catalog's), not guessed as text."""
        return field in self.types or field in catalog.FIELDS

    def condition(self, criterion: Criterion) -> str:
        """TRUE where the lead meets the criterion; never NULL. What each operator means is
        `workshop.operators`'."""
        side = _SqlColumn(self, criterion.field)
        return f"COALESCE({operator(criterion.op).sql(side, criterion)}, FALSE)"

    @staticmethod
    def folded(column: str, literals: Iterable[str]) -> str:
        """Text as values compare with `literals` (folded values): case folded, without
        spaces, '_' and '-', '&' as 'and'. '&' is left as it is unless some literal holds
        'and' (see `_ampersand`): one pass less over every row."""
        literals = set(literals)
        lowered = _lowered(column, literals)
        if _ampersand(literals):
            lowered = f"replace({lowered}, '&', 'and')"
        joined = _replacing(lowered, SEPARATORS, "")
        if not any(re.fullmatch(f"{GRADE}?", literal) for literal in literals):
            return joined  # no literal a grade could meet: "A-" left as "a" meets none
        return (f"(CASE WHEN {lowered} SIMILAR TO {quote_literal(f' *{GRADE} *')} "
                f"THEN trim({lowered}) ELSE {joined} END)")

    @staticmethod
    def folded_words(column: str, words: Iterable[str]) -> str:
        """Text as it is searched for `words` (folded): case folded, '_' and '-' as spaces."""
        return _replacing(_lowered(column, words, within=True), JOINERS, " ")

    @staticmethod
    def _text_number(column: str) -> str:
        """A text cell read as a number where it is one (NULL otherwise), in DuckDB and
        PostgreSQL alike."""
        text = f"trim(CAST({column} AS VARCHAR))"
        return (f"(CASE WHEN {text} SIMILAR TO '[-+]?([0-9]+([.][0-9]*)?|[.][0-9]+)"
                f"([eE][-+]?[0-9]+)?' THEN CAST({text} AS DOUBLE PRECISION) END)")

    def number(self, field: str) -> str:
        """A number column's cell as the import read it (see `number_reading`); a count's
        yes/no word is 1 or 0 (a demo requested 'Yes', `workshop.leads.parse_count`), and a
        count with neither is 0, as the import counts an action nobody recorded."""
        reading = self.readings.get(field, Reading("number"))
        column = self.column(field)
        number = number_reading(column, reading.decimal, reading.unit, reading.buckets,
                                reading.kind == "number"
                                and written_both_ways(reading.ambiguous, reading.evidence))
        if reading.kind != "count":
            return number
        return f"COALESCE({number}, CASE WHEN {self._yes_no(column)} THEN 1 ELSE 0 END)"

    @staticmethod
    def _yes_no(column: str) -> str:
        """TRUE for a yes word, FALSE for a no word (the import's lists), else NULL."""
        text = f"lower(trim(CAST({column} AS VARCHAR)))"
        yes = ", ".join(quote_literal(w) for w in TRUE_WORDS)
        no = ", ".join(quote_literal(w) for w in FALSE_WORDS)
        return f"(CASE WHEN {text} IN ({yes}) THEN TRUE WHEN {text} IN ({no}) THEN FALSE END)"

    def date(self, field: str) -> str:
        """A date column's cell as the import read it, in the order the import found for the
        column (see `date_reading`)."""
        reading = self.readings.get(field, Reading("date"))
        read = date_reading(self.column(field), reading.date_order)
        if not reading.kept_from:
            return read
        # created dates standing apart from the rest, which the import read as none
        return (f"(CASE WHEN {read} >= DATE {quote_literal(reading.kept_from)} AND {read} < "
                f"DATE {quote_literal(reading.kept_before)} THEN {read} END)")

    def truth(self, field: str) -> str:
        """A yes/no reading of a column: booleans as they are, numbers above zero, a date
        present, yes/no words (the import's lists)."""
        column = self.column(field)
        kind = column_kind(field, self.types)
        if kind == BOOLEAN:
            return f"CAST({column} AS BOOLEAN)"
        if kind == NUMBER:
            return f"({self.number(field)} > 0)"
        if kind == DATE:
            return f"({self.date(field)} IS NOT NULL)"
        text = f"lower(trim(CAST({column} AS VARCHAR)))"
        yes = ", ".join(quote_literal(w) for w in TRUE_WORDS)
        no = ", ".join(quote_literal(w) for w in FALSE_WORDS)
        number = self._text_number(column)
        # A column of unknown kind may be a date column: a date present is a yes.
        dated = "" if self.typed(field) else f"WHEN {text} SIMILAR TO '{_ISO_DATE}' THEN TRUE "
        return (f"(CASE WHEN {text} IN ({yes}) THEN TRUE WHEN {text} IN ({no}) THEN FALSE "
                f"WHEN {number} IS NOT NULL THEN {number} > 0 {dated}END)")

    def points(self, definition: Definition) -> str:
        terms = [f"CASE WHEN {self.condition(c)} THEN {c.points} ELSE 0 END"
                 for c in definition.nice_to_haves]
        terms += [f"CASE WHEN COALESCE({self.truth(a.field)}, FALSE) THEN {a.points} ELSE 0 END"
                  for a in definition.actions]
        return " + ".join(terms) if terms else "0"

    def all_of(self, criteria: list[Criterion]) -> str:
        return " AND ".join(f"({self.condition(c)})" for c in criteria) or "TRUE"

    def any_of(self, criteria: list[Criterion]) -> str:
        return " OR ".join(f"({self.condition(c)})" for c in criteria) or "FALSE"

    def is_mql(self, definition: Definition) -> str:
        return (f"(NOT ({self.any_of(definition.disqualifiers)}) "
                f"AND {self.all_of(definition.gate('mql'))} "
                f"AND ({self.points(definition)}) >= {definition.threshold})")

    def is_sql(self, definition: Definition) -> str:
        return f"({self.is_mql(definition)} AND {self.all_of(definition.gate('sql'))})"

    def stage(self, definition: Definition) -> str:
        return (f"CASE WHEN {self.is_sql(definition)} THEN 'SQL' "
                f"WHEN {self.is_mql(definition)} THEN 'MQL' ELSE 'Not qualified' END")


def tag_choices(column: str) -> str:
    """A list of tags' cell ("webinar, demo-request", '"Tag A","Tag B"') as the import reads
    it (`workshop.leads.tags_apart`): its quotes left out, its commas between choices."""
    return (f"replace(replace(CAST({column} AS VARCHAR), '\"', ''), ',', "
            f"{quote_literal(CHOICES)})")


class _SqlColumn:
    """One column as the operators read it in SQL (see `workshop.operators.SqlSide`)."""

    def __init__(self, writer: SqlWriter, field: str):
        self.writer, self.field = writer, field
        self.column = writer.column(field)
        reading = writer.readings.get(field)
        if reading is not None and reading.tags:
            self.column = tag_choices(self.column)
        self.kind = column_kind(field, writer.types)
        self.guessed = not writer.typed(field)  # text, as far as anyone told

    def _date(self) -> str:
        return self.writer.date(self.field)

    def _day(self) -> str:
        return f"CAST({self._date()} AS VARCHAR)"

    def _numbers_listed(self, values: list[str]) -> str:
        numbers = [_as_number(v) for v in values]
        listed = ", ".join(number_literal(n) for n in numbers if n is not None)
        return f"{self.number()} IN ({listed})" if listed else "FALSE"

    def named(self, values: list[str]) -> str:
        if self.kind == NUMBER:
            return f"{self.number()} IS NOT NULL AND {self._numbers_listed(values)}"
        if self.kind == DATE:
            listed = ", ".join(quote_literal(v.strip()) for v in values)
            return f"{self._day()} IN ({listed})"
        return self._one_of(written_folds(values, self.field), numbers=self._guessed(values))

    def _guessed(self, values: list[str]) -> list[float]:
        """The rule's numbers, when every value is one and the column's kind is not known: it
        may be a number column, whose cells read as text '100.0' (DuckDB's DOUBLE) or
        '100.00' (a PostgreSQL numeric), where the app compares numbers."""
        numbers = [_as_number(v) for v in values]
        if not self.guessed or not numbers or None in numbers:
            return []
        return numbers

    def _one_of(self, folds: set[str], listed: set[str] | None = None,
                numbers: list[float] = ()) -> str:
        """The folded cell is one of `listed` (`folds` by default), or one of its choices is
        one of `folds` ("Software;Retail"), looked at only in cells holding a ';'; or, given
        `numbers`, a cell with a decimal point is one of them as a number."""
        listed = folds if listed is None else listed
        folded = self.writer.folded(self.column, listed | folds)
        choices = f"({quote_literal(CHOICES)} || {folded} || {quote_literal(CHOICES)})"
        each = " OR ".join(f"strpos({choices}, {quote_literal(CHOICES + f + CHOICES)}) > 0"
                           for f in sorted(folds)) or "FALSE"
        several = f"strpos(CAST({self.column} AS VARCHAR), {quote_literal(CHOICES)}) > 0"
        numeric = ""
        if numbers:
            number = self.writer._text_number(self.column)
            listed_numbers = ", ".join(number_literal(n) for n in numbers)
            numeric = (f" OR CASE WHEN strpos(CAST({self.column} AS VARCHAR), '.') > 0 "
                       f"THEN COALESCE({number} IN ({listed_numbers}), FALSE) ELSE FALSE END")
        # CASE, not AND: engines look at the choices of the cells that have some only
        return (f"({folded} IN ({', '.join(map(quote_literal, sorted(listed)))}) "
                f"OR CASE WHEN {several} THEN ({each}) ELSE FALSE END{numeric})")

    def not_named(self, values: list[str]) -> str:
        if self.kind == NUMBER:
            return f"{self.number()} IS NOT NULL AND NOT ({self._numbers_listed(values)})"
        if self.kind == DATE:
            listed = ", ".join(quote_literal(v.strip()) for v in values)
            return f"{self._day()} NOT IN ({listed})"
        named = written_folds(values, self.field)
        return f"NOT {self._one_of(named, PLACEHOLDER_FOLDS | named, self._guessed(values))}"

    def contains(self, words: list[str]) -> str:
        if self.kind == DATE:
            wanted = sorted({w.strip() for w in words} - {""})
            hits = " OR ".join(f"strpos({self._day()}, {quote_literal(w)}) > 0" for w in wanted)
            return f"{self._date()} IS NOT NULL AND ({hits or 'FALSE'})"
        wanted = sorted({fold_word(v) for v in words} - {""})
        searched = self.writer.folded_words(self.column, wanted)
        return " OR ".join(f"strpos({searched}, {quote_literal(v)}) > 0"
                           for v in wanted) or "FALSE"

    def number(self) -> str | None:
        if self.kind == DATE:
            return None
        if self.kind == NUMBER:
            return self.writer.number(self.field)
        return self.writer._text_number(self.column)

    def truth(self) -> str:
        return self.writer.truth(self.field)

    def days_before_latest(self) -> str | None:
        if self.kind != DATE:
            return None
        latest = f"(SELECT max({self._date()}) FROM {quote_identifier(self.writer.table)})"
        return f"({latest} - {self._date()})"

    def unknown(self) -> str:
        """Missing, blank or a placeholder word: TRUE or FALSE, never NULL."""
        if self.kind == NUMBER:  # whatever is no number ('n/a', 'TBD') is unknown
            return f"({self.number()} IS NULL)"
        if self.kind == DATE:
            return f"({self._date()} IS NULL)"
        return (f"({self.column} IS NULL OR "
                f"{self.writer.folded(self.column, PLACEHOLDER_FOLDS)} "
                f"IN ({_placeholders()}))")


def _ampersand(folds: set[str] | frozenset[str]) -> bool:
    """Whether '&' must be read as 'and' to compare with `folds`: a cell's '&' can only meet a
    value that holds 'and' (folded values never hold '&')."""
    return any("and" in folded for folded in folds)


def to_sql(definition: Definition, *, table: str = "leads",
           columns: Mapping[str, str] | None = None,
           types: Mapping[str, str] | None = None,
           table_columns: Sequence[str] | None = None,
           readings: Mapping[str, Reading] | None = None,
           derived: Mapping[str, str] | None = None) -> str:
    """A SELECT giving every lead its stage and points, next to its own columns.

    `table_columns`, the table's columns when known: when they hold a lead_stage or
    lead_points already (a lead CSV imported back), the SELECT lists the others instead of
    `*`, so the fresh ones replace them (no engine can leave a column out of `*` portably).
    `readings` (`readings_for`) says how the import read each number column's text;
    `derived` (`derived_for`), which fields the app worked out from another column."""
    writer = SqlWriter(columns, types, table, readings, derived)
    own = "*"
    if table_columns is not None and set(OUTPUTS) & set(table_columns):
        own = ", ".join(quote_identifier(c) for c in table_columns if c not in OUTPUTS)
    return (f"SELECT {own + ',' if own else ''}\n  {writer.stage(definition)} AS lead_stage,\n"
            f"  ({writer.points(definition)}) AS lead_points\nFROM {quote_identifier(table)}")


def where_clause(definition: Definition, stage: str = "MQL", *,
                 columns: Mapping[str, str] | None = None,
                 types: Mapping[str, str] | None = None, table: str = "leads",
                 readings: Mapping[str, Reading] | None = None) -> str:
    """The WHERE condition for leads at this stage or beyond ('MQL' includes SQLs) of
    `table` (a rule measured over the whole table reads it)."""
    writer = SqlWriter(columns, types, table, readings)
    if stage == "SQL":
        return writer.is_sql(definition)
    if stage == "MQL":
        return writer.is_mql(definition)
    raise ValueError("stage must be 'MQL' or 'SQL'")


def _as_number(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None
