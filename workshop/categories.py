"""Which catalog option an export's category value names, whatever way the CRM wrote it.

A value meets an option when they fold alike (case, accents, spaces and punctuation ignored,
'&' read as 'and': 'ORGANIC_SEARCH' is 'Organic search'), or when it is one of the option's
other names: those in `workshop.catalog.OTHER_NAMES`, and for a country its ISO 3166 names,
in English and in the languages exports from the catalog's markets are written in
('Deutschland', 'États-Unis'), and its ISO codes ('DE', 'DEU'). The leads import looks each
distinct value up here once.
"""
from __future__ import annotations

import gettext
import re
import unicodedata
from collections import defaultdict
from functools import cache

import pandas as pd
import pycountry

from workshop.catalog import OTHER_NAMES

# A CRM writes country names in its users' language. Besides English: the languages of the
# catalog's countries that are written in Latin letters (folding drops any other script), and
# Italian, the other large European market.
LANGUAGES = ("de", "fr", "nl", "es", "sv", "pt", "it")
# A code as people write it: capitals, maybe with dots ('US', 'U.S.', 'U.S.A.', 'GBR'). In
# lower case 'in', 'us' or 'de' are words, so they are not read as codes.
_CODE = r"(?:[A-Z]\. ?){1,2}[A-Z]\.?|[A-Z]{2,3}"
# Two-letter values that name a country though no ISO 3166 country has them as its code.
_RESERVED = frozenset({"UK", "EU"})


def fold(value: str) -> str:
    """How a value meets an option: case, accents, spaces and punctuation ignored."""
    return re.sub(r"[^0-9a-z]", "",
                  unicodedata.normalize("NFKD", value.casefold().replace("&", "and")))


def fold_series(text: pd.Series) -> pd.Series:
    """`fold`, for a column's distinct values at once."""
    return (text.str.casefold().str.replace("&", "and", regex=False).str.normalize("NFKD")
            .str.replace(r"[^0-9a-z]", "", regex=True))


@cache
def names(options: tuple[str, ...]) -> dict[str, str]:
    """Folded name -> option, for the options and every other name they have."""
    found = {fold(option): option for option in options}
    iso = _iso_names()
    for option in options:
        for name in OTHER_NAMES.get(option, ()) + iso.get(option, ()):
            found.setdefault(fold(name), option)
    found.pop("", None)  # a name in another script folds to nothing
    return found


def coded(text: pd.Series, options: tuple[str, ...]) -> pd.Series:
    """The option each value names by an ISO 3166 code written in capitals ('IN', 'U.S.',
    'DEU'), else missing. A column that also holds a two-letter value no country has as its
    code (NY, TX) holds states or regions, where CA and IN are California and Indiana: its
    plain two-letter values are then read as no country."""
    codes = _iso_codes(options)
    written = text.str.fullmatch(_CODE, na=False) if codes else None
    if written is None or not written.any():
        return pd.Series(None, index=text.index, dtype="str")
    letters = text.where(written).str.replace(r"[. ]", "", regex=True)
    two = text.str.fullmatch(r"[A-Z]{2}", na=False)
    if not text[two].isin(_alpha_2() | _RESERVED).all():
        letters = letters.where(~two)
    return letters.map(codes).astype("str")


def written_names(option: str, options: tuple[str, ...]) -> tuple[str, ...]:
    """The other ways an export may write `option` that the import reads as it: its other
    names, its ISO names in every language read, and its ISO codes."""
    codes = tuple(sorted(code for code, named in _iso_codes(options).items() if named == option))
    return OTHER_NAMES.get(option, ()) + _iso_names().get(option, ()) + codes


@cache
def _iso_names() -> dict[str, tuple[str, ...]]:
    """A country's English ISO name -> its names, English and in `LANGUAGES`. A name two
    countries share, once folded, names neither."""
    languages = [gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
                 for language in LANGUAGES]
    by_country: dict[str, set[str]] = {}
    countries_of: dict[str, set[str]] = defaultdict(set)
    for country in pycountry.countries:
        english = {getattr(country, key) for key in ("name", "official_name", "common_name")
                   if hasattr(country, key)}
        every = english | {language.gettext(name) for language in languages for name in english}
        by_country[country.name] = every
        for name in every:
            countries_of[fold(name)].add(country.name)
    return {country: tuple(sorted(name for name in every if len(countries_of[fold(name)]) == 1))
            for country, every in by_country.items()}


@cache
def _iso_codes(options: tuple[str, ...]) -> dict[str, str]:
    """Alpha-2 and alpha-3 code -> option, for the options that are ISO 3166 countries."""
    codes = {}
    for country in pycountry.countries:
        if country.name in options:
            codes[country.alpha_2] = codes[country.alpha_3] = country.name
    return codes


@cache
def _alpha_2() -> frozenset[str]:
    return frozenset(country.alpha_2 for country in pycountry.countries)
