"""What a column of an export holds, judged by its own values: numbers and their decimal mark,
dates and the order of their day and month, or text.

Exports do not say which convention they follow, and one file can mix them (a European re-save
of an American export keeps ISO dates beside day-first ones). So every column is judged on its
own: a value like `2,5` or `1.234,56` proves a decimal comma (a bucket like `1,001-5,000` a
decimal point), `20-10-2017` proves the day comes first (there is no 20th month). Where no
value decides, the file's convention is assumed and the column is marked ambiguous, so the
data-quality table can say so.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workshop.distinct import SAMPLE_ROWS

# What unfilled dropdowns and forms export as; compared case-insensitively after stripping. Also
# "not known" as people type it in English, German, French and Spanish (k.A. is "keine Angabe"),
# and the error values a spreadsheet writes into a CSV (#N/A): none of them is a value. Zoho
# writes an unset picklist as "-None-", Google Analytics "(not set)", forms "--Select--" or
# "Please Select", reports a dash ("—") for an empty cell.
PLACEHOLDERS = frozenset({
    "select", "--none--", "-- none --", "-none-", "(none)", "n/a", "na", "-", "--", "—", "–",
    "?", "unknown", "", "none", "null", "nan", "(blank)", "(empty)", "not set", "(not set)",
    "not provided", "not available", "not applicable", "not specified", "unspecified",
    "undefined", "tbd", "tba", "--select--", "-- select --", "please select", "select...",
    "k.a.", "k. a.", "keine angabe", "unbekannt", "n.v.", "inconnu", "non renseigné",
    "desconocido", "sin datos", "n.d.", "n.a.", "n/d",
    "#n/a", "#na", "#value!", "#ref!", "#div/0!", "#name?", "#num!", "#null!",
    # the dashed ones as a CSV guarded against spreadsheet formulas writes them (the app's own
    # lead CSV too, see `workshop.lead_export.safe_cell`)
    "'-", "'--", "'--none--", "'-- none --", "'-none-", "'--select--", "'-- select --",
})

YEAR_FIRST, DAY_FIRST, MONTH_FIRST = "year-first", "day-first", "month-first"
# Dates written as numbers: a spreadsheet's day count (Excel, LibreOffice and Google Sheets count
# days since 1899-12-30: a date column saved as "General"), and Unix seconds or milliseconds (API
# exports, such as HubSpot's createdate). `workshop.leads` reads a date column so only when every
# number falls between 1990 and 2100 in that writing.
SPREADSHEET_DAYS, UNIX_SECONDS, UNIX_MILLISECONDS = (
    "spreadsheet day numbers", "Unix seconds", "Unix milliseconds")
NUMBERED_DATES = (SPREADSHEET_DAYS, UNIX_SECONDS, UNIX_MILLISECONDS)

# Share of a column's filled values that must read as numbers (or dates) for an unmapped column
# to be taken as one; the rest are counted as unreadable in the data-quality table.
TYPED_SHARE = 0.95

# A currency sign or code before or after an amount ("$1.5M", "USD 12,500,000.00", "1.200 EUR",
# "R$ 1.234,56", "Fr. 1'234.50", "Rs. 12,34,567", "193 575 032 kr"), in lower case. The app
# does not convert currencies: an amount reads in the export's currency, its mark left out.
CURRENCY_SIGNS = "$€£¥￥₹"
CURRENCY_MARKS = ("r$", "us$", "ca$", "c$", "a$", "au$", "nz$", "hk$", "s$", "mx$",
                  "fr.", "fr", "rs.", "rs", "kr.", "kr", "zł")
CURRENCY_CODES = ("usd", "eur", "gbp", "chf", "cad", "aud", "nzd", "jpy", "brl", "inr", "sek",
                  "nok", "dkk", "pln", "sgd", "hkd", "mxn", "zar", "euro", "euros")
_MONEY = "(?:[{}]|(?i:{}))".format(
    re.escape(CURRENCY_SIGNS),
    "|".join(re.escape(mark) for mark in sorted(CURRENCY_MARKS + CURRENCY_CODES, key=len,
                                                  reverse=True)))
# Thousands by point, comma, quote or space: plain, no-break, or the narrow and thin spaces
# French formatting writes (macOS, Google Sheets, CLDR: "1\u202f200"); or in the Indian way,
# by lakh and crore ("12,34,567").
_SPACES = "'’\u00a0\u202f\u2009 "
_GROUPED = f"(?:\\d{{1,3}}(?:[.,{_SPACES}]\\d{{3}})+|\\d{{1,2}}(?:,\\d{{2}})+,\\d{{3}})"
_NUMBER_SHAPE = re.compile(
    rf"^[-+]?{_MONEY}?\s?(?:{_GROUPED}|\d+)?(?:[.,]\d+)?(?:[eE][-+]?\d+)?\s?%?"
    rf"(?:\s?{_MONEY})?$")
# Words multiplying the number they follow, in values ("50K", "2,5 Mio", "$1 mil.", "1.5 billion")
# and in headers ("Revenue (Mio)", see `workshop.mapping`): the one list of them. Indian
# amounts count in lakh (100,000) and crore (10 million): "2.5 Cr", "40 Lakh".
UNIT_WORDS = {
    1e3: frozenset({"k", "thousand", "thousands", "tsd"}),
    1e5: frozenset({"lakh", "lakhs", "lac", "lacs"}),
    1e6: frozenset({"m", "mm", "mn", "mio", "mil", "million", "millions"}),
    1e7: frozenset({"cr", "crore", "crores"}),
    1e9: frozenset({"b", "bn", "bil", "mrd", "billion", "billions"}),
}
# Words opening a one-sided bucket: "Over $5 bil." reads as its bound, as "10,001+" does;
# "Under $1M" as the middle of 0 to its bound, as a range reads as its middle. In English and in
# the languages of the catalog's European markets ("unter 1 Mio", "plus de 500", "más de 50").
BELOW_WORDS = ("under", "below", "less than", "up to", "at most", "<=", "<", "≤",
               "unter", "weniger als", "bis zu", "bis", "höchstens", "moins de", "jusqu'à",
               "menos de", "hasta", "minder dan", "tot", "meno di", "fino a", "até",
               "mindre än", "upp till", "poniżej")
BOUND_WORDS = ("over", "above", "more than", "greater than", "at least", "from", ">=", ">",
               "≥", "über", "ueber", "mehr als", "mindestens", "ab", "plus de", "au moins",
               "más de", "mas de", "meer dan", "vanaf", "oltre", "più di", "mais de",
               "acima de", "över", "mer än", "fler än", "powyżej", "ponad", *BELOW_WORDS)
# Words closing a bucket open upwards, after its bound: "1,000 or more", "1000 salariés et
# plus", "500 und mehr" read as "1,000+" does.
OR_MORE_WORDS = ("or more", "and more", "and above", "and over", "or above", "or over", "plus",
                 "et plus", "ou plus", "und mehr", "oder mehr", "und darüber", "o más",
                 "y más", "o mas", "y mas", "ou mais", "e mais", "e più", "o più", "e oltre",
                 "of meer", "en meer", "en hoger", "eller fler", "eller mer", "och fler",
                 "och mer", "i więcej", "lub więcej")
# Between the ends of a range: "11-50", "10M to 50M", "10 bis 50 Mio", "10 à 50".
RANGE_WORDS = ("to", "bis", "à", "a", "tot")
_UNIT = "(?i:{})\\.?".format("|".join(sorted({w for words in UNIT_WORDS.values() for w in words},
                                             key=len, reverse=True)))
# A unit word right after a figure ("2.8M", "€3,4 Mio.", "1,5 MEUR", "5 Mrd"): the value says
# its own unit, so a unit the column is read in (its header's "($M)", say) never multiplies
# it again. Python's engine (a lookahead); used where a column has a unit, which is rare.
CURRENCY_WORDS = tuple(sorted({*CURRENCY_CODES, *(mark.rstrip(".") for mark in CURRENCY_MARKS
                                                 if mark.rstrip(".").isalpha())},
                              key=len, reverse=True))  # "eur", "kr": after "M" in "1,5 MEUR"
OWN_UNIT = re.compile(r"\d\s?(?:{})\.?(?:{})?\.?(?![a-z])".format(
    "|".join(sorted({w for words in UNIT_WORDS.values() for w in words}, key=len, reverse=True)),
    "|".join(CURRENCY_WORDS)), re.IGNORECASE)


def carries_own_unit(values: pd.Series) -> np.ndarray:
    """Per value, whether it writes its own unit word after its figure (`OWN_UNIT`); each
    distinct value is looked at once."""
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    own = np.array([isinstance(v, str) and OWN_UNIT.search(v) is not None for v in distinct]
                   + [False], dtype=bool)  # the last for a missing value's code, -1
    return own[codes]


# After a number: a percent sign or a unit word, then perhaps a currency sign ("1,2 Mio €").
_TAIL = rf"(?:\s?%|\s?{_UNIT})?(?:\s?{_MONEY})?"
_TO = r"\s?(?:[-–—]|(?i:{}))\s?".format("|".join(RANGE_WORDS))
_BOUND = "(?i:{})".format("|".join(re.escape(word).replace(r"\ ", r"\s?")
                                   for word in sorted(BOUND_WORDS, key=len, reverse=True)))
_END = _MONEY + r"?\s?\d[\d.,]*" + _TAIL  # one end of a range, any mark


def _bucket(separator: str) -> str:
    """A bucket with an end grouped in thousands by `separator` ("1,001-5,000", "501-1,000",
    "10,001+", "Over 1,000 employees"): nobody bounds a bucket at 1.001 or 10.001, so there a
    mark followed by exactly three digits can only be a thousands separator."""
    grouped = rf"{_MONEY}?\s?[1-9]\d{{0,2}}(?:\{separator}\d{{3}})+{_TAIL}"
    end = rf"{_MONEY}?\s?(?:[1-9]\d{{0,2}}(?:\{separator}\d{{3}})+|\d+){_TAIL}"
    return (rf"(?:{grouped}{_TO}{end}|{end}{_TO}{grouped}|{grouped}\s?\+|{_BOUND}\s?{grouped})"
            r"(?:\s+\D*)?")


def _spread(number: str) -> str:
    """`number` alone, or as an end of a range or a one-sided bucket ("1,5-2,5 Mio",
    "unter 0,5 Mio"), then perhaps a noun ("employees")."""
    return (rf"(?:(?:{_BOUND}\s?)?{number}(?:{_TO}{_END}|\s?\+)?|{_END}{_TO}{number})"
            r"(?:\s+\D*)?")


# Values only one decimal mark can explain: a mark followed by other than three digits, or a
# thousands separator followed by the other mark, or two thousands separators (alone or as an
# end of a range); or a bucket whose ends are grouped in thousands by the other mark. Thousands
# grouped by a space or a quote leave the mark after them decimal ("1 234,56", "1'234.50");
# Indian grouping ("12,34,567") groups by the comma.
_SPACED = f"\\d{{1,3}}(?:[{_SPACES}]\\d{{3}})+"
_COMMA_NUMBER = (r"[-+]?" + _MONEY + r"?\s?(?:\d+,(?:\d{1,2}|\d{4,})|\d{1,3}(?:\.\d{3})+,\d+"
                 rf"|\d{{1,3}}(?:\.\d{{3}}){{2,}}|{_SPACED},\d+){_TAIL}")
_POINT_NUMBER = (r"[-+]?" + _MONEY + r"?\s?(?:\d*\.(?:\d{1,2}|\d{4,})|\d{1,3}(?:,\d{3})+\.\d+"
                 rf"|\d{{1,3}}(?:,\d{{3}}){{2,}}|\d+(?:\.\d+)?[eE][-+]?\d+|{_SPACED}\.\d+"
                 rf"|\d{{1,2}}(?:,\d{{2}})+,\d{{3}}(?:\.\d+)?){_TAIL}")
COMMA_DECIMAL = re.compile(rf"^(?:{_spread(_COMMA_NUMBER)}|{_bucket('.')})$")
POINT_DECIMAL = re.compile(rf"^(?:{_spread(_POINT_NUMBER)}|{_bucket(',')})$")

_ISO_DATE = re.compile(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:$|[T ]\d)")
# A time after a numeric date as exports and locales write it: after a space, a "T" or a comma
# (JavaScript's toLocaleString: "03/01/2025, 14:38:19", "6.4.2024, 20:57:27"), with a colon or
# the French "h" ("09h29"), perhaps AM/PM, then perhaps a zone ("+0000", "UTC", "Z").
_CLOCK = r"(?:,?\s+|T)\d{1,2}[:h]\d{2}(?::\d{2})?(?:\.\d+)?(?:\s?[AaPp]\.?[Mm]\.?)?"
_CLOCK_ZONE = r"\s?(?:[Zz]|(?i:utc|gmt)(?:[+-]\d{1,2}(?::?\d{2})?)?|[+-]\d{2}(?::?\d{2})?)"
_NUMERIC_DATE = re.compile(
    rf"^(\d{{1,2}})([./-])(\d{{1,2}})\2(\d{{4}}|\d{{2}})(?:(?P<time>{_CLOCK})"
    rf"(?:{_CLOCK_ZONE})?)?$")
# The same shape for Arrow's regular expressions (RE2 has no back references: one branch per
# separator).
_NUMERIC_DATE_SHAPE = ("^(?:{})".format("|".join(
    rf"\d{{1,2}}{mark}\d{{1,2}}{mark}(?:\d{{4}}|\d{{2}})" for mark in (r"\.", "/", "-")))
    + rf"(?:{_CLOCK}(?:{_CLOCK_ZONE})?)?$")
# Dates with a month name, in English or another language of the catalog's markets, perhaps
# after a weekday: "4-Mar-2025", "30. März 2025", "27 de abril de 2024", "Tuesday, March 4,
# 2025", "Tue Mar 04 2025 14:22:10 GMT+0100" (JavaScript's Date).
_LETTER = "A-Za-zÀ-ÿ"
_WORDY_DATE = re.compile(
    rf"^(?:[{_LETTER}-]{{2,13}},?\s)?\d{{1,2}}(?:\.|er)?(?:\s?de)?[ -][{_LETTER}]{{3,10}}\.?"
    rf"(?:\s?del?)?[ -]\d{{2,4}}\b|^(?:[A-Za-z]{{3,9}},? )?[A-Za-z]{{3,9}}\.? \d{{1,2}},? "
    r"\d{4}\b")


# Created dates standing apart from the body of the export: separated from the months holding
# most dated leads by more than this many months without any lead, and this share of the
# dated leads at most. A lead "created" in 2039 or one in 1998 in an export of 2024-2025 is a
# typo or a default, and counted it would stretch "per month" over years no lead arrived in.
STRAY_GAP_MONTHS = 12
STRAY_SHARE = 0.02


def normalise_header(header: object) -> str:
    """Lowercase letters and digits only: "Job-Title", "job title", "JobTitle" -> "jobtitle"."""
    text = unicodedata.normalize("NFKD", str(header)).encode("ascii", "ignore").decode()
    return re.sub(r"[^0-9a-z]", "", text.casefold())


@dataclass(frozen=True)
class Reading:
    """How one column was read: its kind, and for numbers and dates the convention used.

    kind: "number", "date" or "text" for columns judged by their values; mapped columns take
    their field's kind ("category", "count", "boolean" too). `ambiguous`: no value decided the
    convention, so the file's was assumed. `evidence`: a value that decided it (with
    `ambiguous`, one value of each order a column mixes). `decided_by`: the header of another
    date column of the file whose value decided this column's order, its own deciding none.
    `set_aside`: created dates standing apart from the body of the dates, read as none
    (`STRAY_GAP_MONTHS`), `set_aside_range` when they fall; the dates kept run
    from `kept_from` to before `kept_before` (ISO days; both empty when none was set aside).
    `chosen`: no value decides the order, and the facilitator chose it in the column mapping.
    `order_reason`: no value decides the order, and the other one is taken than the file's,
    because the file's would put the dates where leads are not created (see
    `workshop.leads.likelier_order`): what the file's order would make of them."""

    kind: str
    decimal: str = ""
    date_order: str = ""
    ambiguous: bool = False
    evidence: str = ""
    unit: float = 1.0
    decided_by: str = ""
    set_aside: int = 0
    set_aside_range: str = ""
    kept_from: str = ""
    kept_before: str = ""
    chosen: bool = False
    order_reason: str = ""
    buckets: bool = False  # numbers: some values are ranges or open buckets ("11-50", "10,001+")
    # text: a list of tags, its cells' tags written between commas ("webinar, demo-request",
    # Mailchimp's '"Tag A","Tag B"'), read as choices (see `workshop.leads.tags_apart`)
    tags: bool = False

    def describe(self) -> str:
        """'dates, day first (20-10-2017 has no 20th month)' — for the data-quality table."""
        if self.kind == "date" and self.set_aside:
            many = self.set_aside != 1
            return (f"{self._dates()}; {self.set_aside:,} date{'s' if many else ''} "
                    f"({self.set_aside_range}) {'are' if many else 'is'} read as none: more "
                    f"than {STRAY_GAP_MONTHS} months without any lead separate "
                    f"{'them' if many else 'it'} from the rest")
        return self._dates() if self.kind == "date" else self._other()

    def _dates(self) -> str:
        if self.kind == "date":
            if not self.date_order:
                return "dates"
            if self.date_order in NUMBERED_DATES:
                return f"dates, written as {self.date_order}" + (
                    f" ({self.evidence})" if self.evidence else "")
            order = self.date_order.replace("-", " ")
            if self.date_order == YEAR_FIRST:
                return "dates, year first (ISO)"
            if self.ambiguous and self.evidence:
                return (f"dates, {order}: values are written in both orders ({self.evidence}), "
                        f"so {order}, the more common, is assumed")
            if self.ambiguous and self.order_reason:
                return (f"dates, {order}: no value decides (every day is 12 or less), and "
                        f"read {_other_order(self.date_order)}, {self.order_reason}, "
                        f"unlikely for leads, so {order} is taken")
            if self.ambiguous:
                return (f"dates, {order}: no value decides (every day is 12 or less), so "
                        f"{order} is assumed")
            if self.chosen:
                return (f"dates, {order}, as chosen in the column mapping (no value decides: "
                        "every day is 12 or less)")
            if self.decided_by:
                return f"dates, {order}, as “{self.decided_by}” shows ({self.evidence})"
            return f"dates, {order}" + (f" ({self.evidence})" if self.evidence else "")
        return ""

    def _other(self) -> str:
        if self.kind in ("number", "count") and self.buckets:
            return (replace(self, buckets=False)._other()
                    + "; a range such as 11-50 reads as its middle (30.5)")
        if self.kind in ("number", "count"):
            text = "numbers" if self.kind == "number" else "counts"
            unit = {1e3: ", in thousands", 1e6: ", in millions", 1e9: ", in billions"}.get(
                self.unit, "")
            if not self.decimal:
                return f"whole {text}{unit}" if self.kind == "number" else f"{text}{unit}"
            mark = "decimal comma" if self.decimal == "," else "decimal point"
            if written_both_ways(self.ambiguous, self.evidence):
                return (f"{text}{unit}: written with both decimal marks ({self.evidence}), so "
                        f"each value is read by its own: a mark before three digits groups "
                        f"thousands, else the {mark} is assumed")
            if self.ambiguous:
                return f"{text}{unit} ({mark} assumed: no value decides)"
            return f"{text}{unit} ({mark})"
        if self.kind == "text" and self.tags:
            return "tags, each between commas read on its own"
        return {"category": "categories", "boolean": "yes/no", "text": "text"}.get(
            self.kind, self.kind)


