"""Which catalog option an export's category value names, whatever way the CRM wrote it.

A value meets an option when they fold alike (case, accents, spaces and punctuation ignored,
'&' read as 'and': 'ORGANIC_SEARCH' is 'Organic search'), or when it is one of the option's
other names: those in `workshop.catalog.OTHER_NAMES`. On a list of countries every ISO 3166
country, not only the listed ones, is read as one English name (the list's own spelling where
it lists the country): from its ISO names in English and in the languages CRMs are used in
('Deutschland', 'Österreich', 'États-Unis'), the everyday names ISO lacks ('Russland',
'Czech Republic') and its ISO codes ('DE', 'AUT'). The leads import looks each distinct value
up here once.
"""
from __future__ import annotations

import gettext
import re
import unicodedata
from collections import defaultdict
from functools import cache

import pandas as pd
import pycountry

from workshop.catalog import KINDS, OTHER_NAMES

# A CRM writes country names in its users' language. Besides English: the languages of the
# catalog's countries that are written in Latin letters (folding drops any other script), and
# Italian, the other large European market.
LANGUAGES = ("de", "fr", "nl", "es", "sv", "pt", "it")
# A code as people write it: capitals, maybe with dots ('US', 'U.S.', 'U.S.A.', 'GBR'). In
# lower case 'in', 'us' or 'de' are words, so they are not read as codes.
_CODE = r"(?:[A-Z]\. ?){1,2}[A-Z]\.?|[A-Z]{2,3}"
# Two-letter values that name a country though no ISO 3166 country has them as its code.
_RESERVED = frozenset({"UK", "EU"})
# The English name a country is read as where ISO 3166's short name is a formal one and
# pycountry has no common name for it ('Russian Federation', 'Holy See (Vatican City State)').
_ENGLISH = {
    "RU": "Russia", "CD": "Democratic Republic of the Congo", "VA": "Vatican City",
    "PS": "Palestine", "FM": "Micronesia", "VG": "British Virgin Islands",
    "VI": "U.S. Virgin Islands", "FK": "Falkland Islands", "BN": "Brunei",
    "MF": "Saint Martin", "SX": "Sint Maarten",
}
# Names people write for a country that ISO 3166's names and their translations lack: everyday
# English ones and those in German, French, Spanish, Italian, Portuguese and Dutch, by alpha-2.
EVERYDAY_NAMES: dict[str, tuple[str, ...]] = {
    "US": ("United States of America", "EE. UU.", "EEUU", "EUA", "Vereinigte Staaten von Amerika",
           "États-Unis d'Amérique", "Estados Unidos de América", "Stati Uniti d'America",
           "Verenigde Staten van Amerika"),
    "GB": ("Great Britain", "Britain", "Großbritannien", "Grossbritannien", "Grande-Bretagne",
           "Gran Bretaña", "Gran Bretagna", "Grã-Bretanha", "Groot-Brittannië", "Angleterre",
           "Inglaterra", "Inghilterra", "Engeland"),
    "NL": ("Holland", "The Netherlands", "Hollande", "Holanda", "Olanda"),
    "RU": ("Russland", "Russie", "Rusia", "Rússia", "Rusland"),
    "KR": ("Korea, South", "Republic of Korea", "Südkorea", "Corée du Sud", "Corea del Sur",
           "Corea del Sud", "Coreia do Sul", "Zuid-Korea"),
    "KP": ("Korea, North", "Nordkorea", "Corée du Nord", "Corea del Norte", "Corea del Nord",
           "Coreia do Norte", "Noord-Korea"),
    "CZ": ("Czech Republic", "Tschechische Republik", "République tchèque", "República Checa",
           "Repubblica Ceca", "República Tcheca", "Tsjechische Republiek"),
    "TR": ("Turkey",),
    "AE": ("UAE", "Emirates", "VAE", "EAU"),
    "SA": ("KSA", "Kingdom of Saudi Arabia"),
    "IE": ("Republic of Ireland", "Éire"),
    "BY": ("Weißrussland", "Weissrussland", "Biélorussie", "Bielorrusia", "Bielorussia",
           "Bielorrússia", "Wit-Rusland"),
    "MK": ("Macedonia", "Mazedonien", "Macédoine", "Macedónia", "Macedonië"),
    "CD": ("DR Congo", "DRC", "Congo-Kinshasa"),
    "CG": ("Republic of the Congo", "Congo-Brazzaville"),
    "CI": ("Ivory Coast", "Elfenbeinküste", "Costa de Marfil", "Costa d'Avorio",
           "Costa do Marfim", "Ivoorkust"),
    "CV": ("Cape Verde", "Kap Verde", "Cap-Vert", "Capo Verde", "Kaapverdië"),
    "SZ": ("Swaziland",),
    "MM": ("Burma",),
    "TL": ("East Timor", "Osttimor", "Timor oriental", "Timor Est", "Oost-Timor"),
    "VA": ("Vatican", "Vatikan", "Vatikanstadt", "Cité du Vatican", "Vaticano", "Vaticaanstad"),
    "PS": ("Palästina", "Palestina"),
    "SY": ("Syrien", "Syrie", "Siria", "Síria", "Syrië"),
    "IR": ("Irán", "Irã"),
    "BO": ("Bolivien", "Bolivie", "Bolívia"),
    "VE": ("Venezuela",),
    "TZ": ("Tansania", "Tanzanie", "Tânzania"),
    "MD": ("Moldawien", "Moldavie", "Moldavia", "Moldávia", "Moldavië"),
    "LA": ("Laos",),
    "VN": ("Viêt Nam", "Vietnã"),
    "TW": ("Taïwan", "Taiwán"),
    "HK": ("Hong Kong SAR", "Hongkong"),
    "MO": ("Macau", "Macao"),
}


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
    for option in options:
        for name in OTHER_NAMES.get(option, ()):
            found.setdefault(fold(name), option)
    read_as = _read_as(options)
    for english, every in _iso_names().items():
        for name in every if english in read_as else ():
            found.setdefault(fold(name), read_as[english])
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
    """The other ways an export may write `option` that a rule naming it matches: its other
    names, the kinds of it a CRM keeps apart, its ISO names in every language read, its
    everyday names and its ISO codes."""
    codes = tuple(sorted(code for code, named in _iso_codes(options).items() if named == option))
    countries = [english for english, read in _read_as(options).items() if read == option]
    return (OTHER_NAMES.get(option, ()) + KINDS.get(option, ()) + tuple(
        name for english in countries for name in _iso_names()[english]) + codes)


