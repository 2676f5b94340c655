"""The shapes the residence application types are made of: a question (Field), a section of
questions, and an application type with its sections and required documents."""

from dataclasses import dataclass

from portal.models import ApplicationKind, Category


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # text, name, date, money, number, choice, country, v_number, passport
    label: object
    missing: object | None = None  # message when a required field is empty; None = optional
    hint: object | None = None
    choices: tuple = ()
    prefill: str | None = None  # "person.<attribute>" or "organisation.<attribute>"
    rule: str | None = None  # a cross-field rule in portal/residence/answers.py
    when: str | None = None  # "past" or "future": the date must be before / after today
    lo: int | None = None
    hi: int | None = None
    person: bool = False  # read by the person field specification (portal/people/fields.py)

    @property
    def required(self) -> bool:
        return self.missing is not None


@dataclass(frozen=True)
class Section:
    key: str
    title: object
    fields: tuple[Field, ...] = ()
    entry_only: bool = False  # only when the person enters from abroad (entry and residence)


@dataclass(frozen=True)
class ResidenceType:
    kind: ApplicationKind
    category: Category
    title: object
    hint: object
    sections: tuple[Section, ...]
    procedure: str | None  # fixed procedure, or None: asked in the person section
    documents: tuple[str, ...]
    needs_recognition: bool = True
    # Filed with a main application (portal/family/): its filing rights follow that one's.
    with_main: bool = False

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def field(self, name: str) -> tuple[Section, Field] | None:
        for section in self.sections:
            for field in section.fields:
                if field.name == name:
                    return section, field
        return None

    def applicable_sections(self, answers: dict) -> tuple[Section, ...]:
        entry = self.procedure == "entry" or (
            self.procedure is None and (answers.get("person") or {}).get("procedure") == "entry"
        )
        return tuple(s for s in self.sections if entry or not s.entry_only)
