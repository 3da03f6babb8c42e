"""Column mapping: which header of an export is which standard lead field, and what is an outcome.

Exports name their columns however their CRM does (HubSpot labels or internal names, Salesforce
API names or report labels, or whatever someone typed). `auto_map` matches the usual spellings and
close variants to catalog keys; the user reviews the result; a `Mapping` is saved with the
workshop and found again for the next export with the same headers (`headers_signature`).

Unmapped columns are left alone: `workshop.leads.normalise` keeps them under their own header, so
criteria can still name them.
"""
from __future__ import annotations

import difflib
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable
from collections.abc import Mapping as AbcMapping
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial
from typing import NamedTuple

import numpy as np
import pandas as pd

from workshop.catalog import FIELDS, Kind
from workshop.column_types import (
    DAY_FIRST,
    MONTH_FIRST,
    TYPED_SHARE,
    UNIT_WORDS,
    carries_own_unit,
    date_shaped,
    decimal_mark,
    filled,
    normalise_header,
)
from workshop.distinct import per_distinct, text_categories
from workshop.leads import (
    LOST_STAGE,
    NOT_WON_STAGE,
    WON_STAGE,
    blank_placeholders,
    canonical_category,
    job_function,
    never_set_dates,
    normalise,
    parse_bool,
    parse_number,
    seniority,
    stage_outcomes,
)
from workshop.money import currencies_written

# Keys a column may be mapped to besides the catalog's: normalise uses the first four
# (record_id, email for the e-mail domain, deal_stage for the outcome, amount as money); the
# last two are kept under that name and only read by `suggest_outcome`.
SOURCE_KEYS: dict[str, str] = {
    "record_id": "Record ID",
    "email": "E-mail address",
    "deal_stage": "Deal stage",
    "amount": "Deal amount",
    "converted": "Converted (yes/no)",
    "lead_status": "Lead status",
}
ALLOWED_KEYS: frozenset[str] = frozenset(FIELDS) | frozenset(SOURCE_KEYS)

# Usual spellings per key, preferred first: when an export has two of them (HubSpot's "Number of
# Employees" and "Company size"), the earlier one gets the field and the other stays unmapped.
# German, French and Spanish spellings come last, and only those that no other column's header
# contains, or taken as the whole header only (`_WHOLE_HEADER_ONLY`: "Mitarbeiter" alone is
# also in "Zuständiger Mitarbeiter", the lead's owner).
_SPELLINGS: dict[str, tuple[str, ...]] = {
    "record_id": ("Record ID", "hs_object_id", "Id", "Lead ID", "Contact ID", "vid",
                  "Prospect ID", "Opportunity ID", "Deal ID", "MQL ID", "Lead Number",
                  "Record Id", "Customer ID", "Account ID",
                  "ID record", "ID del registro", "ID do registro"),
    "email": ("Email", "email", "Email Address", "E-mail", "E-mail Address", "Work Email",
              "Business Email", "Contact Email", "Primary Email", "Emails",
              "Primary Contact Primary Email", "email1", "Correo electrónico",
              "Correo electronico", "Correo", "E-Mail-Adresse", "Adresse e-mail",
              "Adresse électronique", "Indirizzo e-mail", "E-mail adres", "E-mailadres", "E-post",
              "E-postadress", "Courriel", "Adres e-mail"),
    "company": ("Company Name", "company", "Company", "Company / Account", "Account Name",
                "Associated Company", "Organization", "Organisation", "Account",
                "Organization Name", "Organisation Name", "Customer Name", "Firm",
                "Potential Customer", "Firma", "Firmenname", "Unternehmensname",
                "Name des Unternehmens",
                "Entreprise", "Société", "Nom de l'entreprise", "Empresa", "Unternehmen",
                "Bedrijf", "Bedrijfsnaam", "Företag", "Företagsnamn", "Azienda", "Nome azienda",
                "Nome dell'azienda", "Nombre de la cuenta", "Nombre de la empresa",
                "Nome da empresa", "Organização - Nome", "Organización - Nombre",
                "Organisation - Nom", "Organizzazione - Nome"),
    "industry": ("Industry", "industry", "Industry Type", "Sector", "Business Segment",
                 "Vertical", "Industry Sector", "Market Segment", "Branche", "Secteur",
                 "Secteur d'activité", "Industria", "Settore", "Setor", "Bransch",
                 "Branża"),
    "employees": ("Number of Employees", "numemployees", "NumberOfEmployees", "Employees",
                  "No. of Employees", "Employee Count", "Company size", "Headcount",
                  "Number of employees (company)", "Staff Count", "Company Headcount",
                  "Employee Range", "Employees Range", "Headcount Range", "Company Size Range",
                  "Anzahl Mitarbeiter",
                  "Anzahl der Mitarbeiter", "Mitarbeiterzahl", "Mitarbeiteranzahl",
                  "Effectif", "Nombre d'employés", "Número de empleados", "Empleados",
                  "Numero di dipendenti", "Número de funcionários", "Aantal werknemers",
                  "Aantal medewerkers", "Antal anställda", "Liczba pracowników",
                  "Mitarbeiter"),
    "annual_revenue": ("Annual Revenue", "annualrevenue", "AnnualRevenue", "Revenue",
                       "Annual Revenue (USD)", "Company Revenue", "Yearly Revenue", "Turnover",
                       "Annual Turnover", "Annual Revenue Range", "Revenue Range", "Umsatz",
                       "Jahresumsatz", "Chiffre d'affaires",
                       "Chiffre d'affaires annuel", "Facturación", "Ingresos anuales",
                       "Jaaromzet", "Omzet",
                       "Omsättning", "Fatturato", "Fatturato annuo", "Faturamento",
                       "Faturamento anual", "Receita anual"),
    "country": ("Country/Region", "country", "Country", "Country Name", "Office Location",
                "Country (Region)", "BillingCountry", "Billing Country", "MailingCountry",
                "Mailing Country", "HQ Country", "Headquarters Country", "Land", "Land/Region",
                "Primary Address Country", "Pays", "País", "Paese/regione", "Paese",
                "País/região", "Kraj",
                # Salesforce's ISO codes ("Country Code" alone is as often a dialling code)
                "BillingCountryCode", "Billing Country Code", "MailingCountryCode"),
    "job_title": ("Job Title", "jobtitle", "Title", "Position", "Job Role", "Designation",
                  "Primary Contact Title", "Contact Title", "Contact Job Title",
                  "Berufsbezeichnung",
                  "Jobtitel", "Stellenbezeichnung", "Intitulé du poste", "Fonction", "Cargo",
                  "Titel", "Poste",
                  "Functie", "Functietitel", "Befattning", "Qualifica", "Stanowisko"),
    "job_function": ("Job function", "job_function", "Function", "Department"),
    "seniority": ("Seniority", "hs_seniority", "Seniority Level", "Management Level"),
    "buying_role": ("Buying Role", "hs_buying_role", "Buying Roles", "Decision Role"),
    "budget": ("Budget Confirmed", "Budget", "Confirmed Budget", "Budget Amount"),
    "timeline_months": ("Purchase Timeline (Months)", "Purchase Timeline", "Timeline",
                        "Months to Purchase", "Purchase Timeframe", "Timeframe"),
    "pain": ("Primary Pain", "Pain", "Pain Point", "Pain Points", "Primary Pain Point"),
    # Marketo's "Person Source" is the marketing source; its "Original Source Type" says how
    # the record was made ("Web form fillout", "List import"), taken only without the other
    "lead_source": ("Original Source", "hs_analytics_source", "LeadSource", "Lead Source",
                    "Person Source", "Prospect Source", "Original Traffic Source", "Source",
                    "Original Source Type",
                    "Latest Source", "Latest Traffic Source", "hs_latest_source",
                    "Origin", "Lead Origin", "Lead Channel", "Channel", "Acquisition Channel",
                    "Marketing Channel", "Source Channel", "UTM Source", "Lead-Quelle",
                    "Leadquelle", "Quelle", "Source du prospect", "Origine du prospect",
                    "Fuente de Posible cliente", "Origen del lead", "Leadbron", "Leadkälla",
                    "Fonte originale", "Fonte del lead", "Origem do lead", "Fonte do lead",
                    "Origen del candidato", "Origine du lead", "Źródło leada",
                    "Quelle des Originaltraffics", "Originalquelle", "Source d'origine",
                    "Source de trafic d'origine", "Fuente original",
                    "Fuente de tráfico original", "Fonte di traffico originale",
                    "Oorspronkelijke bron", "Fonte original"),
    "lifecycle_stage": ("Lifecycle Stage", "lifecyclestage", "Lebenszyklusphase",
                        "Étape du cycle de vie", "Etapa del ciclo de vida",
                        "Fase del ciclo di vita", "Levenscyclusfase",
                        "Estágio do ciclo de vida"),
    "is_customer": ("Existing Customer", "Is Customer"),
    "created": ("Create Date", "createdate", "CreatedDate", "Created Date", "Created",
                "Created At", "Date Created", "Lead Created Date", "Created On",
                "Created Time", "Creation Date", "First Contact Date", "Engage Date",
                "Engagement Date", "Lead Date", "Date Added", "Became a Lead Date",
                "Signup Date", "Sign-up Date", "First Seen", "Creation Time", "Lead Created",
                "Lead Creation Date", "Submitted At", "Submitted On", "Submission Date",
                "Erstellt am", "Erstelldatum",
                "Erstellungsdatum", "Date de création", "Fecha de creación", "Créé le",
                "Hora de creación", "Heure de création", "Ora di creazione", "Erstellungszeit",
                "Fecha de alta", "Creado el", "Data di creazione", "Data de criação",
                "Data de criacao", "Aangemaakt op", "Aanmaakdatum", "Skapad", "Skapat",
                "Skapad datum", "Negócio criado em", "Criado em", "Data utworzenia",
                "date_entered", "Date Entered"),
    "page_views": ("Number of Pageviews", "hs_analytics_num_page_views", "Page Views",
                   "Pageviews"),
    "form_submissions": ("Number of Form Submissions", "num_conversion_events",
                         "Form Submissions"),
    "demo_requested": ("Demo Requested", "Requested a Demo", "Demo Request"),
    "pricing_page_visits": ("Pricing Page Visits", "Pricing Page Views"),
    "webinars_attended": ("Webinars Attended", "Webinar Attended", "Webinars"),
    "content_downloads": ("Content Downloads", "Whitepaper Downloads", "Downloads"),
    "email_clicks": ("Email Clicks", "hs_email_click", "Marketing emails clicked"),
    "deal_stage": ("Deal Stage", "dealstage", "StageName", "Stage", "Opportunity Stage",
                   "Pipeline Stage", "Sales Stage", "Stage Name", "Étape", "Etapa", "Phase",
                   "Fase della trattativa", "Fase", "Fase do negócio", "Affärsfas", "Etap"),
    "amount": ("Amount", "Deal Amount", "Opportunity Amount", "Close Value", "Deal Value",
               "Opportunity Value", "Deal Size", "Contract Value", "Deal Revenue",
               "Opportunity Revenue", "Bid Amount"),
    "converted": ("IsConverted", "Converted", "Is Converted", "Won", "Is Won", "Omgezet",
                  "Geconverteerd", "Konvertiert", "Convertido", "Convertito", "Konverterad"),
    "lead_status": ("Status", "Lead Status", "hs_lead_status", "status_label", "Lead stage",
                    "Status Reason", "Statut du prospect", "Statut", "Stato del lead",
                    "Status do lead", "Estado del candidato"),
}

