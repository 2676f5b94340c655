"""Long unbroken values for the browser crawl (issue 19, Reflow): added to the live server's demo
data so that every page showing them is measured at 320 px and at 200 % text.

- an organisation with a 200-character name (one 64-character word in it), a long e-mail
  address and an IBAN, recognised for labour (the public register, its letters) with an open
  case (the back-office queue and case page);
- at the employer (Brightwave): an IBAN on the profile, a team member with a 200-character name
  and a long e-mail address, and a person with a 200-character name (one long surname), with a
  permit and a report about them (the inbox's newest letter names the person).
"""

from datetime import date, timedelta

from portal import clock
from portal.cases import lifecycle as service
from portal.duties import reports
from portal.extensions import db
from portal.fees import payments
from portal.identity import accounts
from portal.identity.passwords import hash_password
from portal.models import (
    ApplicationKind,
    Category,
    KvkProof,
    Membership,
    Organisation,
    OrganisationKind,
    OrgRole,
    PaidVia,
    Permit,
    Person,
    ReportKind,
    Sex,
    StaffRole,
    User,
)
from portal.organisations import kvk

IBAN = "NL91ABNA0417164300"
# 200 characters with a 64-character word in it, ending in "B.V." (no "B.V.." after it).
LONG_ORGANISATION_NAME = (
    "Stichting Kennismigrantenuitwisselingsonderzoeksinstellingsadministratiebu voor "
    "Internationale Samenwerking in Wetenschap, Technologie en Onderwijs in het Koninkrijk der "
    "Nederlanden en daarbuiten B.V."
)
LONG_EMAIL = (
    "administratie.internationale.kennismigranten.en.studenten"
    "@afdeling-personeelszaken.voorbeeld-organisatie-met-een-lange-naam.demo.example"
)
LONG_SURNAME = (  # 127 characters, one word
    "Abhayawardhanawickramasinghearachchigeratnayakegunasekeramudiyanselagewijesooriya"
    "jayasundarapathiranagedarasenanayakemunasinghe"
)
LONG_GIVEN_NAMES = "Maximiliana-Alexandrina Konstantinopolitanis Evangelista Wilhelmina Anna"


def add() -> None:
    """Add the long values (flushes; the caller commits)."""
    assert len(LONG_ORGANISATION_NAME) == 200
    assert len(f"{LONG_GIVEN_NAMES} {LONG_SURNAME}") == 200
    today = clock.today()
    reviewer = db.session.scalar(db.select(User).where(User.staff_role == StaffRole.REVIEWER))
    organisation, user = accounts.sign_up(
        accounts.SignUp(
            kvk_number="12312312",
            legal_name=LONG_ORGANISATION_NAME,
            street_address="Koningin Wilhelminaplein 1000",
            postcode="1062 HK",
            city="Amsterdam",
            organisation_email=LONG_EMAIL,
            persons_employed=40,
            kind=OrganisationKind.EMPLOYER,
            preferred_language="nl",
            admin_name=f"{LONG_GIVEN_NAMES} {LONG_SURNAME}",
            admin_email="long." + LONG_EMAIL,
            password=None,
        )
    )
    organisation.iban = IBAN
    kvk.verify(organisation, KvkProof.EXISTING, None)  # as the demo organisations
    granted = service.start_recognition_application(organisation, Category.LABOUR, user)
    service.submit_application(granted, user, today=today - timedelta(days=30))
    service.decide(granted, reviewer, grant=True, reason="Meets the conditions.")
    open_case = service.start_recognition_application(organisation, Category.RESEARCH, user)
    service.submit_application(open_case, user, today=today - timedelta(days=95))
    # Paid on submission, so that the case is overdue at the top of the work queue (the crawl
    # opens the first cases there), not waiting for payment.
    payments.book(
        open_case.fee, open_case.fee.amount_cents, today - timedelta(days=95), PaidVia.TRANSFER
    )

    employer = db.session.scalar(
        db.select(Organisation).where(Organisation.kvk_number == "69599084")
    )
    employer.iban = IBAN
    employer_user = accounts.find_user_by_email("employer@demo.example")
    member = User(
        email="team." + LONG_EMAIL,
        name=f"{LONG_GIVEN_NAMES} {LONG_SURNAME}",
        password_hash=hash_password("a-long-values-member-2026"),
    )
    db.session.add(member)
    db.session.flush()
    db.session.add(Membership(user_id=member.id, organisation_id=employer.id, role=OrgRole.READER))
    person = Person(
        organisation_id=employer.id,
        given_names=LONG_GIVEN_NAMES,
        surname=LONG_SURNAME,
        date_of_birth=date(1990, 1, 31),
        place_of_birth="Sri Jayawardenepura Kotte",
        country_of_birth="LK",
        nationality="LK",
        sex=Sex.UNSPECIFIED,
        category=Category.LABOUR,
        passport_number="N12345678",
        passport_issued_on=today - timedelta(days=400),
        passport_expires_on=today + timedelta(days=3000),
        v_number="2400000001",
        email="person." + LONG_EMAIL,
        created_by_id=employer_user.id,
    )
    db.session.add(person)
    db.session.flush()
    db.session.add(
        Permit(
            organisation_id=employer.id,
            person_id=person.id,
            kind=ApplicationKind.HSM_RESIDENCE,
            category=Category.LABOUR,
            permit_number=f"NL{person.id:07d}",
            starts_on=today - timedelta(days=300),
            ends_on=today + timedelta(days=60),
        )
    )
    db.session.flush()
    reports.file_report(
        employer,
        employer_user,
        kind=ReportKind.JOB_CHANGED,
        event_date=today - timedelta(days=2),
        details=f"New e-mail address: {person.email}; salary paid into {IBAN}.",
        person=person,
        today=today,
    )
    db.session.flush()
