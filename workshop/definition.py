"""An ideal-lead definition as data: criteria, conversion-action points, a threshold, notes.

One definition sorts every lead into not qualified / MQL / SQL (see `workshop.evaluate`), speaks
plain language (`Criterion.sentence`) and round-trips through JSON with a schema version.

Schema versions of the JSON: 1, the first; 2 adds an optional "about" block to exported files
(company, version, who signed and when) that says where a definition comes from and is not part
of the definition. Older files (and rows stored by an older app) are upgraded as they are read;
a newer or unknown version is refused with a message.
"""
from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_serializer,
    model_validator,
)

from workshop import catalog
from workshop.money import CURRENCIES, DEFAULT_CURRENCY, mark_of
from workshop.operators import (  # noqa: F401 - the operators' groups, read from here too
    BOOL_OPS,
    OPERATORS,
    RANGE_OPS,
    VALUE_OPS,
    format_amount,
    join_or,
    operator,
)

SCHEMA_VERSION = 2
ABOUT_KEYS = ("company", "title", "version", "agreed_by", "agreed_at")

Role = Literal["must", "nice", "disqualifier"]
Gate = Literal["mql", "sql"]

MAX_POINTS = 1000
MAX_DAYS = 36_500
_QUESTION_KEYS = frozenset(question.key for question in catalog.QUESTIONS)
MAX_VALUES = 200
MAX_VALUE_LENGTH = 200


MAX_COLUMN_NAME = 200  # characters of the column a criterion or action is on
# Characters of a question's note: what the form's note box holds. An uploaded definition file
# may hold no longer one (`read_upload`); drafts stored longer stay readable.
MAX_NOTE = 2000


class DefinitionError(ValueError):
    """A definition that cannot be used, with a message a person can act on."""