def _other_order(order: str) -> str:
    """"month first" for day-first dates, "day first" for month-first ones."""
    return (MONTH_FIRST if order == DAY_FIRST else DAY_FIRST).replace("-", " ")


def filled(text: pd.Series) -> pd.Series:
    """The values that say something: stripped, without blanks and placeholder words."""
    return pd.Series(_filled(text).to_pandas(types_mapper=pd.ArrowDtype).array, dtype="str")


def _filled(text: pd.Series) -> pa.Array:
    """`filled` as an Arrow array: columns are judged with Arrow's regular expressions, which
    run in C++ without holding the interpreter (columns are cleaned on several threads)."""
    if isinstance(text.array, pd.arrays.ArrowStringArray):
        values = pa.array(text.array)
    else:
        values = pa.array(text.astype("object").where(text.notna(), None).map(
            lambda v: v if v is None else str(v)).to_numpy(dtype=object), type=pa.large_string())
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    trimmed = pc.utf8_trim_whitespace(values)
    placeholder = pc.is_in(pc.utf8_lower(trimmed), value_set=_PLACEHOLDER_SET)
    return pc.drop_null(pc.filter(trimmed, pc.invert(pc.fill_null(placeholder, True))))


_PLACEHOLDER_SET = pa.array(sorted(PLACEHOLDERS), type=pa.large_string())


