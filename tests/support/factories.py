"""factory_boy factories with states, on the test transaction's session."""

import datetime
import hashlib

import factory
import pyotp
from argon2 import PasswordHasher

from portal import clock
from portal.extensions import db
from portal.letters.issuing import search_vector_expression
from portal.models import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    Category,
    Fee,
    KvkProof,
    Letter,
    LetterKind,
    Mandate,
    Membership,
    Organisation,
    OrganisationKind,
    OrgRole,
    Permit,
    Person,
    Recognition,
    RecognitionStatus,
    Sex,
    StaffRole,
    User,
)
from portal.models.base import utcnow

PASSWORD = "a-long-test-password-2026"
TOTP_SECRET = pyotp.random_base32()
# Cheap argon2 parameters for test users keep the suite fast; verifying reads them from the hash.
_PASSWORD_HASH = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)


def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


class Base(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class OrganisationFactory(Base):
    class Meta:
        model = Organisation

    kvk_number = factory.Sequence(lambda n: f"{10000000 + n:08d}")
    legal_name = factory.Sequence(lambda n: f"Test Organisation {n} B.V.")
    street_address = "Teststraat 1"
    postcode = "1234 AB"
    city = "Utrecht"
    country = "NL"
    email = factory.Sequence(lambda n: f"info{n}@org.example")
    persons_employed = 120
    kind = OrganisationKind.EMPLOYER
    preferred_language = "en"
    # Verified by default (a real company); `unverified=True` for a password sign-up nobody
    # proved yet.
    kvk_verified_at = factory.LazyFunction(utcnow)
    kvk_verified_via = KvkProof.EXISTING

    class Params:
        unverified = factory.Trait(kvk_verified_at=None, kvk_verified_via=None)


class UserFactory(Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@test.example")
    name = factory.Sequence(lambda n: f"Test User {n}")
    password_hash = _PASSWORD_HASH

    class Params:
        reviewer = factory.Trait(staff_role=StaffRole.REVIEWER, totp_secret=TOTP_SECRET)
        supervisor = factory.Trait(staff_role=StaffRole.SUPERVISOR, totp_secret=TOTP_SECRET)
        staff_administrator = factory.Trait(
            staff_role=StaffRole.ADMINISTRATOR, totp_secret=TOTP_SECRET
        )


class MembershipFactory(Base):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = OrgRole.ADMINISTRATOR


class ApplicationFactory(Base):
    """A draft by default; `submitted=True` gives a case in the queue (reference, deadline, fee,
    snapshot), with `days_left` to its statutory deadline."""

    class Meta:
        model = Application

    kind = ApplicationKind.RECOGNITION
    category = Category.LABOUR
    status = ApplicationStatus.DRAFT
    organisation = factory.SubFactory(OrganisationFactory)
    created_by = factory.SubFactory(UserFactory)

    class Params:
        days_left = 30
        submitted = factory.Trait(
            status=ApplicationStatus.SUBMITTED,
            submitted_by=factory.SelfAttribute("created_by"),
            submitted_at=factory.LazyFunction(lambda: db.func.now()),
            reference=factory.Sequence(lambda n: f"ER-2026-{900000 + n:06d}-A"),
            fee_cents=508000,
            fee_reduced=False,
            decision_deadline=factory.LazyAttribute(
                lambda o: clock.today() + datetime.timedelta(days=o.days_left)
            ),
            snapshot=factory.LazyAttribute(
                lambda o: {"organisation": o.organisation.snapshot(), "category": o.category}
            ),
        )

    @factory.post_generation
    def fee(obj, create, extracted, **kwargs):
        """A submitted case's fee record: paid on the day its 90-day period started, or
        unpaid (due in 28 days) with `fee=False`."""
        if not create or obj.submitted_at is None or obj.reference is None:
            return
        paid = kwargs.get("paid", True)
        if extracted is not None:
            paid = extracted
        db.session.flush()
        today = clock.today()
        started = (obj.decision_deadline or today) - datetime.timedelta(days=90)
        db.session.add(
            Fee(
                application_id=obj.id,
                organisation_id=obj.organisation_id,
                amount_cents=obj.fee_cents,
                reduced=bool(obj.fee_reduced),
                due_on=started if paid else today + datetime.timedelta(days=28),
                received_cents=(obj.fee_cents or 0) if paid else 0,
                paid_on=started if paid else None,
                paid_via="on_submission" if paid else None,
            )
        )
        db.session.flush()


def member(role: OrgRole = OrgRole.ADMINISTRATOR, **organisation) -> User:
    """A user who is a member of a new organisation."""
    org = OrganisationFactory(**organisation)
    membership = MembershipFactory(organisation=org, role=role)
    db.session.refresh(membership.user)
    return membership.user


def recognise(
    organisation: Organisation,
    category=Category.LABOUR,
    status: RecognitionStatus = RecognitionStatus.GRANTED,
    granted_on=datetime.date(2025, 1, 1),
    **values,
) -> Recognition:
    """The organisation's recognition for `category` (granted by default), flushed."""
    recognition = Recognition(
        organisation_id=organisation.id,
        category=category,
        status=status,
        granted_on=granted_on,
        **values,
    )
    db.session.add(recognition)
    db.session.flush()
    return recognition


class PersonFactory(Base):
    class Meta:
        model = Person

    organisation = factory.SubFactory(OrganisationFactory)
    given_names = "Test Person"
    # Names have no digits (the person specification refuses them): 0 → "Surname Aaa".
    surname = factory.Sequence(
        lambda n: "Surname " + "".join(chr(97 + n // 26**i % 26) for i in (2, 1, 0)).title()
    )
    date_of_birth = datetime.date(1990, 5, 17)
    place_of_birth = "Mumbai"
    country_of_birth = "IN"
    nationality = "IN"
    sex = Sex.UNSPECIFIED
    category = Category.LABOUR
    passport_number = factory.Sequence(lambda n: f"P{n:07d}")
    passport_issued_on = datetime.date(2020, 1, 1)
    passport_expires_on = datetime.date(2030, 1, 1)


class MandateFactory(Base):
    class Meta:
        model = Mandate

    sponsor = factory.SubFactory(OrganisationFactory)
    intermediary = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.INTERMEDIARY)
    categories = ["labour"]
    valid_from = factory.LazyFunction(lambda: clock.today() - datetime.timedelta(days=1))
    valid_until = None
    granted_by = factory.SubFactory(UserFactory)


class PermitFactory(Base):
    """A residence permit held by a sponsored person (valid 2024 → 2030 unless told)."""

    class Meta:
        model = Permit

    person = factory.SubFactory(PersonFactory)
    organisation_id = factory.SelfAttribute("person.organisation_id")
    kind = ApplicationKind.HSM_RESIDENCE
    category = factory.SelfAttribute("person.category")
    starts_on = datetime.date(2024, 1, 1)
    ends_on = datetime.date(2030, 1, 1)


class LetterFactory(Base):
    """A letter in an inbox without rendering a PDF (a stand-in PDF; its hash is right)."""

    class Meta:
        model = Letter

    organisation = factory.SubFactory(OrganisationFactory)
    kind = LetterKind.GENERAL_MESSAGE
    subject = factory.Sequence(lambda n: f"Letter {n}")
    language = "en"
    body_text = ""
    pdf = factory.LazyAttribute(lambda o: f"%PDF-1.7 {o.subject} {o.body_text}".encode())
    sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.pdf).hexdigest())

    # On PostgreSQL the inbox searches a tsvector written when a letter is issued.
    search_vector = factory.LazyAttribute(
        lambda o: search_vector_expression(o.subject, o.body_text) if _postgres() else None
    )