KNOWN_HEADERS: dict[str, str] = {
    spelling: key for key, spellings in _SPELLINGS.items() for spelling in spellings
}

# Close matches: difflib ratio on the normalised form, for forms at least this long (short ones
# are too easily confused: "County" is not "Country").
FUZZY_RATIO = 0.86
FUZZY_MIN_LENGTH = 8
# Containment ("Company Size (employees)" -> employees) uses only forms at least this long, and
# never when the rest of the header says it is something else ("ConvertedDate", "Company ID").
CONTAINS_MIN_LENGTH = 7
CONTAINS_MIN_COVERAGE = 0.35
_BLOCKING_WORDS = frozenset({
    "id", "ids", "date", "time", "timestamp", "owner", "by", "drill", "down", "drilldown",
    "opt", "out", "domain", "url", "website", "phone", "fax", "code", "detail", "details",
    "has", "is", "do", "not",  # "has_company" is a yes/no, not a company name
})
# Words that make a column a ratio, not the thing itself: "Page Views Per Visit" is not a
# number of page views, "Win Rate" is not a win. Such headers are never mapped by likeness.
_RATIO_WORDS = frozenset({
    "per", "avg", "average", "mean", "median", "rate", "ratio", "percent", "percentage",
    "pct", "share", "index", "score", "probability", "growth", "change",
})
# Figures of a lead's own deals, filled in only once a deal exists or has closed (matched on the
# normalised header): HubSpot's "Total Revenue" (the contact's closed-won deals summed), "Days To
# Close", "Number of Associated Deals", "Recent Deal Amount", "First Deal Created Date", "Total
# open deal value"; Pipedrive's "Person - Won deals"; Salesforce's "ExpectedRevenue"; Dynamics'
# "Est. Revenue" and "Actual Revenue" (an opportunity's) and "Est. Value"; Odoo's "Prorated
# Revenue" and "Revenu espéré"; a deal's, contract's or subscription's revenue, and revenue won,
# expected or forecast in any word order or language; a customer's lifetime value or number of
# purchases. Never a catalog field by likeness (not the company's revenue nor its name), and
# never learned from (`workshop.learn`).
DEAL_FIGURE_NAME = re.compile(
    r"(?:total|actual|est|estimated|expected|weighted|recent|won|closed|pipeline|forecast"
    r"|prorated|deal|opportunity|opp|potential|projected|contract|subscription)(?:revenue|value)"
    r"|revenue(?:won|lost|closed|forecast|expected|estimate|potential|projected|prorated"
    r"|weighted)|revenu(?:espere|prevu|previsionnel|attendu|pondere|auprorata)"
    r"|chiffredaffaires(?:previsionnel|prevu|espere|attendu|pondere)"
    r"|ingresos?(?:esperados?|previstos?|prorrateados?|ponderados?)"
    r"|receita(?:esperada|prevista|ponderada)"
    r"|(?:erwartet|gewichtet|anteilig|prognostiziert)\w*umsatz|umsatz(?:erwartet|prognose)"
    r"|toclose|deals$|dealids?$|numberofdeals|recentdeal|firstdeal"
    r"|dealvalue|lifetimevalue|^c?ltv$|purchases$|orders$|totalspent|becameacustomer")


def _words(header: object) -> list[str]:
    """"ConvertedAccountId" / "Original Source Drill-Down 1" -> lowercase words."""
    text = unicodedata.normalize("NFKD", str(header)).encode("ascii", "ignore").decode()
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", text)
    return [w for w in re.split(r"[^0-9a-z]+", text.casefold()) if w]


_EXACT: dict[str, tuple[str, int]] = {}
for _key, _spellings in _SPELLINGS.items():
    for _rank, _spelling in enumerate(_spellings):
        _form = normalise_header(_spelling)
        if _form in _EXACT and _EXACT[_form][0] != _key:  # pragma: no cover - a data error
            raise AssertionError(f"{_spelling!r} is a spelling of two fields")
        _EXACT.setdefault(_form, (_key, _rank))
for _key, _lead_field in FIELDS.items():  # "job_function", "Job function" as the catalog says
    for _spelling in (_key, _lead_field.label):
        _EXACT.setdefault(normalise_header(_spelling), (_key, len(_SPELLINGS.get(_key, ()))))


@dataclass(frozen=True, order=True)
class _Candidate:
    score: float
    preference: float  # breaks ties: earlier spelling, later position in the header
    header_order: int  # then the column that comes first in the file
    header: str = field(compare=False)
    key: str = field(compare=False)


# Pipedrive names a column after the record it belongs to ("Organization - Industry", "Person -
# Email"), a Salesforce report after a colon ("Contact: Title", "Opportunity: Created Date"),
# Dynamics 365 in brackets after it ("Status Reason (Lead)", "Email (Primary Contact)
# (Contact)"). The rest of such a header names the field, among those the record can carry: a
# deal's "Title" is not a job title, an organisation's "Status" not a lead status.
_COMPANY_KEYS = frozenset({"company", "industry", "employees", "annual_revenue", "country"})
_DEAL_KEYS = frozenset({"deal_stage", "amount", "created", "lead_source"})
_LEAD_KEYS = ALLOWED_KEYS - {"deal_stage", "amount"}
_RECORD_KEYS: dict[str, frozenset[str]] = {
    "organization": _COMPANY_KEYS, "organisation": _COMPANY_KEYS, "account": _COMPANY_KEYS,
    "company": _COMPANY_KEYS, "deal": _DEAL_KEYS, "opportunity": _DEAL_KEYS,
    "lead": _LEAD_KEYS, "contact": _LEAD_KEYS, "person": _LEAD_KEYS,
    # Dynamics 365 names an opportunity's account "Potential Customer":
    # "Industry (Potential Customer) (Account)"
    "customer": _COMPANY_KEYS,
    # Pipedrive in other languages: "Negócio - Etapa", "Organización - Sector", "Personne - …"
    "negocio": _DEAL_KEYS, "trato": _DEAL_KEYS, "affaire": _DEAL_KEYS, "trattativa": _DEAL_KEYS,
    "oportunidad": _DEAL_KEYS, "oportunidade": _DEAL_KEYS, "opportunita": _DEAL_KEYS,
    "organizacao": _COMPANY_KEYS, "organizacion": _COMPANY_KEYS,
    "organizzazione": _COMPANY_KEYS, "organisatie": _COMPANY_KEYS,
    "pessoa": _LEAD_KEYS, "persona": _LEAD_KEYS, "personne": _LEAD_KEYS, "persoon": _LEAD_KEYS,
}
_RECORD_PREFIX = re.compile(r"^\s*([^\W\d_]+)(?:\s+-|\s*:)\s+(.+)$")
_RECORD_SUFFIX = re.compile(r"^(.+?)\s*\(([^()]*)\)\s*$")
# Spellings taken only as the whole header: "Mitarbeiter" (employees) is also the end of
# "Zuständiger Mitarbeiter", the lead's owner.
_WHOLE_HEADER_ONLY = frozenset({"mitarbeiter"})


def _record_field(header: str) -> tuple[str, frozenset[str]] | None:
    """The field part of a header naming its record, and the keys that record can carry."""
    prefixed = _RECORD_PREFIX.match(header)
    record = normalise_header(prefixed.group(1)) if prefixed else ""
    if record in _RECORD_KEYS:
        return prefixed.group(2), _RECORD_KEYS[record]
    rest, keys = header, None
    while (suffixed := _RECORD_SUFFIX.match(rest)) is not None:
        words = _words(suffixed.group(2))
        if not words or words[-1] not in _RECORD_KEYS:
            break
        rest = suffixed.group(1)
        keys = _RECORD_KEYS[words[-1]] & (keys if keys is not None else ALLOWED_KEYS)
    return (rest, keys) if keys is not None else None