class Criterion(BaseModel):
    """A condition on one lead field and how it counts (gate, points or disqualifier)."""

    model_config = ConfigDict(extra="forbid")

    field: str = Field(min_length=1, max_length=MAX_COLUMN_NAME)
    op: str = Field(max_length=40)  # a name in workshop.operators.OPERATORS
    values: list[str] = Field(default_factory=list)
    # Numbers, never text: "1.500" from a German file is 1,500, not 1.5, so it is refused.
    low: StrictFloat | None = None
    high: StrictFloat | None = None
    days: StrictInt | None = Field(default=None, ge=1, le=MAX_DAYS)  # for a number of days
    role: Role = "must"
    gate: Gate = "mql"
    points: StrictInt = Field(default=0, ge=0, le=MAX_POINTS)
    question: str = ""
    currency: str | None = Field(default=None, max_length=3)  # of a money field's bounds

    @field_validator("op")
    @classmethod
    def _known_operator(cls, name: str) -> str:
        operator(name)  # an unknown operator is refused as the definition is read
        return name

    @field_validator("currency")
    @classmethod
    def _known_currency(cls, code: str | None) -> str | None:
        """The default is written as no currency at all: the same bounds in US dollars are the
        same criterion however they were saved."""
        if code is None or code.upper() == DEFAULT_CURRENCY:
            return None
        if code.upper() not in CURRENCIES:
            raise ValueError(f"“{code}” is not a currency this app knows (it knows "
                             f"{', '.join(CURRENCIES)}).")
        return code.upper()

    @model_validator(mode="after")
    def _check_shape(self) -> Criterion:
        _plain_text(self.field, "The column name")
        label = catalog.FIELDS[self.field].label if self.field in catalog.FIELDS else self.field
        self.values = _clean_values(self.values)
        for text in (*self.values, self.question):
            _plain_text(text, f"{label}: a value")
        for text in self.values:
            if len(text) > MAX_VALUE_LENGTH:  # cut, it could never equal the CRM's value
                raise ValueError(f"{label}: a value can be at most {MAX_VALUE_LENGTH:,} "
                                 f"characters, and “{text[:40]}…” has {len(text):,}.")
        if len(self.values) > MAX_VALUES:
            raise ValueError(f"{label}: at most {MAX_VALUES} values.")
        for bound in (self.low, self.high):
            if bound is not None and not math.isfinite(bound):
                raise ValueError(f"{label}: bounds must be ordinary numbers.")
        meaning = operator(self.op)
        if meaning.takes == "values" and not self.values:
            raise ValueError(f"{label}: choose at least one value.")
        if meaning.uses_low and self.low is None or meaning.uses_high and self.high is None:
            needs = ("both a lower and an upper bound" if meaning.uses_low and meaning.uses_high
                     else "a number")
            raise ValueError(f"{label}: '{meaning.name.replace('_', ' ')}' needs {needs}.")
        if meaning.takes == "days" and self.days is None:
            raise ValueError(f"{label}: '{meaning.name.replace('_', ' ')}' needs a number of "
                             "days.")
        if self.lower is not None and self.upper is not None and self.lower > self.upper:
            raise ValueError(f"{label}: the lower bound is above the upper bound.")
        if self.role == "nice" and self.points <= 0:
            raise ValueError(f"{label}: a nice-to-have needs points above zero.")
        if self.currency is not None and not self.is_money:
            raise ValueError(f"{label}: only amounts of money have a currency.")
        if self.question not in _QUESTION_KEYS:  # unset, or one no form shows: its own
            self.question = ("disqualifiers" if self.role == "disqualifier"
                             else catalog.question_for_field(self.field))
        return self

    @property
    def subject(self) -> str:
        lead_field = catalog.FIELDS.get(self.field)
        return lead_field.subject if lead_field else _humanise(self.field)

    @model_serializer(mode="wrap")
    def _without_unused_days(self, to_data):
        """`days` is written only where an operator takes it: every other criterion reads as
        it always has."""
        data = to_data(self)
        if isinstance(data, dict):
            for key in ("days", "currency"):
                if data.get(key, 0) is None:
                    data.pop(key)
        return data

    @property
    def lower(self) -> float | None:
        """The lower bound this criterion's operator uses (None: it uses none)."""
        return self.low if operator(self.op).uses_low else None

    @property
    def upper(self) -> float | None:
        """The upper bound this criterion's operator uses (None: it uses none)."""
        return self.high if operator(self.op).uses_high else None

    @property
    def is_money(self) -> bool:
        lead_field = catalog.FIELDS.get(self.field)
        return lead_field is not None and lead_field.is_money

    @property
    def currency_code(self) -> str:
        """The currency of a money criterion's bounds, the default spelled out."""
        return self.currency or DEFAULT_CURRENCY

    @property
    def unit(self) -> str:
        """What follows or marks a bound: 'employees', or for money its currency's mark ('€')."""
        if self.is_money:
            return mark_of(self.currency)
        return catalog.FIELDS[self.field].unit if self.field in catalog.FIELDS else ""

    def sentence(self) -> str:
        """The criterion in plain language: 'Company size is between 50 and 1,000 employees'."""
        return operator(self.op).sentence(self.subject, self, self.unit)

    def role_phrase(self) -> str:
        if self.role == "disqualifier":
            return "Disqualifies"
        if self.role == "nice":
            return f"+{self.points} points"
        return "Must have for an SQL" if self.gate == "sql" else "Must have for an MQL"


class Action(BaseModel):
    """A conversion action (an engagement count column) and the points it earns once done."""

    model_config = ConfigDict(extra="forbid")

    field: str = Field(min_length=1, max_length=MAX_COLUMN_NAME)
    points: StrictInt = Field(ge=0, le=MAX_POINTS)

    @model_validator(mode="after")
    def _check_text(self) -> Action:
        _plain_text(self.field, "The column name")
        return self

    @property
    def label(self) -> str:
        lead_field = catalog.FIELDS.get(self.field)
        return lead_field.label if lead_field else _humanise(self.field)

    def sentence(self) -> str:
        return f"{self.label}: +{self.points} points"