def _matching(values: pa.Array, pattern: str) -> pa.Array:
    return pc.fill_null(pc.match_substring_regex(values, pattern), False)


def decimal_mark(values: pd.Series, default: str = ".") -> tuple[str, bool, str]:
    """(mark, ambiguous, evidence) for text numbers: ',' when some value can only be read with a
    decimal comma and none only with a decimal point, and the other way round; else `default`;
    "" when no value holds a mark between digits (whole numbers). Ambiguous with evidence
    ("€3,4 Mio. and 1.2M"): values decide both ways (`written_both_ways`)."""
    text = _filled(values)
    if len(text) == 0 or not pc.any(_matching(text, r"\d[.,]\d")).as_py():
        return "", False, ""  # whole numbers: there is no mark to decide
    comma = pc.filter(text, _matching(text, COMMA_DECIMAL.pattern))
    point = pc.filter(text, _matching(text, POINT_DECIMAL.pattern))
    if len(comma) and not len(point):
        return ",", False, comma[0].as_py()
    if len(point) and not len(comma):
        return ".", False, point[0].as_py()
    if len(comma) and len(point):
        return default, True, f"{comma[0].as_py()} and {point[0].as_py()}"
    undecided = pc.any(_matching(text, r"\d[.,]\d{3}(?:$|\D)")).as_py()  # a thousand or 1.234?
    return default, bool(undecided), ""