def _app_column(header: str) -> bool:
    """One of the columns the app writes into its own lead CSV: "lead_stage" imported back is
    the app's stage, not Freshsales' "Lead stage"."""
    from workshop.lead_export import STAGE_COLUMNS  # it reads evaluate, which reads this

    return header in STAGE_COLUMNS


@lru_cache(maxsize=4096)  # an upload asks twice (reading, then mapping), a re-upload again
def _best_candidate(header: str, order: int) -> _Candidate | None:
    """The key a header most likely names, scored; the field part of a header naming its
    record first ("Organization - Industry" is the industry, not the company)."""
    if _app_column(header):
        return None
    if converted := _CONVERTED_QUALIFIER.match(header):
        # Salesforce's "Amount (converted)": the amount in the org's own currency, not the
        # converted flag; after a column named plainly so, which is the record's own figure.
        found = _best_candidate(converted.group(1), order)
        if found is None or found.key == "converted":
            return None
        return replace(found, header=header, score=found.score - 0.01)
    if normalise_header(header) not in _EXACT and (record := _record_field(header)):
        rest, keys = record
        found = _header_candidate(rest, order)
        if found is not None and found.key in keys:
            return replace(found, header=header)
    return _header_candidate(header, order)


# Salesforce's currency-converted figures, in its English, German, French, Spanish, Italian,
# Dutch and Portuguese interfaces: "Amount (converted)", "Betrag (konvertiert)".
_CONVERTED_QUALIFIER = re.compile(
    r"^(.*\S)\s*\((?:converted|konvertiert|converti|convertido|convertito|geconverteerd)\)\s*$",
    re.IGNORECASE)
# A unit in brackets after the field's name: "Umsatz (Tsd. €)", "Revenue [k EUR]".
_UNIT_QUALIFIER = re.compile(r"\s*[(\[][^()\[\]]*[)\]]\s*$")
# Revenue over another period than a year: "Monthly Revenue" is a twelfth of the annual one.
_NOT_YEARLY = re.compile(r"month|quarter|week|daily|mensu|monat|trimest|mrr")
# Words naming an identifier: without one, "Opportunity" is the deal's name, not its ID.
_ID_WORDS = frozenset({"id", "ids", "number", "no", "nr", "num", "key", "identifier", "vid"})
# Records a conversion creates: "Converted Account" names the account the lead became.
_CREATED_RECORDS = frozenset({"account", "contact", "opportunity", "company", "organization",
                              "organisation", "deal"})


def _unlike_keys(form: str, words: set[str]) -> frozenset[str]:
    """Keys a header resembles but that the rest of it rules out (for likeness only)."""
    unlike = set()
    if _NOT_YEARLY.search(form):
        unlike.add("annual_revenue")
    if not words & _ID_WORDS and not form.endswith("id"):
        unlike.add("record_id")
    if "converted" in words and words & _CREATED_RECORDS:
        return ALLOWED_KEYS  # filled only once converted: neither the flag nor the lead's own
    return frozenset(unlike)


def _header_candidate(header: str, order: int) -> _Candidate | None:
    form = normalise_header(header)
    if not form:
        return None
    if form in _EXACT:
        key, rank = _EXACT[form]
        return _Candidate(1.0, -rank, -order, header, key)
    unit_free = normalise_header(_UNIT_QUALIFIER.sub("", header))
    qualifier = _UNIT_QUALIFIER.search(header)
    if unit_free in _EXACT and (unit_in_header(header) is not None or (  # "Umsatz (Tsd. €)"
            qualifier and currencies_written([], qualifier.group()))):  # "Budget (EUR)"
        key, rank = _EXACT[unit_free]
        return _Candidate(1.0, -rank, -order, header, key)
    best: _Candidate | None = None
    if _RATIO_WORDS & set(_words(header)) or _WON_DATE_NAME.match(form):
        return None  # a ratio is not the thing itself; a won date is an outcome, kept as is
    deal_figure = DEAL_FIGURE_NAME.search(form) is not None
    unlike = _unlike_keys(form, set(_words(header)))
    if len(form) >= FUZZY_MIN_LENGTH:
        for known, (key, rank) in _EXACT.items():
            if len(known) < FUZZY_MIN_LENGTH or (deal_figure and key in FIELDS) \
                    or known in _WHOLE_HEADER_ONLY or key in unlike:
                continue
            ratio = difflib.SequenceMatcher(None, form, known, autojunk=False).ratio()
            if ratio >= FUZZY_RATIO:
                candidate = _Candidate(round(ratio, 6), -rank, -order, header, key)
                best = max(best, candidate) if best else candidate
    if best:
        return best
    words = _words(header)
    if _BLOCKING_WORDS & set(words):
        return None
    for known, (key, rank) in _EXACT.items():
        if len(known) < CONTAINS_MIN_LENGTH or known not in form or (
                deal_figure and key in FIELDS) or known in _WHOLE_HEADER_ONLY or key in unlike:
            continue
        coverage = len(known) / len(form)
        if coverage < CONTAINS_MIN_COVERAGE:
            continue
        # Below any fuzzy match; more of the header explained is better; the later a word comes,
        # the more it names the thing ("Company Size (employees)": employees, not company).
        position = form.rfind(known) / len(form)
        candidate = _Candidate(round(0.5 + 0.3 * coverage, 6), position - rank / 100,
                               -order, header, key)
        best = max(best, candidate) if best else candidate
    return best


def auto_map(headers: Iterable[object]) -> dict[str, str]:
    """Header -> key for the headers that look like a standard field; the rest stay unmapped.

    Exact spellings first (case, spaces and punctuation ignored), then close matches, then
    headers containing a usual spelling. Each key goes to one header only: the best match wins.
    In an export of deals (it has a deal stage), a plain "Value" ("Valor", "Betrag") is the
    deal's amount.
    """
    unique = _unique_headers(headers)
    candidates = [c for order, header in enumerate(unique)
                  if (c := _best_candidate(header, order)) is not None]
    mapped: dict[str, str] = {}
    taken: set[str] = set()
    for candidate in sorted(candidates, reverse=True):
        if candidate.key not in taken:
            mapped[candidate.header] = candidate.key
            taken.add(candidate.key)
    if "deal_stage" in taken and "amount" not in taken:
        value = next((h for h in unique if h not in mapped
                      and normalise_header(_deal_field(h)) in _DEAL_VALUE_FORMS), None)
        if value is not None:
            mapped[value] = "amount"
    return {header: mapped[header] for header in unique if header in mapped}


def _deal_field(header: str) -> str:
    """The field part of a header naming a deal ("Negócio - Valor" -> "Valor"), else the
    header."""
    record = _record_field(header)
    return record[0] if record is not None and record[1] == _DEAL_KEYS else header


# A deal's value as deal exports name it plainly (Copper, Odoo in Spanish, Pipedrive in German),
# and Odoo's "Expected Revenue" (its deals' amount, in French "Revenu espéré"): too general a
# word for a lead export, and Salesforce's ExpectedRevenue is weighted, so only in a deals
# export without an amount.
_DEAL_VALUE_FORMS = frozenset({"value", "valor", "betrag", "valeur", "montant", "wert",
                               "importe", "dealwert", "expectedrevenue", "revenuespere",
                               "ingresoesperado", "erwarteterumsatz", "receitaesperada",
                               "importo", "bedrag", "belopp", "waarde", "kwota"})


def _unique_headers(headers: Iterable[object]) -> list[str]:
    return list(dict.fromkeys(h for h in headers if isinstance(h, str)))


_ADDRESS = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def email_by_values(raw: pd.DataFrame, columns: AbcMapping[str, str]) -> dict[str, str]:
    """`columns` with the columns of e-mail addresses read as addresses.

    A header alone cannot say whether "Personal Email" (or Pipedrive's "Person - Email", a close
    match) is the yes/no field `personal_email` or an address, and read as yes/no, an address
    is False for every lead. Such a column holding addresses, or an unmapped one named like an
    e-mail ("Person - Email - Work"), becomes `email` when nothing else is; otherwise it stays
    unmapped. `workshop.leads.normalise` reads `personal_email` off the address itself."""
    addresses = [h for h in raw.columns if isinstance(h, str)
                 and (columns.get(h) == "personal_email"
                      or (not columns.get(h) and {"email", "mail"} & set(_words(h))))
                 and _holds_addresses(raw[h])]
    result = {h: k for h, k in columns.items() if h not in addresses}
    if addresses and "email" not in result.values():
        result[addresses[0]] = "email"
    return {h: result[h] for h in dict.fromkeys([*raw.columns, *columns]) if h in result}