class Definition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_version: int = SCHEMA_VERSION
    criteria: list[Criterion] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    threshold: StrictInt = Field(default=0, ge=0, le=100 * MAX_POINTS)
    notes: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check(self) -> Definition:
        if self.schema_version != SCHEMA_VERSION:
            raise ValueError(f"schema version {self.schema_version} is not supported "
                             f"(this app reads version {SCHEMA_VERSION}).")
        # The same rule twice counts once, as the form shows it (its points are not doubled).
        self.criteria = list({criterion.model_dump_json(): criterion
                              for criterion in self.criteria}.values())
        seen: set[str] = set()
        for action in self.actions:
            if action.field in seen:
                raise ValueError(f"{action.label} is listed twice among the conversion actions.")
            seen.add(action.field)
        self.notes = {k: v for k, v in self.notes.items() if v and v.strip()}
        for key, note in self.notes.items():
            _plain_text(key, "A note's question")
            _plain_text(note, "A note")
        return self

    # --- JSON -------------------------------------------------------------------------------
    def to_json(self) -> str:
        return self.model_dump_json(indent=2)

    def to_file_json(self, about: dict[str, Any] | None = None) -> str:
        """The JSON of an exported file: the definition and, if given, where it comes from."""
        data = self.model_dump(mode="json")
        kept = {key: value for key, value in (about or {}).items()
                if key in ABOUT_KEYS and value not in ("", None, [])}
        if kept:
            data["about"] = kept
        return json.dumps(data, indent=2, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | bytes) -> Definition:
        """A definition from JSON of any schema version this app knows (older ones upgraded)."""
        return read_file(text).definition

    @classmethod
    def from_dict(cls, data: dict) -> Definition:
        try:
            return cls.model_validate(data)
        except ValidationError as error:
            raise DefinitionError(describe_validation_error(error)) from None

    # --- views ------------------------------------------------------------------------------
    def criteria_for(self, question: str) -> list[Criterion]:
        return [c for c in self.criteria if c.question == question]

    def gate(self, gate: Gate) -> list[Criterion]:
        return [c for c in self.criteria if c.role == "must" and c.gate == gate]

    @property
    def nice_to_haves(self) -> list[Criterion]:
        return [c for c in self.criteria if c.role == "nice"]

    @property
    def disqualifiers(self) -> list[Criterion]:
        return [c for c in self.criteria if c.role == "disqualifier"]

    def answered(self, question: str) -> bool:
        if question == catalog.ENGAGEMENT:
            return bool(self.actions) or self.threshold > 0 or bool(self.notes.get(question))
        return bool(self.criteria_for(question)) or bool(self.notes.get(question))

    def answered_count(self) -> int:
        return sum(self.answered(q.key) for q in catalog.QUESTIONS)

    def is_empty(self) -> bool:
        return self.answered_count() == 0

    # --- edits (return new definitions; a Definition is treated as a value) ----------------
    def with_question(self, question: str, criteria: list[Criterion],
                      note: str | None = None) -> Definition:
        """This definition with one question's criteria (and optionally its note) replaced."""
        kept = [c for c in self.criteria if c.question != question]
        moved = [c.model_copy(update={"question": question}) for c in criteria]
        notes = dict(self.notes)
        if note is not None:
            notes[question] = note
        return Definition(criteria=kept + moved, actions=self.actions, threshold=self.threshold,
                          notes=notes)

    def with_note(self, question: str, note: str) -> Definition:
        """This definition with one question's note replaced (an empty note removes it)."""
        return Definition(criteria=self.criteria, actions=self.actions,
                          threshold=self.threshold, notes={**self.notes, question: note})

    def with_engagement(self, actions: list[Action], threshold: int,
                        note: str | None = None) -> Definition:
        notes = dict(self.notes)
        if note is not None:
            notes[catalog.ENGAGEMENT] = note
        return Definition(criteria=self.criteria, actions=actions, threshold=threshold,
                          notes=notes)


@dataclass(frozen=True)
class DefinitionFile:
    """A definition JSON as read: the definition, the schema version it was written in, and
    its "about" block (empty when it has none)."""

    definition: Definition
    written_in: int
    about: dict[str, Any] = field(default_factory=dict)

    @property
    def upgraded(self) -> bool:
        return self.written_in < SCHEMA_VERSION


