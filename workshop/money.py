"""The currency of a definition's money amounts, and the currency an export writes its in.

The app never converts currencies: a criterion's bound is an amount in its own currency, and an
export's amounts are read in the currency they are written in (their marks left out, see
`workshop.column_types`). What a currency changes is how an amount is written ("€10M", never
"$10M" for a German company's threshold) and which currency the form offers first: the one the
export's money column writes, when it writes one.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

DEFAULT_CURRENCY = "USD"

# ISO 4217 code -> how an amount is marked ("€10M", "CHF 10M") and the currency's name.
CURRENCIES: dict[str, tuple[str, str]] = {
    "USD": ("$", "US dollars"),
    "EUR": ("€", "euros"),
    "GBP": ("£", "pounds sterling"),
    "CHF": ("CHF ", "Swiss francs"),
    "CAD": ("CA$", "Canadian dollars"),
    "AUD": ("A$", "Australian dollars"),
    "NZD": ("NZ$", "New Zealand dollars"),
    "JPY": ("¥", "yen"),
    "INR": ("₹", "rupees"),
    "SEK": ("SEK ", "Swedish kronor"),
    "NOK": ("NOK ", "Norwegian kroner"),
    "DKK": ("DKK ", "Danish kroner"),
    "PLN": ("PLN ", "złoty"),
    "BRL": ("R$", "reais"),
    "SGD": ("S$", "Singapore dollars"),
    "HKD": ("HK$", "Hong Kong dollars"),
    "MXN": ("MX$", "Mexican pesos"),
    "ZAR": ("ZAR ", "rand"),
}
MONEY_MARKS = frozenset(sign for sign, _ in CURRENCIES.values())

# How exports mark amounts (lower case; see `column_types.CURRENCY_SIGNS`, `CURRENCY_MARKS` and
# `CURRENCY_CODES`, the marks the number reading leaves out), each with its currency, or None
# where the mark alone does not say which ("kr" is Swedish, Norwegian or Danish).
MARK_CURRENCIES: dict[str, str | None] = {
    "$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "￥": "JPY", "₹": "INR",
    "r$": "BRL", "us$": "USD", "ca$": "CAD", "c$": "CAD", "a$": "AUD", "au$": "AUD",
    "nz$": "NZD", "hk$": "HKD", "s$": "SGD", "mx$": "MXN", "fr.": "CHF", "fr": "CHF",
    "rs.": "INR", "rs": "INR", "kr.": None, "kr": None, "zł": "PLN",
    "euro": "EUR", "euros": "EUR",
    **{code.lower(): code for code in CURRENCIES},
}
_LETTER_MARKS = sorted((m for m in MARK_CURRENCIES if m[-1].isalpha() or m.endswith(".")),
                       key=len, reverse=True)
_SIGN_MARKS = sorted((m for m in MARK_CURRENCIES if m not in _LETTER_MARKS), key=len,
                     reverse=True)
# A sign anywhere ("$1.5M", "1,2 Mio €", "R$ 1.234"); letters only as a word of their own or
# after a unit letter ("1.200 EUR", "1,5 MEUR", "USD 12,500,000.00"), never inside a word.
# A code after a unit letter counts too, in values and headers ("1,5 MEUR", "Umsatz (TEUR)",
# "Revenue (kEUR)", "12 MSEK").
_CODES = sorted((code.lower() for code in CURRENCIES), key=len, reverse=True)
_MARK = re.compile(
    "(?:{signs}|(?<![^\\W\\d_])(?:{letters})(?![^\\W\\d_])|(?<=[\\d\\s][km])(?:{letters})\\b"
    "|(?<![^\\W\\d_])[kmt](?:{codes})(?![^\\W\\d_]))".format(
        signs="|".join(map(re.escape, _SIGN_MARKS)),
        letters="|".join(map(re.escape, _LETTER_MARKS)), codes="|".join(_CODES)))
_KRONOR = {"SEK", "NOK", "DKK"}  # the currencies a bare "kr" may be

SAMPLED = 5_000  # values looked at: enough to tell a column's currency, cheap at 1,000,000 rows


def currency_name(code: str) -> str:
    """'EUR' -> 'EUR (€)', as the form lists a currency."""
    sign = CURRENCIES[code][0].strip()
    return code if sign == code else f"{code} ({sign})"


def amount_text(value: float, mark: str) -> str:
    """1500000 marked '€' -> '€1.5M'; 2e9 marked 'CHF ' -> 'CHF 2B'."""
    for size, suffix in ((1e9, "B"), (1e6, "M")):
        if round(abs(value) / size, 1) >= 1:
            return mark + f"{value / size:,.1f}".rstrip("0").rstrip(".") + suffix
    return mark + f"{value:,.0f}"


def mark_of(currency: str | None) -> str:
    """How an amount in `currency` (the default when None) is marked."""
    return CURRENCIES[currency or DEFAULT_CURRENCY][0]


def currency_written(values: Iterable[object], header: str = "") -> str | None:
    """The one currency the money column `header` writes its amounts in, or None.

    The header's own mark decides ("Annual Revenue (EUR)", "Umsatz in €"); otherwise the marks
    in the values, when they all name the same currency ("1,2 Mio €", "EUR 500.000"). Values
    without a mark, a mark that names no one currency ("kr") or marks of two currencies give
    None: the form then offers the default and says nothing it cannot know."""
    named = currencies_written(values, header)
    return named[0] if len(named) == 1 else None


def currencies_written(values: Iterable[object], header: str = "") -> list[str | None]:
    """Every currency the header and the values of a money column name, the header's first,
    then the most written (None for a mark that names no one currency, such as "kr" in a
    column that names no krona by its code)."""
    seen: Counter[str | None] = Counter()
    for value in values:
        if isinstance(value, str) and value:
            seen.update(_currencies_in(value.lower()) or ())
    from_header = _currencies_in(header.lower())
    kronor = (from_header | set(seen)) & _KRONOR
    if None in seen and len(kronor) == 1:  # "kr" beside "SEK": Swedish kronor
        seen[next(iter(kronor))] += seen.pop(None)
    named = [code for code, _ in seen.most_common()]
    if len(from_header) == 1:
        first = next(iter(from_header))
        return [first, *(code for code in named if code != first and code is not None)]
    return named


def mixed_sentence(header: str, codes: list[str | None], of_codes: bool = False) -> str:
    """Why a column naming several currencies needs care; `of_codes`: a column of currency
    codes (Salesforce's "Lead Currency"), which says it of the amounts beside it."""
    names = ", ".join(code or "a currency its mark does not name" for code in codes)
    said = (f"“{header}” puts the leads' amounts in more than one currency ({names})"
            if of_codes else f"“{header}” names more than one currency ({names})")
    return (f"{said}. Amounts are compared as written, without converting: a rule treats 1M "
            "in one currency like 1M in another.")


def currency_mismatch(amounts: dict[str, set[str]], export: str | None) -> str | None:
    """A sentence naming the definitions whose amounts of money are in another currency than
    the export's (`amounts`: each definition's currencies), or None."""
    if export is None:
        return None
    others = {name: sorted(codes - {export}) for name, codes in amounts.items()
              if codes - {export}}
    if not others:
        return None
    which = "; ".join(f"{name} in {', '.join(codes)}" for name, codes in others.items())
    return (f"This export writes its amounts in {export}, but some amounts of money are not: "
            f"{which}. They are compared as written, without converting.")


def typical_mark(currency: str | None) -> str:
    """The mark of an amount the export wrote: its currency's, or none where it names none
    (a plain number is right; a "$" would not be)."""
    return mark_of(currency) if currency else ""


def currency_header(header: str) -> bool:
    """A column naming each record's currency: Salesforce's "Currency", "Lead Currency",
    "Currency ISO Code", "Annual Revenue Currency"; "Währung", "Devise", "Moneda", "Valuta"."""
    return bool(re.search(r"currency|currencyisocode|währung|wahrung|devise|moneda|valuta",
                          header.casefold()))


def currency_codes(values: Iterable[object]) -> list[str | None]:
    """The currencies a column of ISO codes holds, most written first; none unless every value
    is a code (a column of prose or of amounts is no such column)."""
    codes = Counter(str(value).strip().upper() for value in values if str(value).strip())
    if not codes or not all(re.fullmatch(r"[A-Z]{3}", code) for code in codes):
        return []
    return [code if code in CURRENCIES else None for code, _ in codes.most_common()]


def _currencies_in(text: str) -> set[str | None]:
    return {MARK_CURRENCIES.get(match, MARK_CURRENCIES.get(match[1:]))
            for match in _MARK.findall(text)}
