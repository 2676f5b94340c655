"""factory_boy factories with states, on the test transaction's session."""

import datetime

import factory
import pyotp
from argon2 import PasswordHasher

from portal import clock
from portal.extensions import db
from portal.models import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    Category,
    Mandate,
    Membership,
    Organisation,
    OrganisationKind,
    OrgRole,
    Person,
    Recognition,
    RecognitionStatus,
    Sex,
    StaffRole,
    User,
)

PASSWORD = "a-long-test-password-2026"
TOTP_SECRET = pyotp.random_base32()
# Cheap argon2 parameters for test users keep the suite fast; verifying reads them from the hash.
_PASSWORD_HASH = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)


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
    class Meta:
        model = Application

    kind = ApplicationKind.RECOGNITION
    category = Category.LABOUR
    status = ApplicationStatus.DRAFT
    organisation = factory.SubFactory(OrganisationFactory)
    created_by = factory.SubFactory(UserFactory)


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
    surname = factory.Sequence(lambda n: f"Surname {n}")
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