_JSON_OBJECT = TypeAdapter(dict[str, Any])


def read_file(text: str | bytes) -> DefinitionFile:
    """Parse, upgrade and check a definition JSON; a `DefinitionError` says what is wrong.
    A byte-order mark in front (Windows PowerShell's UTF-8, Notepad's) is no part of it."""
    if isinstance(text, bytes):
        text = text.removeprefix(b"\xef\xbb\xbf")
    else:
        text = text.removeprefix("\ufeff")
    try:
        data = _JSON_OBJECT.validate_json(text)
    except ValidationError as error:
        raise DefinitionError(describe_validation_error(error)) from None
    written = data.get("schema_version", 1)  # the first files may not say
    if type(written) is not int or written < 1:
        raise DefinitionError(f"The definition is not valid: schema version{_shown(written)} is "
                              f"not one this app knows (it reads versions 1 to {SCHEMA_VERSION}).")
    if written > SCHEMA_VERSION:
        raise DefinitionError(
            f"The definition is not valid: schema version {written} is newer than this app "
            f"reads (versions 1 to {SCHEMA_VERSION}). Update Ideal Lead Workshop, or export "
            "the definition again from the app that wrote it.")
    for version in range(written, SCHEMA_VERSION):
        data = UPGRADES[version](data)
    about = data.pop("about", None)
    if about is not None and not isinstance(about, dict):
        raise DefinitionError("The definition is not valid: about: should be an object.")
    return DefinitionFile(Definition.from_dict(data), written, about or {})


def read_upload(text: str | bytes) -> DefinitionFile:
    """`read_file` for a file a person uploads into a draft: also refused for a note longer
    than the form's box holds (`MAX_NOTE`), which could be stored but never typed in again."""
    read = read_file(text)
    for question, note in read.definition.notes.items():
        if len(note) > MAX_NOTE:
            asked = catalog.QUESTIONS_BY_KEY.get(question)
            raise DefinitionError(
                f"The note on {f'“{asked.title}”' if asked else 'a question'} is "
                f"{len(note):,} characters long; a note holds at most {MAX_NOTE:,}. Shorten "
                "it in the file and upload it again.")
    return read


def _shown(value: object) -> str:
    """' 1.5' for quoting a value from a file in a message; nothing when it is long or has
    escapes (a repr of control characters or a megabyte of text means nothing to a person)."""
    text = repr(value)
    return f" {text}" if len(text) <= 40 and text.isprintable() and "\\" not in text else ""


def _from_1(data: dict[str, Any]) -> dict[str, Any]:
    """1 -> 2: the same definition; files gain an optional "about" block."""
    if "about" in data:
        raise DefinitionError("The definition is not valid: about: schema version 1 has no "
                              "\"about\" block (it came with version 2).")
    return {**data, "schema_version": 2}


UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _from_1}


def describe_validation_error(error: ValidationError) -> str:
    """Pydantic's errors as short lines a person can act on."""
    lines = []
    for item in error.errors()[:5]:
        where = " › ".join(str(part) for part in item.get("loc", ()))
        message = str(item.get("msg", "invalid value")).removeprefix("Value error, ")
        lines.append(f"{where}: {message}" if where else message)
    return "The definition is not valid: " + "; ".join(lines)


def _plain_text(text: str, what: str) -> None:
    """Refuse text that cannot be stored: a lone surrogate (half of an emoji, say) has no
    UTF-8 form, so the definition's JSON could not be written."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"{what} holds a broken character (half of an emoji or symbol); "
                         "type it again.") from None


def _clean_values(values: list[str]) -> list[str]:
    """Single-line, trimmed, non-empty, first occurrence kept (case-insensitively); never cut
    (a value too long is refused as the criterion is checked)."""
    seen: set[str] = set()
    cleaned = []
    for value in values:
        text = " ".join(str(value).split())
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            cleaned.append(text)
    return cleaned


def _humanise(column: str) -> str:
    """'arr_band' -> 'Arr band' but 'ARR_band' -> 'ARR band': keep capitals people typed."""
    text = column.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