def written_both_ways(ambiguous: bool, evidence: str) -> bool:
    """Whether `decimal_mark`'s answer says values decide both ways: a column typed by hand
    by people of both conventions ("€3,4 Mio." beside "1.2M"), where each value's own marks
    say what they can (`workshop.leads.grouping_alone`)."""
    return ambiguous and bool(evidence)


def number_shaped(values: pd.Series) -> float:
    """Share of the filled values written like a number (1,234.5 / 1.234,5 / $1,500 / 12%)."""
    text = _filled(values)
    if len(text) == 0:
        return 0.0
    shaped = pc.and_(_matching(text, _NUMBER_SHAPE.pattern), _matching(text, r"\d"))
    return pc.sum(shaped).as_py() / len(text)


def date_shaped(values: pd.Series) -> float:
    """Share of the filled values written like a date (2017-10-20, 20-10-2017, 3/14/2025)."""
    text = _filled(values)
    if len(text) == 0:
        return 0.0
    shaped = pc.or_(pc.or_(_matching(text, _ISO_DATE.pattern),
                           _matching(text, _NUMERIC_DATE_SHAPE)),
                    _matching(text, _WORDY_DATE.pattern))
    return pc.sum(shaped).as_py() / len(text)


def date_order(values: pd.Series, default: str = MONTH_FIRST) -> tuple[str, bool, str]:
    """(order, ambiguous, evidence) of a date column's numeric dates such as 01-02-2018.

    A first field over 12 proves day-first, a second field over 12 month-first; dotted dates
    (31.01.2025) are day-first by custom. Columns holding only ISO dates are year-first. A time
    after the date, however written ("03/01/2025, 14:38:19", "08/04/2024 09h29 UTC"), does not
    keep a value from deciding: the order is the whole column's, never guessed value by value."""
    shaped = _filled(values)
    # Only values of the numeric shape can decide; Python's expression runs on those alone,
    # which in an ISO column are none.
    shaped = pc.filter(shaped, _matching(shaped, _NUMERIC_DATE_SHAPE))
    text = pd.Series(shaped.to_pandas(types_mapper=pd.ArrowDtype).array, dtype="str")
    parts = text.str.extract(_NUMERIC_DATE)
    numeric = parts[0].notna()
    if not numeric.any():
        return YEAR_FIRST, False, ""
    first = pd.to_numeric(parts[0][numeric], errors="coerce")
    second = pd.to_numeric(parts[2][numeric], errors="coerce")
    day_first, month_first = first > 12, second > 12
    if day_first.any() and not month_first.any():
        return DAY_FIRST, False, _example(text[numeric], day_first, first)
    if month_first.any() and not day_first.any():
        return MONTH_FIRST, False, _example(text[numeric], month_first, second)
    if day_first.any():  # both: a column mixing conventions; the majority is assumed
        order = DAY_FIRST if day_first.sum() >= month_first.sum() else MONTH_FIRST
        numeric_text = text[numeric]
        day_only = numeric_text[(day_first & ~month_first).to_numpy()]
        month_only = numeric_text[(month_first & ~day_first).to_numpy()]
        both = (f"{day_only.iloc[0]} and {month_only.iloc[0]}"
                if len(day_only) and len(month_only) else "")
        return order, True, both
    if (parts[1][numeric] == ".").all():
        return DAY_FIRST, False, ""
    return default, True, ""