def _english(country) -> str:
    """The one English name a country is read as: ISO 3166's short name, or the name people
    use where that is a formal one ('Korea, Republic of' is 'South Korea')."""
    return (_ENGLISH.get(country.alpha_2) or getattr(country, "common_name", None)
            or country.name)


@cache
def _read_as(options: tuple[str, ...]) -> dict[str, str]:
    """Each country's English name -> the name it is read as among `options`: the option that
    names it, else its English name. Empty unless at least half the options name a country:
    only a list of countries reads other values as countries."""
    by_fold = {fold(option): option for option in options}
    read_as, listed = {}, 0
    for english, every in _iso_names().items():
        option = next((by_fold[fold(name)] for name in every if fold(name) in by_fold), None)
        listed += option is not None
        read_as[english] = option or english
    return read_as if options and 2 * listed >= len(options) else {}


@cache
def _iso_names() -> dict[str, tuple[str, ...]]:
    """A country's English name (`_english`) -> its names: ISO 3166's, in English and in
    `LANGUAGES`, and its `EVERYDAY_NAMES`. A name two countries share, once folded, names
    neither."""
    languages = [gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
                 for language in LANGUAGES]
    by_country: dict[str, set[str]] = {}
    countries_of: dict[str, set[str]] = defaultdict(set)
    for country in pycountry.countries:
        english = {getattr(country, key) for key in ("name", "official_name", "common_name")
                   if hasattr(country, key)}
        every = (english | {_english(country)} | set(EVERYDAY_NAMES.get(country.alpha_2, ()))
                 | {language.gettext(name) for language in languages for name in english})
        by_country[_english(country)] = every
        for name in every:
            countries_of[fold(name)].add(country.alpha_2)
    return {country: tuple(sorted(name for name in every if len(countries_of[fold(name)]) == 1))
            for country, every in by_country.items()}


@cache
def _iso_codes(options: tuple[str, ...]) -> dict[str, str]:
    """Alpha-2 and alpha-3 code -> the name each country is read as, on a list of countries."""
    read_as = _read_as(options)
    codes = {}
    for country in pycountry.countries if read_as else ():
        codes[country.alpha_2] = codes[country.alpha_3] = read_as[_english(country)]
    return codes


@cache
def _alpha_2() -> frozenset[str]:
    return frozenset(country.alpha_2 for country in pycountry.countries)