def _holds_addresses(column: pd.Series | pd.DataFrame) -> bool:
    """Nearly all filled values (`TYPED_SHARE`) of rows spread over the column are addresses."""
    if not isinstance(column, pd.Series):  # a header the file repeats: not one column
        return False
    sample = column.iloc[:: max(1, len(column) // 20_000)]
    text = _value_text(sample).dropna()
    if text.empty:
        return False
    return bool(text.astype("str").str.strip().str.contains(_ADDRESS, regex=True).mean()
                >= TYPED_SHARE)


def fit_to_values(raw: pd.DataFrame, columns: AbcMapping[str, str]) -> dict[str, str]:
    """`columns` checked against what the columns hold, where a header alone cannot tell.

    E-mail addresses are found (`email_by_values`). A column mapped to a yes/no field whose
    values are not yes/no (Odoo's "Customer", the customer's name) is left unmapped, and so is
    a "Title" that holds no job titles (a deal's name, "Mr"/"Ms") and a purchase timeline in
    words ("This Quarter"): read as yes/no or numbers, every lead would read False or blank.
    A "Customer" or "Client" column of names is the company when nothing else is. Of columns
    sharing a header, the field goes to the fullest (`fullest_of_same_header`)."""
    result = email_by_values(raw, fullest_of_same_header(raw, columns))
    turned_away: set[str] = set()
    for header, key in list(result.items()):
        if header in raw.columns and isinstance(raw[header], pd.Series) \
                and not holds_field_values(raw[header], header, key):
            del result[header]
            turned_away.add(header)
            # The field goes to the next header that spells it: ActiveCampaign's deal export
            # has a "Title" (the deal's name) and a "Contact Job Title".
            while (other := _next_header_for(raw, key, set(result) | turned_away)) is not None:
                if holds_field_values(raw[other], other, key):
                    result[other] = key
                    break
                turned_away.add(other)
    if "company" not in result.values():
        named = next((h for h in raw.columns if isinstance(h, str) and h not in result
                      and normalise_header(h) in _CUSTOMER_NAME_FORMS
                      and isinstance(raw[h], pd.Series)
                      and parse_bool(_sample_values(raw[h])).notna().mean() < _MOSTLY), None)
        if named is not None:
            result[named] = "company"
    return {h: result[h] for h in dict.fromkeys([*raw.columns, *columns]) if h in result}


def holds_field_values(column: pd.Series, header: object, key: str) -> bool:
    """Whether a column's values can be read as the field its header names, where the header
    alone cannot tell: yes/no values for a yes/no field, job titles under a plain "Title",
    months in numbers for a purchase timeline. Other fields' values are read whatever they
    hold."""
    kind = FIELDS[key].kind if key in FIELDS else None
    plain_title = key == "job_title" and isinstance(header, str) \
        and normalise_header(header) == "title"
    if not (kind == Kind.BOOLEAN or key == "timeline_months" or plain_title):
        return True
    values = _sample_values(column)
    if not len(values):
        return True
    if kind == Kind.BOOLEAN:
        return bool(parse_bool(values).notna().mean() >= _MOSTLY
                    or date_shaped(values) >= TYPED_SHARE)
    if plain_title:
        return _holds_job_titles(values)
    return bool(pd.api.types.is_numeric_dtype(column)
                or parse_number(values).notna().mean() >= _MOSTLY)


def _next_header_for(raw: pd.DataFrame, key: str, passed: set[str]) -> str | None:
    """The header that best spells `key` among the columns not yet mapped or passed over."""
    rest = [h for h in raw.columns if isinstance(h, str) and h not in passed
            and isinstance(raw[h], pd.Series)]
    return next((h for h, k in auto_map(rest).items() if k == key), None)


# How the import names the second, third… column under a header the file repeats: "Industry (2)"
# (see `workshop.importer.read_export`).
_COPY_SUFFIX = re.compile(r"^(.*\S) \(([2-9]|[1-9]\d+)\)$")


def same_header_groups(headers: Iterable[object]) -> list[list[str]]:
    """Columns that carry one header in the file, first column first ("Industry", "Industry
    (2)"): HubSpot's custom properties share labels with its own, and only one such column
    can get the field."""
    unique = _unique_headers(headers)
    groups: dict[str, list[str]] = {h.casefold(): [h] for h in unique}
    for header in unique:
        copy = _COPY_SUFFIX.match(header)
        if copy and copy.group(1).casefold() in groups:
            groups[copy.group(1).casefold()].append(header)
    return [group for group in groups.values() if len(group) > 1]


def fullest_of_same_header(raw: pd.DataFrame, columns: AbcMapping[str, str]) -> dict[str, str]:
    """`columns` with the field of a header the file repeats given to the column with the most
    values filled (ties: the first). The header alone matches the first column, which may be
    an empty or sparse duplicate of the one that holds the values; the others keep their own
    names, so the mapping can still be changed by hand."""
    result = dict(columns)
    for group in same_header_groups(raw.columns):
        present = [h for h in group if isinstance(raw[h], pd.Series)]
        keys = [result.pop(h) for h in present if result.get(h)]
        if not keys:
            continue
        filled = {h: int(_value_text(raw[h]).notna().sum()) for h in present}
        fullest = sorted(present, key=lambda h: -filled[h])  # stable: ties keep file order
        result.update(zip(fullest, keys, strict=False))  # the fullest first
    return {h: result[h] for h in dict.fromkeys([*raw.columns, *columns]) if h in result}


# Headers naming the customer, in a deals export its company: "Customer", "Client", "Kunde".
_CUSTOMER_NAME_FORMS = frozenset({"customer", "client", "kunde", "cliente", "klant"})
# A share of a "Title" column's values that name a function or a rank, below which it holds
# something else (deal names, salutations).
_JOB_TITLE_SHARE = 0.1
# Of a column's distinct values, the share that must read as its field's kind ("Yes", "No",
# "Maybe" is still a yes/no column; customer names are not).
_MOSTLY = 0.5


def _sample_values(column: pd.Series) -> pd.Series:
    """The distinct filled values (as text) of rows spread over the column, at most 2,000."""
    sample = column.iloc[:: max(1, len(column) // 20_000)]
    text = _value_text(sample).dropna()
    return pd.Series(pd.unique(text.astype("str"))[:2_000], dtype="str")


def _holds_job_titles(values: pd.Series) -> bool:
    function, rank = job_function(values), seniority(values)
    named = (function.notna() & (function != "Other")) | (
        rank.notna() & (rank != "Individual contributor"))
    return bool(named.mean() >= _JOB_TITLE_SHARE)


# Fields whose values repeat over a whole export: a few categories, counts, yes/no (but a
# "Personal Email" column often holds addresses, see `email_by_values`).
_REPEATING = frozenset(key for key, field in FIELDS.items()
                       if field.kind in (Kind.CATEGORY, Kind.COUNT, Kind.BOOLEAN)
                       and key != "personal_email")


def repeating_columns(headers: list[str]) -> set[str]:
    """The headers the automatic mapping gives a field whose values repeat, for the import to
    read each of their values once (`workshop.importer.read_export`). A mapping chosen later
    may map them otherwise: the cleaning reads them right whatever they become. Columns under
    the same header as one of them are read alike, as any of them may get the field."""
    repeating = {header for header, key in auto_map(headers).items() if key in _REPEATING}
    return repeating.union(*(group for group in same_header_groups(headers)
                             if repeating.intersection(group)))


def usual_key(header: object) -> str | None:
    """The field a header names by one of its usual spellings ("Sector" -> industry)."""
    known = _EXACT.get(normalise_header(header))
    return known[0] if known else None


def headers_signature(headers: Iterable[object]) -> str:
    """The same for the same set of headers, whatever their order, case or punctuation."""
    forms = sorted({normalise_header(h) for h in headers} - {""})
    return hashlib.sha256("\x1f".join(forms).encode()).hexdigest()[:16]


def matching_headers(saved: Iterable[str], headers: Iterable[object]) -> dict[str, str]:
    """Each saved header -> the header of this export that `headers_signature` counts as the
    same ("Created Time" -> "Created time"), the exact spelling first. A saved header matching
    none, or several, is left out, and no export header takes two saved headers' readings."""
    present = _unique_headers(headers)
    by_form: dict[str, list[str]] = {}
    for header in present:
        by_form.setdefault(normalise_header(header), []).append(header)
    exact = set(present)
    found: dict[str, str] = {}
    for header in dict.fromkeys(saved):
        same = by_form.get(normalise_header(header), []) if normalise_header(header) else []
        if header in exact:
            found[header] = header
        elif len(same) == 1:
            found[header] = same[0]
    claims: dict[str, int] = {}
    for header in found.values():
        claims[header] = claims.get(header, 0) + 1
    return {s: h for s, h in found.items() if s == h or claims[h] == 1}


class CarriedMapping(NamedTuple):
    """A saved mapping put onto a later export's own headers (`carry_over`)."""
    mapping: Mapping
    new: list[str]   # this export's headers the saved mapping says nothing of
    gone: list[str]  # saved headers with a reading that this export lacks
    outcome_gone: bool


def carry_over(saved: Mapping, headers: Iterable[object]) -> CarriedMapping:
    """`saved` for the columns of this export it was made for, under this export's spelling of
    their headers; a reading of a column this export lacks is left out, never moved to another
    column. Without its outcome column, the mapping has no outcome (nor its values)."""
    headers = _unique_headers(headers)
    named = [*saved.columns, *saved.units, *saved.date_orders,
             *(h for h in (saved.outcome_column, saved.closed_column) if h is not None)]
    same = matching_headers(named, headers)
    outcome = same.get(saved.outcome_column) if saved.outcome_column is not None else None
    outcome_gone = saved.outcome_column is not None and outcome is None
    unread = dict(won_values=[], open_values=[], won_when_present=False, lost_values=None)
    mapping = replace(saved, columns={same[h]: k for h, k in saved.columns.items() if h in same},
                      outcome_column=outcome,
                      closed_column=same.get(saved.closed_column) if outcome else None,
                      units={same[h]: u for h, u in saved.units.items() if h in same},
                      date_orders={same[h]: o for h, o in saved.date_orders.items()
                                   if h in same},
                      **(unread if outcome_gone else {}))
    read = {h for h, k in saved.columns.items() if k} | set(saved.units) | {
        h for h in (saved.outcome_column, saved.closed_column) if h is not None}
    gone = [h for h in dict.fromkeys(named) if h in read and h not in same]
    matched = set(same.values())
    return CarriedMapping(mapping, [h for h in headers if h not in matched], gone, outcome_gone)


def key_label(key: str) -> str:
    if key in FIELDS:
        return FIELDS[key].label
    return SOURCE_KEYS.get(key, key)


# --- the saved mapping ---------------------------------------------------------------------------

MAPPING_SCHEMA_VERSION = 1


UNITS = {1.0: "whole amounts", 1e3: "thousands", 1e6: "millions",
         1e9: "billions"}


@dataclass
class Mapping:
    """What the user agreed: header -> key, which column and values are an outcome, and the
    unit of number columns written in thousands or millions.

    `won_when_present`: any value in the outcome column means won (a conversion date, say),
    and a blank one not won. `units`: header -> multiplier (1000, 1e6) for money written in
    thousands or millions ("Revenue ($M)": 1118.27 is $1.1B); 1 for a column the facilitator
    confirmed is written in whole amounts, so that a later export's values do not overrule the
    answer (a column without a unit was never asked about, see `refit`). `lost_values`: the outcome
    column's other values when the mapping was made, so that a value a later export brings is
    told from one judged lost (see `apply_outcome`); None in mappings saved before.
    `closed_column`: a yes/no column saying whether the deal is closed (Salesforce's IsClosed
    beside IsWon): a lead not won whose deal is not closed is open, not lost; None when the
    outcome column says so alone (see `suggest_closed`). `without_outcome`: the facilitator
    chose no outcome column, so the leads have none (not even one read from a deal stage, as
    a mapping nobody chose an outcome for has). `date_orders`: header -> "day-first" or
    "month-first", the order the facilitator chose for a date column none of whose values
    says it (every day 12 or less); a later export whose values do say it is read as they say
    (see `workshop.leads.normalise`)."""

    columns: dict[str, str] = field(default_factory=dict)
    outcome_column: str | None = None
    won_values: list[str] = field(default_factory=list)
    open_values: list[str] = field(default_factory=list)
    won_when_present: bool = False
    units: dict[str, float] = field(default_factory=dict)
    lost_values: list[str] | None = None  # the rest of the values it was made with
    closed_column: str | None = None
    without_outcome: bool = False
    date_orders: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        data = {
            "schema_version": MAPPING_SCHEMA_VERSION,
            "columns": dict(self.columns),
            "outcome_column": self.outcome_column,
            "won_values": list(self.won_values),
            "open_values": list(self.open_values),
        }
        if self.won_when_present:  # written only when used: older mappings stay byte-equal
            data["won_when_present"] = True
        units = {h: _plain(u) for h, u in self.units.items()}  # 1: confirmed as written
        if units:
            data["units"] = units
        if self.lost_values is not None:
            data["lost_values"] = list(self.lost_values)
        if self.closed_column is not None:  # written only when used, as won_when_present
            data["closed_column"] = self.closed_column
        if self.without_outcome:
            data["without_outcome"] = True
        if self.date_orders:  # written only when chosen, as units
            data["date_orders"] = dict(self.date_orders)
        return json.dumps(data, ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str | bytes) -> Mapping:
        try:
            data = json.loads(text)
        except RecursionError:  # [[[[… a hundred thousand levels deep
            raise ValueError("The saved column mapping is not valid JSON: it is nested far too "
                             "deeply.") from None
        except (TypeError, ValueError) as error:
            reason = ("a number in it is far too long" if "digits" in str(error)
                      else str(error).split(": use", 1)[0])
            raise ValueError(f"The saved column mapping is not valid JSON: {reason}") from None
        if not isinstance(data, dict):
            raise ValueError("The saved column mapping must be a JSON object.")
        version = data.get("schema_version", MAPPING_SCHEMA_VERSION)
        if version != MAPPING_SCHEMA_VERSION:
            text = repr(version)  # quoted only when short and without escapes
            shown = (f"schema version {text}" if len(text) <= 40 and text.isprintable()
                     and "\\" not in text else "a schema version")
            raise ValueError(f"The saved column mapping has {shown}; "
                             f"this app reads version {MAPPING_SCHEMA_VERSION}.")
        columns = data.get("columns", {})
        if not isinstance(columns, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in columns.items()):
            raise ValueError('"columns" in the saved column mapping must map each column '
                             "header (text) to a field key (text).")
        outcome_column = data.get("outcome_column")
        closed_column = data.get("closed_column")
        for name, header in (("outcome_column", outcome_column),
                             ("closed_column", closed_column)):
            if header is not None and not isinstance(header, str):
                raise ValueError(f'"{name}" in the saved column mapping must be a column '
                                 "header or null.")
        values = {}
        for name, missing in (("won_values", []), ("open_values", []), ("lost_values", None)):
            value = values[name] = data.get(name, missing)
            if value is None and missing is None:
                continue  # not recorded: a mapping saved before values judged lost were
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValueError(f'"{name}" in the saved column mapping must be a list of texts.')
        present, without = data.get("won_when_present", False), data.get("without_outcome", False)
        for name, flag in (("won_when_present", present), ("without_outcome", without)):
            if not isinstance(flag, bool):
                raise ValueError(f'"{name}" in the saved column mapping must be true or false.')
        units = data.get("units", {})
        if not isinstance(units, dict) or not all(
                isinstance(k, str) and type(v) in (int, float) and float(v) in UNITS
                for k, v in units.items()):
            raise ValueError('"units" in the saved column mapping must map column headers to '
                             "1, 1000, 1000000 or 1000000000.")
        orders = data.get("date_orders", {})
        if not isinstance(orders, dict) or not all(
                isinstance(k, str) and v in DATE_ORDERS for k, v in orders.items()):
            raise ValueError('"date_orders" in the saved column mapping must map column headers '
                             f'to "{DAY_FIRST}" or "{MONTH_FIRST}".')
        return cls(columns=dict(columns), outcome_column=outcome_column, **values,
                   won_when_present=present, units={k: float(v) for k, v in units.items()},
                   closed_column=closed_column, without_outcome=without,
                   date_orders=dict(orders))


# The orders a facilitator can choose for a date column whose values do not decide it.
DATE_ORDERS = {DAY_FIRST: "Day first", MONTH_FIRST: "Month first"}


def _plain(number: float) -> int | float:
    return int(number) if float(number).is_integer() else number


def validate(mapping: Mapping | AbcMapping[str, str], headers: Iterable[object]) -> list[str]:
    """Human-readable problems with a mapping for these headers; empty when it can be used."""
    columns = mapping.columns if isinstance(mapping, Mapping) else dict(mapping)
    header_list = _unique_headers(headers)
    present = set(header_list)
    problems = []
    by_key: dict[str, list[str]] = {}
    for header, key in columns.items():
        if not key:
            continue
        if header not in present:
            problems.append(f'Column "{header}" is not in this export.')
            continue
        if key not in ALLOWED_KEYS:
            problems.append(f'Column "{header}" is mapped to "{key}", which is not a lead '
                            f"field; leave it unmapped to use it under its own name.")
            continue
        by_key.setdefault(key, []).append(header)
    for key, sources in by_key.items():
        if len(sources) > 1:
            names = ", ".join(f'"{s}"' for s in sources)
            problems.append(f"{key_label(key)} is mapped from several columns: {names}. "
                            f"Keep one.")
    for header in header_list:
        if header in by_key and not columns.get(header):
            problems.append(f'Column "{header}" will be replaced by "{by_key[header][0]}", '
                            f"which is mapped to {header}.")
    if isinstance(mapping, Mapping):
        if mapping.outcome_column is not None and mapping.outcome_column not in present:
            problems.append(f'The outcome column "{mapping.outcome_column}" is not in this '
                            f"export.")
        both = _folded(mapping.won_values) & _folded(mapping.open_values)
        if both:
            problems.append("These values are marked both won and open: "
                            + ", ".join(sorted(both)) + ".")
        if mapping.closed_column is not None and mapping.closed_column not in present:
            problems.append(f'The column saying whether a deal is closed '
                            f'("{mapping.closed_column}") is not in this export.')
        for header in mapping.units:
            if header not in present:
                problems.append(f'Column "{header}" (given a unit) is not in this export.')
    return problems


def choice_problems(mapping: Mapping) -> list[str]:
    """What a person saving a mapping is asked to say, beyond its fitting the file: how the
    outcome column says won. Not part of `validate`: a mapping read automatically from an
    export whose deals are all still open has no won value, and is still right for it and for
    the next export with its headers."""
    if mapping.outcome_column and not (mapping.won_values or mapping.open_values
                                       or mapping.won_when_present):
        return ["Say which values of the outcome column mean won (or still open), or that any "
                "value means won."]
    return []


# --- outcome -------------------------------------------------------------------------------------

WON = "won"
LOST = "lost"
OPEN = "open"

# Lead statuses that end the lead without a sale beyond the lost stages (`LOST_STAGE`, which
# already reads junk, no fit, not interested, do not contact, dead, abandoned, cancelled as
# lost in a stage and a status alike): a bare "Closed" (a stage says whether won), "Lose".
_LOST_STATUS = r"^closed$|^lost$|^lose$"
# A deal's own status beside its pipeline stage: Pipedrive's "Deal - Status" (won, lost, open).
# "Deal status", Insightly's "Opportunity State", Close's "status_type" (won / lost / active)
_DEAL_STATUS_NAME = re.compile(
    r"^(?:(?:deal|opportunity|opp|negocio|trato|affaire|trattativa|oportunidad|oportunidade"
    r"|opportunita)(?:status|state|result|outcome|statut|stato|estado|resultado)|statustype"
    # a column named for the outcome alone ("Outcome": Won / Lost / Open), as a team's own
    # spreadsheet or a report's summary column names it
    r"|outcome|result|winloss|wonlost|winlossresult|ergebnis|resultat|resultado|esito)$")
_WON_NAME = re.compile(r"won|convert|closedwon|iscustomer|becamecustomer|win")


def _column_keys(raw: pd.DataFrame, mapping: Mapping | AbcMapping[str, str]) -> dict[str, str]:
    """Header -> key as mapped, and as the usual spelling says for headers left unmapped."""
    columns = mapping.columns if isinstance(mapping, Mapping) else dict(mapping)
    keys = {}
    for header in raw.columns:
        if not isinstance(header, str):
            continue
        key = columns.get(header) or ("" if _app_column(header) else
                                      _EXACT.get(normalise_header(header), ("", 0))[0])
        if key:
            keys[header] = key
    return keys


def _value_text(column: pd.Series) -> pd.Series:
    """Values as stripped text; placeholders and blanks missing (how outcome values compare)."""
    if pd.api.types.is_bool_dtype(column):
        column = column.astype("boolean")
    if not isinstance(column.dtype, pd.StringDtype) and not text_categories(column):
        column = column.astype("object").where(column.notna(), None)
    return blank_placeholders(column)


def _distinct(column: pd.Series) -> list[str]:
    """Distinct values as compared (see `_value_text`), most frequent first."""
    return [value for value, _ in outcome_values(column)]


def outcome_values(column: pd.Series) -> list[tuple[str, int]]:
    """An outcome column's distinct values as compared (stripped; blanks and placeholders
    left out) with how many leads have each, most frequent first.

    Counted on the raw column and cleaned afterwards, so a million rows are hashed once."""
    counts = column.value_counts(sort=False, dropna=True)
    if isinstance(column.dtype, pd.CategoricalDtype):  # every category is counted, even unused
        counts = counts[counts.to_numpy() > 0]
        counts.index = counts.index.astype(column.cat.categories.dtype)
    cleaned = _value_text(pd.Series(counts.index, dtype=counts.index.dtype))
    totals = (pd.Series(counts.to_numpy(), index=cleaned.to_numpy(dtype=object))
              .loc[cleaned.notna().to_numpy()].groupby(level=0, sort=False).sum())
    ordered = totals.sort_values(ascending=False, kind="stable")
    return [(str(value), int(count)) for value, count in ordered.items()]


def _folded(values: Iterable[str]) -> set[str]:
    return {str(v).strip().casefold() for v in values}


def _matching(values: list[str], pattern: str) -> list[str]:
    series = pd.Series(values, dtype="str").str.casefold()
    hits = series.str.contains(pattern, regex=True).fillna(False).to_numpy(dtype=bool)
    return [v for v, hit in zip(values, hits, strict=True) if hit]


def _stage_outcome(values: list[str]) -> tuple[list[str], list[str]]:
    won, lost = stage_outcomes(pd.Series(values, dtype="str"))
    return ([v for v, w in zip(values, won, strict=True) if w],
            [v for v, w, x in zip(values, won, lost, strict=True) if not w and not x])


def _boolean_outcome(values: list[str]) -> tuple[list[str], list[str]] | None:
    truth = parse_bool(pd.Series(values, dtype="str"))
    if truth.isna().any():
        return None
    return [v for v, t in zip(values, truth, strict=True) if t], []


def _lifecycle_outcome(values: list[str]) -> tuple[list[str], list[str]]:
    stages = canonical_category(pd.Series(values, dtype="str"), FIELDS["lifecycle_stage"].options)
    won = [v for v, s in zip(values, stages, strict=True) if s in ("Customer", "Evangelist")]
    # Sales is working a sales-qualified lead as it works an opportunity: neither is lost yet.
    opened = [v for v, s in zip(values, stages, strict=True)
              if s in ("Opportunity", "Sales Qualified Lead")]
    return won, opened


def _status_outcome(values: list[str]) -> tuple[list[str], list[str]]:
    """A lead status reads as a pipeline does: converted or customer (Close's status label)
    is won, closed or disqualified is lost, and every other status ("Proposal Sent", "Meeting
    Booked", "Qualifiziert") is a lead still being worked, open."""
    won = _matching(values, r"^closed ?-? ?converted$|^converted$|\bwon\b|^customers?$|"
                    + WON_STAGE)
    won = [v for v in won if v not in _matching(won, r"not converted|" + NOT_WON_STAGE)]
    lost = set(_matching(values, "|".join((LOST_STAGE, NOT_WON_STAGE, _LOST_STATUS))))
    opened = [v for v in values if v not in won and v not in lost]
    return won, opened


class OutcomeGuess(NamedTuple):
    """Which column says whether a lead was won, and how: its values meaning won and open, or
    (`won_when_present`) any value at all meaning won, such as a conversion date."""

    column: str | None
    won_values: list[str]
    open_values: list[str]
    won_when_present: bool = False


NO_OUTCOME = OutcomeGuess(None, [], [])

# A date a lead got when it was won or converted: "ConvertedDate", "won_date", "Became a
# Customer Date", "Date converted".
_WON_DATE_NAME = re.compile(
    r"^(?:is)?(?:converted|conversion|won|closedwon|becameacustomer|customer|dealwon|"
    r"wondeal|firstdealclosed)(?:datetime|date|at|on|time|timestamp|since)$"
    r"|^(?:date|time)(?:converted|won|ofconversion|becamecustomer)$"
    r"|^becameacustomerdate$|^customersince$")


def suggest_outcome(raw: pd.DataFrame, mapping: Mapping | AbcMapping[str, str]
                    ) -> OutcomeGuess:
    """The outcome column and how to read it, or `NO_OUTCOME`.

    Tried in this order: a deal stage (Closed Won / Closed Lost, every other stage still
    open), a deal status (Pipedrive's won / lost / open) or a lead status with a converted or
    won value ("Closed - Converted"; closed, disqualified or junk is lost, any other status
    open; Freshsales' "Lead stage" with Won and Lost reads so too), Salesforce's IsConverted,
    a yes/no or 0/1 column named like won or converted (beside it, a closed flag may keep
    deals open: `suggest_closed`), a date a lead got when it converted or was won (filled
    means won), a lifecycle stage (Customer is won, Opportunity and Sales Qualified Lead are
    open, being worked by sales; earlier stages never converted). A column with at least one
    won value is preferred to one without.
    """
    keys = _column_keys(raw, mapping)
    by_key: dict[str, list[str]] = {}
    for header, key in keys.items():
        by_key.setdefault(key, []).append(header)
    unmapped = [h for h in raw.columns if isinstance(h, str) and h not in keys]
    named_won = [h for h in unmapped if _WON_NAME.search(normalise_header(h))]
    won_dates = [h for h in unmapped if _WON_DATE_NAME.match(normalise_header(h))]
    deal_statuses = [h for h in unmapped if _DEAL_STATUS_NAME.match(normalise_header(h))]

    suggestions: list[OutcomeGuess] = []
    # A status that names conversions ("Closed - Converted") before Salesforce's IsConverted
    # beside it: the status also tells the leads still being worked (open) from those closed.
    flags = [h for h in by_key.get("converted", []) + named_won if h not in won_dates]
    plan = ([(h, _stage_outcome) for h in by_key.get("deal_stage", [])]
            + [(h, _status_outcome) for h in deal_statuses + by_key.get("lead_status", [])]
            + [(h, _boolean_outcome) for h in flags]
            + [(h, _dated_outcome) for h in won_dates]
            + [(h, _lifecycle_outcome) for h in by_key.get("lifecycle_stage", [])])
    for header, rule in plan:
        if rule is _dated_outcome:
            if _dated_outcome(raw[header]):
                return OutcomeGuess(header, [], [], True)
            continue
        values = _distinct(raw[header])
        if not values:
            continue
        picked = rule(values)
        if picked is None:
            continue
        won, opened = picked
        if rule is _status_outcome and not won:
            converted = _converted_statuses(raw, header, flags, opened)
            if converted:  # "Qualified" beside the flag: the status also keeps "Working" open
                return OutcomeGuess(header, converted, [v for v in opened
                                                        if v not in converted])
            # HubSpot lead statuses say nothing about a purchase; a status that names leads
            # closed without a conversion ("Closed - Not Converted") is one whose leads have
            # not converted yet (a recent export): its outcome, with no win so far.
            if _matching(values, r"not ?converted|" + NOT_WON_STAGE):
                suggestions.append(OutcomeGuess(header, [], opened))
            continue
        if rule is _status_outcome and not _names_every_conversion(raw, header, won, flags):
            continue  # converted under a status it does not call so ("Qualified"): the flag
        if won:  # the first column with a won value is the answer: no need to count the rest
            return OutcomeGuess(header, won, opened)
        suggestions.append(OutcomeGuess(header, won, opened))
    if suggestions:
        return suggestions[0]
    return NO_OUTCOME


def _converted_statuses(raw: pd.DataFrame, header: str, flags: list[str],
                        opened: list[str]) -> list[str]:
    """The statuses a converted flag beside a lead status names won, when the status names
    none itself (Salesforce's New / Working / Nurturing / Qualified / Unqualified beside
    IsConverted): the statuses every converted lead has and (almost) only converted leads
    have. Read so, the status keeps the leads still being worked open, which the flag alone
    reads as lost. Empty when no flag tells them so."""
    status = _value_text(raw[header])
    for flag in flags:
        converted = parse_bool(_value_text(raw[flag])).fillna(False).to_numpy(dtype=bool)
        if not converted.any():
            continue
        written = set(status[converted].dropna().unique())
        if not written or not written <= set(opened):  # a converted lead lost, or unlabelled
            continue
        holding = status.isin(written).to_numpy(dtype=bool)
        if converted[holding].mean() >= CONVERTED_SHARE:
            return sorted(written, key=opened.index)
    return []


# The share of the leads under a status that the flag must call converted for the status to
# mean converted (a few leads set to "Qualified" by hand and never converted).
CONVERTED_SHARE = 0.95


def _names_every_conversion(raw: pd.DataFrame, header: str, won: list[str],
                            flags: list[str]) -> bool:
    """Whether the status column calls won every lead a converted flag beside it says
    converted; an org with a second converted status ("Qualified") is read by the flag. A
    status calling some converted leads lost ("Won" / "Lost" / "Qualified" beside IsConverted)
    tells the conversions apart by their result: the status is read."""
    named = _folded(won)
    status = _value_text(raw[header]).str.casefold()
    for flag in flags:
        truth = parse_bool(_value_text(raw[flag]))
        converted = truth.fillna(False).to_numpy(dtype=bool)
        if converted.any() and not status[converted].isin(named).all():
            after = [v for v in status[converted].dropna().unique() if v not in named]
            if not _matching(after, "|".join((LOST_STAGE, NOT_WON_STAGE, _LOST_STATUS))):
                return False
    return True


# Whether a deal is closed, beside a won flag: Salesforce's IsClosed, HubSpot's "Is closed".
_CLOSED_NAME = re.compile(r"^(?:is)?(?:deal|opportunity|opp)?closed$")


def suggest_closed(raw: pd.DataFrame, guess: OutcomeGuess) -> str | None:
    """The yes/no column saying whether the deal is closed (IsClosed, "Is closed"), when the
    export has one beside its outcome: beside a won flag (IsWon, "Is Closed Won") a deal
    neither won nor closed is still open, not lost; beside a stage, a stage of the company's
    own that the export marks closed ("Went with Competitor") is lost, not open. None
    otherwise, and for an outcome read from a date."""
    if guess.column is None or guess.won_when_present:
        return None
    for header in raw.columns:
        if isinstance(header, str) and header != guess.column \
                and _CLOSED_NAME.match(normalise_header(header)):
            values = _distinct(raw[header])
            if values and _boolean_outcome(values) is not None:
                return header
    return None


def still_open(raw: pd.DataFrame, guess: OutcomeGuess, closed: str) -> list[str]:
    """The guess's open values but those whose every deal the closed column marks closed
    ("Went with Competitor" beside Is Closed = 1): read so anyway (`apply_outcome`), and
    listed among the lost ones where the mapping is shown."""
    folded = _value_text(raw[guess.column]).str.strip().str.casefold()
    always = _closed_flags(raw[closed])[0].groupby(folded.to_numpy()).all()
    return [value for value in guess.open_values
            if not always.get(value.strip().casefold(), False)]


def _closed_flags(column: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Where a closed flag says closed, and where it says not closed (a blank says neither)."""
    truth = parse_bool(_value_text(column))
    return (truth == True).fillna(False), (truth == False).fillna(False)  # noqa: E712


def _dated_outcome(column: pd.Series) -> bool:
    """A won-date column: filled on some leads, and what is filled reads as dates."""
    if pd.api.types.is_datetime64_any_dtype(column):
        return bool(column.notna().any())
    text = _value_text(column)
    text = text.mask(_zero_dates(text))
    return bool(text.notna().any()) and date_shaped(text) >= TYPED_SHARE


# "0000-00-00 00:00:00", "00.00.0000": how some databases write a date that was never set.
_ZERO_DATE = r"^[0\s./:tT-]*0[0\s./:tT-]*$"


def _zero_dates(text: pd.Series) -> np.ndarray:
    if len(text) == 0:
        return np.zeros(0, dtype=bool)
    return text.str.contains(_ZERO_DATE, regex=True).fillna(False).to_numpy(dtype=bool)


def apply_outcome(raw_column: pd.Series, won_values: Iterable[str],
                  open_values: Iterable[str] = (), won_when_present: bool = False,
                  lost_values: Iterable[str] | None = None,
                  closed: pd.Series | None = None) -> pd.Series:
    """"won" / "lost" / "open" per row; blanks and placeholders missing (no evidence).

    Values are compared stripped and case-insensitively. With `lost_values` (the values the
    mapping was made with that are neither won nor open), a value the mapping never saw — a
    stage a later export added, "TRUE" where the first export wrote 1 — is read as the
    automatic mapping reads values (`read_unseen`); without them, anything not blank that is
    neither won nor open is lost, as mappings saved before they were recorded meant. A yes/no
    spelling of a won value is won either way. With `won_when_present`, any value is won (a
    conversion date), and a blank, a zero date ("0000-00-00") or a date no event has
    ("00/01/1900", the epoch: `never_set_dates`) stays missing: no deal, which counts as not
    won. With `closed` (`Mapping.closed_column`), a lead read lost whose deal
    that column says is not closed is open, and one read open whose deal it says is closed
    (a stage of the company's own, "Went with Competitor") is lost.
    """
    won, opened = _folded(won_values), _folded(open_values)
    lost = None if lost_values is None else _folded(lost_values)

    def pick(values: pd.Series) -> pd.Series:
        text = _value_text(values)
        folded = text.str.casefold() if len(text) else text
        present = text.notna().to_numpy(dtype=bool)
        if won_when_present:
            chosen = np.where(present & ~_zero_dates(text) & ~never_set_dates(text), WON, "")
        else:
            is_won = folded.isin(won).to_numpy(dtype=bool) & present
            is_open = folded.isin(opened).to_numpy(dtype=bool) & present
            chosen = np.select([is_won, is_open, present], [WON, OPEN, LOST], default="")
            judged = is_won | is_open | (folded.isin(lost).to_numpy(dtype=bool)
                                         if lost is not None else False)
            unseen = present & ~judged
            if unseen.any():
                chosen = chosen.astype(object)
                chosen[unseen] = read_unseen(list(text[unseen]), won, lost is not None)
        return pd.Series(chosen, index=values.index, dtype="str").replace("", np.nan)

    outcome = per_distinct(raw_column, pick, repeats_below=1.0).rename("outcome")
    if closed is not None:
        is_closed, not_closed = _closed_flags(closed)
        outcome = outcome.mask((outcome == LOST).fillna(False).to_numpy(dtype=bool)
                               & not_closed.to_numpy(dtype=bool), OPEN)
        outcome = outcome.mask((outcome == OPEN).fillna(False).to_numpy(dtype=bool)
                               & is_closed.to_numpy(dtype=bool), LOST)
    return outcome


def lost_by_default(column: pd.Series, won_values: Iterable[str],
                    open_values: Iterable[str]) -> list[str]:
    """The outcome column's values that are neither won nor open: what a mapping made now
    judges lost (`Mapping.lost_values`)."""
    named = _folded(won_values) | _folded(open_values)
    return [v for v in _distinct(column) if v.strip().casefold() not in named]


def read_unseen(values: list[str], won: set[str], recorded: bool) -> list[str]:
    """Outcome values a mapping does not name. Where its won values are yes/no words, a
    value of the same kind reads by its truth ("TRUE" where the first export wrote "1"); other
    values, when the mapping recorded what it judged lost, read as the automatic mapping
    would (a new stage "Contract Sent" is open, "Closed Won" won); otherwise they are lost."""
    truth = parse_bool(pd.Series(values, dtype="str"))
    won_truth = parse_bool(pd.Series(sorted(won), dtype="str")) if won else None
    yes_no = won_truth is not None and bool(won_truth.notna().all() and won_truth.all())
    read = [LOST] * len(values)
    if recorded:
        status_won, status_open = _status_outcome(values)
        read = [WON if v in status_won else OPEN if v in status_open else LOST for v in values]
    if yes_no:
        read = [(WON if t else LOST) if not pd.isna(t) else r
                for r, t in zip(read, truth, strict=True)]
    return read


def outcome_as_read(column: pd.Series, won_values: Iterable[str], open_values: Iterable[str],
                    lost_values: Iterable[str] | None) -> tuple[OutcomeGuess, list[str]]:
    """How a mapping of values reads `column` as it is now: the column's values it reads won
    and open (values it never saw included, read as `read_unseen` reads them: a later
    export's "Won" where the first wrote "Closed Won"), and those unseen values. A mapping
    editor started from this shows the reading behind the figures, so saving it unchanged
    keeps them; started from the saved lists alone, a new won stage would be saved as lost."""
    values = _distinct(column)
    read = apply_outcome(pd.Series(values, dtype="str"), won_values, open_values,
                         lost_values=lost_values).tolist()
    named = _folded(won_values) | _folded(open_values) | _folded(lost_values or ())
    guess = OutcomeGuess(column.name, [v for v, r in zip(values, read, strict=True) if r == WON],
                         [v for v, r in zip(values, read, strict=True) if r == OPEN])
    return guess, [v for v in values if v.strip().casefold() not in named]


# --- units ---------------------------------------------------------------------------------------

# The values' unit words (`UNIT_WORDS`), and spellings only headers use.
_UNIT_WORDS = {
    1e3: UNIT_WORDS[1e3] | {"000", "000s", "kusd", "keur", "kgbp", "teur", "kdollars"},
    1e6: UNIT_WORDS[1e6] | {"musd", "meur", "mgbp", "mdollars"},
    1e9: UNIT_WORDS[1e9] | {"busd", "beur"},
}
MONEY_KEYS = ("annual_revenue", "budget", "amount")
# A company's revenue below this many dollars is not a lead a B2B team works: values whose
# median is smaller are thousands or millions (see `suggest_units`).
PLAUSIBLE_REVENUE = 100_000


def unit_in_header(header: str) -> float | None:
    """1e6 for "Revenue ($M)", "revenue_musd", "Revenue (in millions)"; None when silent."""
    words = set(_words(header.replace("$", " ")))
    for unit, named in _UNIT_WORDS.items():
        if words & named:
            return unit
    return None


def suggest_units(raw: pd.DataFrame, columns: AbcMapping[str, str], decimal: str = "."
                  ) -> dict[str, float]:
    """Header -> unit for money columns written in thousands or millions.

    The header decides when it says ("Revenue (000s)"), unless its unit would make the
    typical company turn over $100 billion (whole dollars that Excel shows in millions by a
    number format); otherwise revenue written as bare
    numbers whose median is under $10,000 is taken as millions and under $100,000 as thousands
    (no B2B lead's company turns over $1,118 a year). Values that carry their own unit ("$533K",
    "1,2 Mio") or are written out in full ("$71,912") are dollars already: no unit is
    suggested for them. The app asks the user to confirm."""
    units: dict[str, float] = {}
    for header, key in columns.items():
        if key not in MONEY_KEYS or header not in raw.columns:
            continue
        named = unit_in_header(header)
        if named is not None:
            # Not when every value says its own unit, nor over whole amounts: Excel shows
            # 12,000,000 as "$12.0" under "Revenue ($M)" through a number format alone.
            if not _all_say_their_unit(raw[header]) \
                    and not _makes_trillions(raw[header], named, decimal):
                units[header] = named
            continue
        if key != "annual_revenue":
            continue
        guess = revenue_unit(raw[header], decimal)
        if guess != 1.0:
            units[header] = guess
    return units


def _makes_trillions(column: pd.Series, unit: float, decimal: str) -> bool:
    """Whether `unit` would make the typical amount of `column` implausibly large: the values
    are whole amounts already, whatever the header says. Judged on the values the unit would
    apply to: not those that say their own ("2.8M")."""
    if not pd.api.types.is_numeric_dtype(column):
        sample = column.iloc[:: max(1, len(column) // 20_000)]
        sample = sample[~carries_own_unit(sample.astype("str").where(sample.notna()))]
        column = sample
    median = _median_amount(column, decimal)
    return unit != 1.0 and median is not None and median * unit >= IMPLAUSIBLE_REVENUE


def _all_say_their_unit(column: pd.Series) -> bool:
    """Whether every filled value (of a sample of 20,000) writes its own unit word ("2.8M")."""
    if pd.api.types.is_numeric_dtype(column):
        return False
    values = filled(column.iloc[:: max(1, len(column) // 20_000)])
    return bool(len(values)) and bool(carries_own_unit(values).all())


def revenue_unit(column: pd.Series, decimal: str = ".") -> float:
    """The unit a revenue column's values are most plausibly written in (1, 1e3 or 1e6)."""
    if _written_in_dollars(column, decimal):
        return 1.0
    return _unit_of(_median_amount(column, decimal))


def _unit_of(median: float | None) -> float:
    """The unit a typical revenue of `median` (as written) is most plausibly in."""
    if median is None or median >= PLAUSIBLE_REVENUE:
        return 1.0
    return 1e6 if median < PLAUSIBLE_REVENUE / 10 else 1e3


def _median_amount(column: pd.Series, decimal: str) -> float | None:
    """The median of a money column's positive values as written (on a sample of 20,000)."""
    sample = column.iloc[:: max(1, len(column) // 20_000)]
    mark = decimal_mark(sample.astype("str"), decimal)[0] if not \
        pd.api.types.is_numeric_dtype(sample) else decimal
    numbers = parse_number(sample, mark or decimal)
    positive = numbers[numbers > 0]
    return None if positive.empty else float(positive.median())


def _written_in_dollars(column: pd.Series, decimal: str) -> bool:
    """Whether some of a money column's values (on a sample of 20,000) carry their own unit
    word ("$533K", "1,2 Mio", "10M-50M") or are grouped in thousands ("$71,912", "30 337,00"):
    whoever wrote them wrote the whole amount, and a unit on top would multiply it again."""
    if pd.api.types.is_numeric_dtype(column) or not isinstance(column, pd.Series):
        return False
    sample = column.iloc[:: max(1, len(column) // 20_000)]
    text = pd.Series(pd.unique(_value_text(sample).dropna().astype("str")), dtype="str")
    if text.empty:
        return False
    mark = decimal_mark(text, decimal)[0] or decimal
    grouped = _GROUPED_BY_POINT if mark == "," else _GROUPED_BY_COMMA
    # Digits with at most the decimal mark neither group nor carry a word: only the rest go
    # through the patterns, which Python runs value by value (Arrow's engine has no lookbehind).
    text = text[~text.str.fullmatch(_PLAIN_BY_MARK[mark]).fillna(False).astype(bool)]
    return bool(text.str.contains(grouped).any() or text.str.contains(_UNIT_AFTER_NUMBER).any())


# A number grouped in thousands by whatever the decimal mark is not; a unit word after a digit.
_SPACES = "'’\u00a0\u202f\u2009 "
_GROUPED_BY_COMMA = re.compile(rf"(?<![\d.])\d{{1,3}}(?:[,{_SPACES}]\d{{3}})+(?![\d,])")
_GROUPED_BY_POINT = re.compile(rf"(?<![\d,])\d{{1,3}}(?:[.{_SPACES}]\d{{3}})+(?![\d.])")
_PLAIN_BY_MARK = {mark: rf"-?\d+(?:{re.escape(mark)}\d+)?" for mark in ".,"}
_UNIT_AFTER_NUMBER = re.compile(r"\d\s?(?:{})\.?(?![a-z])".format("|".join(
    sorted({w for words in UNIT_WORDS.values() for w in words}, key=len, reverse=True))),
    re.IGNORECASE)


# A typical lead's company turning over this much or more: a unit applied to whole dollars.
IMPLAUSIBLE_REVENUE = 1e11


def refit(saved: Mapping, raw: pd.DataFrame, decimal: str = ".") -> Mapping:
    """A mapping saved for an earlier export with these headers, made to fit this one's values.

    The columns and the outcome's values carry over (a value the earlier export lacked is read
    as new, see `apply_outcome`). A revenue unit is a property of the values, not the header:
    where the earlier export wrote millions and this one whole dollars, the saved unit would
    make a typical company turn over trillions, so the unit this export's values suggest is
    taken instead (and the page asks to confirm it, as for any suggested unit); where this
    export writes its amounts out ("$533K", "$71,912"), no unit is, on any money or number
    column (an Amount saved in thousands). A unit the header names, or one that still gives
    plausible figures, is kept; so are whole dollars the facilitator confirmed (a unit of 1).
    A revenue column the saved mapping gives no unit was never asked about (its earlier export
    wrote whole dollars): it takes the unit this export's values suggest, as on a first upload,
    so a fresh export written in thousands is not read as a company turning over $238."""
    units = dict(saved.units)
    for header in list(units):
        if header in raw.columns and unit_in_header(header) is None and units[header] != 1.0 \
                and _written_in_dollars(raw[header], decimal):
            units.pop(header)  # "$533K", "$71,912": whole amounts, whatever the earlier unit
        elif header in raw.columns and unit_in_header(header) is not None \
                and _makes_trillions(raw[header], units[header], decimal):
            units.pop(header)  # whole amounts under "Revenue ($M)" (see `suggest_units`)
    for header, key in saved.columns.items():
        if key != "annual_revenue" or header not in raw.columns \
                or unit_in_header(header) is not None:
            continue
        if header not in units:
            guess = revenue_unit(raw[header], decimal)
            if guess != 1.0:
                units[header] = guess
            continue
        median = _median_amount(raw[header], decimal)
        if median is None:
            continue
        unit = units[header]
        if unit != 1.0 and median * unit >= IMPLAUSIBLE_REVENUE:
            units.pop(header, None)
            if _unit_of(median) != 1.0:
                units[header] = _unit_of(median)
    return replace(saved, units=units)


def apply_mapping(raw: pd.DataFrame, mapping: Mapping, decimal: str = ".") -> pd.DataFrame:
    """`leads.normalise` with the mapping's columns, units and the outcome the user chose
    (which also keeps a lead won through its own deal from counting as "already a
    customer")."""
    return normalise(raw, {h: k for h, k in mapping.columns.items() if k}, decimal,
                     partial(outcome_of, raw, mapping), units=mapping.units,
                     stage_outcome=not mapping.without_outcome,
                     date_orders=mapping.date_orders)


def outcome_of(raw: pd.DataFrame, mapping: Mapping) -> pd.Series | None:
    """Each lead's outcome as `mapping` reads it from `raw`; None without an outcome column."""
    if mapping.outcome_column is None or mapping.outcome_column not in raw.columns:
        return None
    closed = raw[mapping.closed_column] if mapping.closed_column in raw.columns else None
    return apply_outcome(raw[mapping.outcome_column], mapping.won_values, mapping.open_values,
                         mapping.won_when_present, mapping.lost_values, closed)