def _example(text: pd.Series, deciding: pd.Series, day: pd.Series) -> str:
    """A value that decides the order, one whose day every month has (28 or less) where there
    is one: "31/02/2026" decides as well, but reads as no date at all."""
    every_month = (deciding & (day <= 28)).to_numpy()
    return str(text[every_month if every_month.any() else deciding.to_numpy()].iloc[0])


# A zone after a time ("…T21:00:00-05:00", "…09:15:00Z", "… 10:00 UTC"): the CRM wrote the time
# as its users saw it, which is the time a lead is counted at (a lead of 9 pm on 31 January
# belongs to January, not to February in London).
# JavaScript's Date writes the zone as "GMT+0100 (Central European Standard Time)". For Arrow.
_ZONE = (r"(?i)(:\d{2}(?:[.,]\d+)?)\s?(?:Z|(?:UTC|GMT)?[+-]\d{2}(?::?\d{2})?|UTC|GMT)"
         r"(?:\s?\([^()]*\))?$")


def parse_dates(text: pd.Series, order: str) -> pd.Series:
    """Dates as naive timestamps, as written (a zone given is left out), day and month in
    `order`.

    Numeric dates are read with explicit formats (fast, and never guessed value by value);
    anything else (ISO, month names) by pandas' ISO and mixed parsers without a day-first
    guess, which would read 2018-02-01 as the 2nd of January. Month names in French, German,
    Spanish, Italian, Portuguese and Dutch are put in English first ("30. März 2025")."""
    values = _rewritten(text.astype("str").str.strip(), (_ZONE, r"\1"))
    result = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    # A time without a date ("00:00:00": a workbook's date cell holding day 0) names no day;
    # pandas would put it on today's date.
    todo = values.notna() & values.ne("") & ~_matches(values, _TIME_ONLY)
    if order in (DAY_FIRST, MONTH_FIRST):
        numeric = todo & _matches(values, _NUMERIC_DATE_SHAPE)
        if numeric.any():
            result[numeric] = _numeric_dates(values[numeric], order)
            todo &= ~numeric
    if todo.any():
        rest = values[todo]
        parsed = pd.to_datetime(rest, errors="coerce", format="ISO8601", utc=True)
        again = parsed.isna()
        if again.any():  # utc=True: a zone this did not strip (a name) still reads
            worded = rest[again]
            foreign = _matches(worded, _FOREIGN_DATE_WORD.pattern)
            if foreign.any():
                worded = worded.where(~foreign, worded[foreign].map(_in_english))
            parsed[again] = pd.to_datetime(worded, errors="coerce", format="mixed", utc=True)
        result[todo] = parsed.dt.tz_localize(None).astype("datetime64[us]")
    return result


