"""Standard lead fields and the exercise's guiding questions.

The catalog is what turns "what industry are they in?" into a widget and a criterion on a column.
Field keys are the column names of a normalised leads table (see `workshop.leads`).
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    CATEGORY = "category"  # one value out of a list: is one of / is not one of
    NUMBER = "number"  # between / at least / at most
    TEXT = "text"  # free text: contains any of
    BOOLEAN = "boolean"  # is true / is false
    COUNT = "count"  # engagement counts: conversion actions earn points when > 0
    DATE = "date"


MONEY = "$"  # a field's unit when it holds amounts of money (see `workshop.money`)


@dataclass(frozen=True)
class LeadField:
    key: str
    label: str
    kind: Kind
    options: tuple[str, ...] = ()
    unit: str = ""  # MONEY, "months", "employees" or ""
    noun: str = ""  # how a sentence names it: "Industry", "Company size"
    help: str = ""

    @property
    def subject(self) -> str:
        return self.noun or self.label

    @property
    def is_money(self) -> bool:
        return self.unit == MONEY


INDUSTRIES = (
    "Software", "Financial Services", "Healthcare", "Manufacturing", "Retail",
    "Professional Services", "Education", "Logistics", "Media", "Public Sector",
    "Telecommunications", "Energy",
)
JOB_FUNCTIONS = (
    "Finance", "Operations", "IT", "Sales", "Marketing", "Engineering", "Executive",
    "HR", "Procurement", "Other",
)
SENIORITIES = ("C-level", "VP", "Director", "Manager", "Individual contributor", "Student")
BUYING_ROLES = ("Decision maker", "Budget holder", "Champion", "Influencer", "End user", "Blocker")
LEAD_SOURCES = (
    "Organic search", "Paid search", "Social media", "Email marketing", "Referral",
    "Events", "Direct traffic", "Partner",
)
# What the guided form offers for the pain question before an export is loaded: pains any B2B
# buyer names. Once a company's export is loaded, its own values are offered instead.
PAINS = (
    "Too much manual work", "Poor visibility and reporting", "Costs too high",
    "Compliance and risk", "Growth held back", "Tools that do not scale",
)
COUNTRIES = (
    "United States", "United Kingdom", "Germany", "France", "Netherlands", "Canada",
    "Australia", "Spain", "Sweden", "India", "Brazil", "Other",
)
LIFECYCLE_STAGES = (
    "Subscriber", "Lead", "Marketing Qualified Lead", "Sales Qualified Lead", "Opportunity",
    "Customer", "Evangelist", "Other",
)
# Other names exports write for an option, matched like the option itself (case, accents and
# punctuation ignored): HubSpot's and Salesforce's lead-source values that mean this option and
# no other ("Partner Referral" or "Seminar - Partner" could be either of two, "Paid Social" or
# "AI Referrals" none: they stay as written), and everyday country names that ISO 3166 lacks
# (its codes and names, also in other languages, come from `workshop.categories`).
OTHER_NAMES: dict[str, tuple[str, ...]] = {
    "Referral": ("Referrals", "Verweise", "Sites référents", "Referencias", "Referral esterni",
                 "Verwijzingen", "Referências"),
    "Events": ("Event",),
    "Social media": ("Organic Social", "Social"),
    "Partner": ("Partners",),
    "United States": ("USA",),
    "United Kingdom": ("UK", "Great Britain", "Britain", "England", "Scotland", "Wales",
                       "Northern Ireland"),
    "Netherlands": ("Holland", "The Netherlands"),
    # HubSpot's lifecycle stages and original sources as its German, French, Spanish, Italian,
    # Dutch and Portuguese interfaces export them ("Kunde" is a customer there)
    "Subscriber": ("Abonnent", "Abonné", "Suscriptor", "Iscritto", "Abonnee", "Assinante"),
    "Marketing Qualified Lead": (
        "Marketingqualifizierter Lead", "Lead qualifié marketing",
        "Lead qualifié pour le marketing", "Lead calificado para marketing",
        "Lead qualificato per il marketing", "Marketing gekwalificeerde lead",
        "Lead qualificado para marketing"),
    "Sales Qualified Lead": (
        "Vertriebsqualifizierter Lead", "Lead qualifié pour la vente",
        "Lead qualifié ventes", "Lead calificado para ventas",
        "Lead qualificato per le vendite", "Sales gekwalificeerde lead",
        "Lead qualificado para vendas"),
    "Opportunity": ("Verkaufschance", "Opportunité", "Oportunidad", "Opportunità",
                    "Verkoopkans", "Oportunidade"),
    "Customer": ("Kunde", "Client", "Cliente", "Klant"),
    "Evangelist": ("Évangéliste", "Evangelista"),
    "Other": ("Andere", "Sonstige", "Autre", "Otro", "Altro", "Overig", "Outro"),
    "Organic search": ("Organische Suche", "Recherche organique", "Búsqueda orgánica",
                       "Ricerca organica", "Organisch zoeken", "Pesquisa orgânica"),
    "Paid search": ("Bezahlte Suche", "Recherche payante", "Búsqueda de pago",
                    "Ricerca a pagamento", "Betaald zoeken", "Pesquisa paga"),
    "Email marketing": ("Marketing par e-mail", "Marketing por correo electrónico",
                        "E-mailmarketing", "Marketing por e-mail"),
    "Direct traffic": ("Direktzugriffe", "Direkter Traffic", "Trafic direct",
                       "Tráfico directo", "Traffico diretto", "Direct verkeer",
                       "Tráfego direto"),
    # The industries as German, French, Spanish, Italian, Dutch, Portuguese and Swedish
    # companies write them in their own industry field; only names that mean the one industry
    # ("Industrie" or "Produktion" could be several, "Maschinenbau" is a kind of one: they
    # stay as written).
    "Software": ("Softwareentwicklung", "Logiciels", "Édition de logiciels",
                 "Desarrollo de software", "Sviluppo software", "Softwareontwikkeling",
                 "Desenvolvimento de software", "Programvara", "Mjukvara"),
    "Financial Services": (
        "Finanzdienstleistungen", "Finanzdienstleister", "Services financiers",
        "Servicios financieros", "Servizi finanziari", "Financiële dienstverlening",
        "Financiële diensten", "Serviços financeiros", "Finansiella tjänster"),
    "Healthcare": ("Gesundheitswesen", "Santé", "Soins de santé", "Sanidad",
                   "Atención sanitaria", "Sanità", "Assistenza sanitaria", "Gezondheidszorg",
                   "Saúde", "Hälso- och sjukvård", "Sjukvård"),
    "Manufacturing": ("Fertigung", "Verarbeitendes Gewerbe", "Produzierendes Gewerbe",
                      "Industrie manufacturière", "Fabricación", "Manufactura",
                      "Manifattura", "Maakindustrie", "Manufatura", "Tillverkning",
                      "Tillverkningsindustri"),
    "Retail": ("Einzelhandel", "Commerce de détail", "Vente au détail", "Comercio minorista",
               "Venta minorista", "Commercio al dettaglio", "Vendita al dettaglio",
               "Detailhandel", "Varejo", "Comércio varejista", "Detaljhandel"),
    "Professional Services": (
        "Professionelle Dienstleistungen", "Services professionnels", "Servicios profesionales",
        "Servizi professionali", "Zakelijke dienstverlening", "Professionele dienstverlening",
        "Serviços profissionais", "Professionella tjänster"),
    "Education": ("Bildung", "Bildungswesen", "Éducation", "Enseignement", "Educación",
                  "Enseñanza", "Istruzione", "Onderwijs", "Educação", "Ensino", "Utbildning"),
    "Logistics": ("Logistik", "Logistique", "Logística", "Logistica", "Logistiek"),
    "Media": ("Medien", "Médias", "Medios de comunicación", "Mídia"),
    "Public Sector": ("Öffentlicher Sektor", "Öffentliche Verwaltung", "Öffentlicher Dienst",
                      "Secteur public", "Administration publique", "Sector público",
                      "Administración pública", "Settore pubblico", "Pubblica amministrazione",
                      "Publieke sector", "Overheid", "Setor público", "Administração pública",
                      "Offentlig sektor"),
    "Telecommunications": ("Telekommunikation", "Télécommunications", "Telecomunicaciones",
                           "Telecomunicazioni", "Telecommunicatie", "Telecomunicações"),
    "Energy": ("Energie", "Énergie", "Energía", "Energia", "Energi"),
}
# Kinds of an option a CRM keeps apart (Salesforce's lead sources): a rule naming the option
# takes every kind in, and a rule naming one kind only that kind. The import keeps them as
# written, so a company that tells word of mouth from an employee's referral still can.
KINDS: dict[str, tuple[str, ...]] = {
    "Referral": ("Employee Referral", "External Referral", "Customer Referral",
                 "Word of mouth"),
    "Events": ("Trade Show", "Conference", "Seminar - Internal"),
}

FIELDS: dict[str, LeadField] = {f.key: f for f in [
    LeadField("industry", "Industry", Kind.CATEGORY, INDUSTRIES),
    LeadField("job_function", "Job function", Kind.CATEGORY, JOB_FUNCTIONS,
              help="Derived from the job title when the export has no such column."),
    LeadField("job_title", "Job title", Kind.TEXT, noun="Job title"),
    LeadField("seniority", "Seniority", Kind.CATEGORY, SENIORITIES),
    LeadField("buying_role", "Buying role", Kind.CATEGORY, BUYING_ROLES,
              noun="Role in the buying decision"),
    LeadField("budget", "Budget", Kind.NUMBER, unit=MONEY, noun="Confirmed budget"),
    LeadField("timeline_months", "Months to purchase", Kind.NUMBER, unit="months",
              noun="Expected time to purchase"),
    LeadField("lead_source", "Lead source", Kind.CATEGORY, LEAD_SOURCES),
    LeadField("pain", "Primary pain", Kind.CATEGORY, PAINS, noun="Primary pain"),
    LeadField("employees", "Employees", Kind.NUMBER, noun="Company size", unit="employees"),
    LeadField("annual_revenue", "Annual revenue", Kind.NUMBER, unit=MONEY,
              noun="Annual revenue"),
    LeadField("country", "Country", Kind.CATEGORY, COUNTRIES),
    LeadField("company", "Company name", Kind.TEXT, noun="Company name"),
    LeadField("lifecycle_stage", "Lifecycle stage", Kind.CATEGORY, LIFECYCLE_STAGES),
    LeadField("personal_email", "Personal e-mail address", Kind.BOOLEAN,
              noun="Uses a personal e-mail address"),
    LeadField("is_customer", "Existing customer", Kind.BOOLEAN, noun="Is already a customer"),
    LeadField("demo_requested", "Requested a demo", Kind.COUNT),
    LeadField("pricing_page_visits", "Visited the pricing page", Kind.COUNT),
    LeadField("webinars_attended", "Attended a webinar", Kind.COUNT),
    LeadField("content_downloads", "Downloaded content (e.g. a whitepaper)", Kind.COUNT),
    LeadField("form_submissions", "Submitted a form", Kind.COUNT),
    LeadField("email_clicks", "Clicked a marketing e-mail", Kind.COUNT),
    LeadField("page_views", "Viewed pages on the website", Kind.COUNT),
    LeadField("created", "Created date", Kind.DATE),
]}

# Conversion actions and the points marketing typically gives them, strongest signal first.
CONVERSION_ACTIONS: tuple[tuple[str, int], ...] = (
    ("demo_requested", 30),
    ("pricing_page_visits", 15),
    ("webinars_attended", 10),
    ("content_downloads", 5),
    ("form_submissions", 5),
    ("email_clicks", 2),
    ("page_views", 1),
)


@dataclass(frozen=True)
class Question:
    """One guiding question of the exercise and the lead fields that answer it."""

    key: str
    title: str
    prompt: str
    fields: tuple[str, ...] = ()
    hint: str = ""
    default_gate: str = "mql"
    roles: tuple[str, ...] = ("must", "nice", "disqualifier")


QUESTIONS: tuple[Question, ...] = (
    Question("industry", "Industry", "What industry do they work in?", ("industry",),
             "Name the industries where you win, not every industry you could sell to."),
    Question("job_role", "Job role", "What is the job role of the person?",
             ("job_function", "job_title"),
             "Which function owns the problem? Title keywords catch what functions miss."),
    Question("seniority", "Seniority", "How senior are they?", ("seniority",)),
    Question("decision", "Decision process", "Where are they in the decision-making process?",
             ("buying_role",), "Decision maker, budget holder, champion or influencer?",
             default_gate="sql"),
    Question("budget", "Budget", "What budget do they have access to?", ("budget",),
             "A confirmed budget is observable; 'chequebook open' is not.", default_gate="sql"),
    Question("path", "Path to purchase", "What is their path to purchase?",
             ("timeline_months", "lead_source"),
             "How soon will they buy, and how did they find us?", default_gate="sql"),
    Question("pain", "Pain", "What pain are they solving with our product?", ("pain",)),
    Question("size", "Company size and revenue", "What is the company's size and revenue?",
             ("employees", "annual_revenue")),
    Question("location", "Location", "Where are they based?", ("country",)),
    Question("engagement", "Conversion actions",
             "Which actions show real interest, and how many points is each worth?",
             hint="A demo request says far more than a whitepaper download. A lead needs the "
                  "threshold in points (from actions and nice-to-haves) to become an MQL."),
    Question("disqualifiers", "Disqualifiers", "What rules a lead out, whatever else is true?",
             ("company", "job_title", "personal_email", "is_customer", "country"),
             "Competitors, students, personal e-mail addresses, existing customers, "
             "countries you cannot serve.",
             roles=("disqualifier",)),
    Question("other", "Other signals", "Does anything else in your leads mark a good lead?",
             hint="Any column of your leads export counts: a product line, a region, a "
                  "partner, a score from another tool."),
)
QUESTIONS_BY_KEY: dict[str, Question] = {q.key: q for q in QUESTIONS}
ENGAGEMENT = "engagement"
OTHER = "other"  # criteria on columns outside the catalog


def question_for_field(field_key: str) -> str:
    """The question a criterion on an arbitrary column belongs to (first match, else 'other')."""
    for question in QUESTIONS:
        if field_key in question.fields and question.key != "disqualifiers":
            return question.key
    return OTHER