_TIME_ONLY = r"^(?i:\d{1,2}(?::\d{2}){1,2}(?:[.,]\d+)?\s*(?:[ap]\.?\s?m\.?)?)$"


def _rewritten(values: pd.Series, *rules: tuple[str, str]) -> pd.Series:
    """`values` with each (pattern, replacement) applied in turn by Arrow's regular
    expressions (pandas runs its own through Python's, one value at a time)."""
    arrow = _arrow(values)
    for pattern, replacement in rules:
        arrow = pc.replace_substring_regex(arrow, pattern=pattern, replacement=replacement)
    return pd.Series(arrow.to_pandas(types_mapper=pd.ArrowDtype).array, index=values.index,
                     dtype="str")


def _matches(values: pd.Series, pattern: str) -> pd.Series:
    """Where `values` match `pattern`, by Arrow; False where missing."""
    found = _matching(_arrow(values), pattern).to_numpy(zero_copy_only=False)
    return pd.Series(found, index=values.index, dtype=bool)


def _arrow(values: pd.Series) -> pa.Array | pa.ChunkedArray:
    if isinstance(values.array, pd.arrays.ArrowStringArray):
        return pa.array(values.array)
    return pa.array(values.astype("object").where(values.notna(), None).to_numpy(dtype=object),
                    type=pa.large_string())


def _numeric_dates(values: pd.Series, order: str) -> pd.Series:
    """Numeric dates by explicit formats: one per separator, year length and time shape found.

    The time is first written one way: after a space, with a colon, "AM" for "a.m.", no zone
    ("03/01/2025, 14:38:19 UTC" is read as "03/01/2025 14:38:19"). The formats the first rows
    need are tried on the whole column first; what they leave is read shape by shape, as the
    first rows are (working out each value's shape costs ten times a format's reading)."""
    glance = _Glance(_arrow(values))
    values = _rewritten(values, *(rule for rule, needed in _TIME_REWRITES
                                  if needed(glance, values)))
    sample = values.iloc[:SAMPLE_ROWS]
    _, forms = _dates_by_shape(sample, order)
    result = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    todo = values
    for form in forms:
        parsed = _in_format(todo, form, order)
        hit = parsed.notna()
        result[hit[hit].index] = parsed[hit]
        todo = todo[~hit]
    if len(todo):
        rest, _ = _dates_by_shape(todo, order)
        result[rest.index] = rest
    return result


# How a numeric date's time is first written one way, each rule with a glance at the bytes
# of the text saying whether any value could need it: the rules are regular expressions that
# cost a million timestamps a second between them, and most exports need none of them.
_TIME_REWRITES = (
    ((r"^(\S+?),?\s+", r"\1 "),  # a comma, other spaces, or two spaces somewhere
     lambda glance, values: glance.has(",\t\n\v\f\r") or glance.count(" ") > len(values)),
    ((r"(\d)h(\d)", r"\1:\2"), lambda glance, values: glance.has("h")),
    ((_ZONE, r"\1"), lambda glance, values: glance.has("h")),  # "09h29 UTC", after the above
    ((r"\s?([AaPp])\.?([Mm])\.?$", r" \1\2"), lambda glance, values: glance.has("mM")),
)


class _Glance:
    """The bytes of an Arrow text array's buffer, to rule out a rewrite in a pass of NumPy
    comparisons (a slice's buffer may hold more than its values: enough to rule out)."""

    def __init__(self, text: pa.Array | pa.ChunkedArray):
        chunks = text.chunks if isinstance(text, pa.ChunkedArray) else [text]
        self.buffers = [np.frombuffer(chunk.buffers()[2], dtype=np.uint8) for chunk in chunks
                        if chunk.buffers()[2] is not None]

    def has(self, characters: str) -> bool:
        return any((data == ord(c)).any() for c in characters for data in self.buffers)

    def count(self, character: str) -> int:
        return sum(int(np.count_nonzero(data == ord(character))) for data in self.buffers)


def _dates_by_shape(values: pd.Series, order: str) -> tuple[pd.Series, list[str]]:
    """`values` read by the formats their shapes call for, and those formats that read some,
    in the order tried."""
    day_month = ("%d", "%m") if order == DAY_FIRST else ("%m", "%d")
    parts = pc.extract_regex(_arrow(values), r"^\d{1,2}(?P<separator>[./-])\d{1,2}[./-]"
                                             r"(?P<year>\d{4}|\d{2})(?P<time>.*)$")
    shapes = pd.DataFrame({
        "separator": parts.field("separator").to_numpy(zero_copy_only=False),
        "year": pc.utf8_length(parts.field("year")).to_numpy(zero_copy_only=False),
        "timed": pc.greater(pc.utf8_length(parts.field("time")), 0).to_numpy(
            zero_copy_only=False)}, index=values.index)
    result = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    used: list[str] = []
    for (separator, year, timed), group in shapes.groupby(["separator", "year", "timed"]):
        date = separator.join((*day_month, "%Y" if year == 4 else "%y"))
        todo = values.loc[group.index]
        for time in (_TIMES if timed else ("",)):
            parsed = _in_format(todo, date + time, order)
            hit = parsed.notna()
            if hit.any():
                used.append(date + time)
                result[hit[hit].index] = parsed[hit]
                todo = todo[~hit]
            if todo.empty:
                break
    return result, used


def _in_format(values: pd.Series, form: str, order: str) -> pd.Series:
    """`values` read in the strptime format `form` (day and month in `order`), NaT where they
    do not fit it.

    Arrow reads a million timestamps in 0.07 s where pandas takes 1.7 s, but it has no
    fractions of a second, and it rolls an impossible date over (31/02 to 3 March) where pandas
    refuses it: such a date is refused here too, its day of the month not being the one
    written (a rolled-over date lands on day 1, 2 or 3, so only those are looked at)."""
    if "%f" in form:
        return pd.to_datetime(values, format=form, errors="coerce").astype("datetime64[us]")
    stamps = pc.strptime(_arrow(values), format=form, unit="us", error_is_null=True)
    parsed = pd.Series(stamps.to_numpy(zero_copy_only=False), index=values.index)
    early = (parsed.dt.day <= 3).to_numpy()
    if early.any():
        numbers = pc.extract_regex(_arrow(values[early]),
                                   r"^(?P<first>\d{1,2})[./-](?P<second>\d{1,2})")
        written = pc.cast(numbers.field("first" if order == DAY_FIRST else "second"),
                          pa.int64()).to_numpy(zero_copy_only=False)
        wrong = parsed[early].dt.day.to_numpy() != written
        parsed[parsed.index[early][wrong]] = pd.NaT
    return parsed


_TIMES = (" %H:%M", " %H:%M:%S", "T%H:%M:%S", "T%H:%M", " %I:%M %p", " %I:%M:%S %p",
          " %H:%M:%S.%f", "T%H:%M:%S.%f", " %I:%M%p")


# Month names and their usual abbreviations in French, German, Spanish, Italian, Portuguese and
# Dutch, as the English ones pandas reads; those English already reads alike ("Mar", "April",
# "Juni" is not) are left out. Weekday names go (they add nothing to a date), as do the Spanish
# and Portuguese "de" ("4 de marzo de 2025") and the French "1er".
_MONTHS_ABROAD = {
    "Jan": ("janvier", "janv", "januar", "jänner", "jän", "enero", "ene", "gennaio", "gen",
            "janeiro", "januari"),
    "Feb": ("février", "fevrier", "févr", "fevr", "fév", "fev", "februar", "febrero",
            "febbraio", "fevereiro", "februari"),
    "Mar": ("mars", "märz", "maerz", "mär", "mrz", "marzo", "março", "maart", "mrt"),
    "Apr": ("avril", "avr", "abril", "abr", "aprile"),
    "May": ("mai", "mayo", "maggio", "mag", "maio", "mei"),
    "Jun": ("juin", "juni", "junio", "giugno", "giu", "junho"),
    "Jul": ("juillet", "juil", "juli", "julio", "luglio", "lug", "julho"),
    "Aug": ("août", "aout", "aoû", "agosto", "ago", "augustus"),
    "Sep": ("septembre", "septiembre", "setiembre", "settembre", "setembro", "sept", "set"),
    "Oct": ("octobre", "oktober", "okt", "octubre", "ottobre", "ott", "outubro", "out"),
    "Nov": ("novembre", "noviembre", "novembro"),
    "Dec": ("décembre", "decembre", "déc", "dezember", "dez", "diciembre", "dic", "dicembre",
            "dezembro"),
}
_WEEKDAYS_ABROAD = (
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonnabend", "sonntag",
    "lunes", "martes", "miércoles", "miercoles", "jueves", "viernes", "sábado", "sabado",
    "domingo", "lunedì", "lunedi", "martedì", "martedi", "mercoledì", "mercoledi", "giovedì",
    "giovedi", "venerdì", "venerdi", "sabato", "domenica", "segunda-feira", "terça-feira",
    "terca-feira", "quarta-feira", "quinta-feira", "sexta-feira", "maandag", "dinsdag",
    "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
_ENGLISH_MONTH = {word: english for english, words in _MONTHS_ABROAD.items() for word in words}
# Found by Arrow (any case) in the values pandas could not read; only those are translated.
_FOREIGN_DATE_WORD = re.compile(r"(?i)\b(?:{})".format("|".join(
    sorted((*_ENGLISH_MONTH, *_WEEKDAYS_ABROAD), key=len, reverse=True))))
_FOREIGN_WORD = re.compile(r"(?i)(?<!\w)(?:({})\.?|({}),?|del?)(?!\w)|(?<=\b1)er\b".format(
    "|".join(sorted(_ENGLISH_MONTH, key=len, reverse=True)),
    "|".join(sorted(_WEEKDAYS_ABROAD, key=len, reverse=True))))


def _in_english(value: str) -> str:
    """'30. März 2025' -> '30. Mar 2025', 'martes, 4 de marzo de 2025' -> '4 Mar 2025'."""
    english = _FOREIGN_WORD.sub(
        lambda found: _ENGLISH_MONTH[found[1].lower()] if found[1] else "", value)
    return " ".join(english.split())
