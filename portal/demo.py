"""Demo data: organisations, users, cases and letters for trying the portal locally.

The demo password and TOTP secret exist only here, and `load` refuses to run in production.
"""

import contextlib
import io
import os
from datetime import date, timedelta

from flask import current_app
from werkzeug.datastructures import FileStorage

from portal import clock
from portal.cases import lifecycle as service
from portal.duties import reports
from portal.extensions import db
from portal.identity import accounts
from portal.models import (
    ApplicationKind,
    Category,
    KvkProof,
    OrganisationKind,
    PaidVia,
    Permit,
    Person,
    ReportKind,
    Sex,
    StaffRole,
)
from portal.organisations import kvk
from portal.oversight import sanctions

DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105 - demo data only
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # noqa: S105 - demo data only, documented

ORGANISATIONS = [
    dict(
        key="employer",
        kvk_number="69599084",
        legal_name="Brightwave Technologies B.V.",
        street_address="Stationsplein 45",
        postcode="3013 AK",
        city="Rotterdam",
        persons_employed=120,
        kind=OrganisationKind.EMPLOYER,
        preferred_language="en",
        user=("employer@demo.example", "Eva de Vries"),
        recognised=Category.LABOUR,
    ),
    dict(
        key="university",
        kvk_number="41215422",
        legal_name="Universiteit van Demostad",
        street_address="Academieplein 1",
        postcode="2311 EZ",
        city="Leiden",
        persons_employed=7400,
        kind=OrganisationKind.HIGHER_EDUCATION,
        preferred_language="nl",
        user=("university@demo.example", "Joost Bakker"),
        recognised=Category.STUDY,
    ),
    dict(
        key="starter",
        kvk_number="87654321",
        legal_name="Nova Robotics B.V.",
        street_address="Torenallee 20",
        postcode="5617 BC",
        city="Eindhoven",
        persons_employed=12,
        kind=OrganisationKind.EMPLOYER,
        preferred_language="nl",
        user=("starter@demo.example", "Sanne Jansen"),
        recognised=None,
    ),
    dict(
        key="intermediary",
        kvk_number="55512345",
        legal_name="Dutch Relocation Partners B.V.",
        street_address="Herengracht 500",
        postcode="1017 CB",
        city="Amsterdam",
        persons_employed=35,
        kind=OrganisationKind.INTERMEDIARY,
        preferred_language="en",
        user=("intermediary@demo.example", "Mark Visser"),
        recognised=None,
    ),
]

STAFF = [
    ("reviewer@demo.example", "Rob Reviewer", StaffRole.REVIEWER),
    ("supervisor@demo.example", "Sofie Supervisor", StaffRole.SUPERVISOR),
    ("admin@demo.example", "Ahmed Administrator", StaffRole.ADMINISTRATOR),
]

# Extra open cases so the work queue shows every kind of deadline: (organisation key,
# category, submitted how many days ago). 90-day period: 100 days ago is overdue,
# 85 days ago is at risk.
OPEN_CASES = [
    ("starter", Category.LABOUR, 75),
    ("intermediary", Category.LABOUR, 100),
    ("university", Category.RESEARCH, 85),
]


def load() -> bool:
    """Create what is missing; return whether anything was created."""
    if os.environ.get("PORTAL_ENV") == "production" or current_app.config.get("HSTS"):
        raise RuntimeError("Demo data is never loaded in production.")
    if accounts.find_user_by_email("employer@demo.example") is not None:
        return False

    staff = {}
    for email, name, role in STAFF:
        staff[role] = accounts.create_staff(email, name, role, DEMO_PASSWORD, DEMO_TOTP_SECRET)

    created = {}
    for spec in ORGANISATIONS:
        email, name = spec["user"]
        organisation, user = accounts.sign_up(
            accounts.SignUp(
                kvk_number=spec["kvk_number"],
                legal_name=spec["legal_name"],
                street_address=spec["street_address"],
                postcode=spec["postcode"],
                city=spec["city"],
                organisation_email=f"info@{spec['key']}.demo.example",
                persons_employed=spec["persons_employed"],
                kind=spec["kind"],
                preferred_language=spec["preferred_language"],
                admin_name=name,
                admin_email=email,
                password=DEMO_PASSWORD,
            )
        )
        # The demo organisations stand for real companies: their KvK numbers count as proven.
        kvk.verify(organisation, KvkProof.EXISTING, None)
        created[spec["key"]] = (organisation, user)
        if spec["recognised"] is not None:
            application = service.start_recognition_application(
                organisation, spec["recognised"], user
            )
            service.submit_application(application, user, today=clock.today() - timedelta(days=40))
            _pay(application, clock.today() - timedelta(days=40))
            service.decide(
                application,
                staff[StaffRole.REVIEWER],
                grant=True,
                reason="The organisation meets the conditions for recognition.",
            )
        if spec["key"] == "employer":
            db.session.flush()
            db.session.expire(organisation, ["recognitions"])
            with current_app.test_request_context():  # messages are chosen per request
                _residence_case(organisation, user)
            # So the sponsor account in the back office and the inbox show a sanction.
            sanctions.record_warning(
                organisation,
                staff[StaffRole.SUPERVISOR],
                "Two changes in employment were reported more than 4 weeks after they happened.",
                category=Category.LABOUR,
            )
        for key, category, days_ago in OPEN_CASES:
            if key == spec["key"]:
                application = service.start_recognition_application(organisation, category, user)
                service.submit_application(
                    application, user, today=clock.today() - timedelta(days=days_ago)
                )
                if key != UNPAID_FEE_OF:
                    _pay(application, clock.today() - timedelta(days=days_ago))
                if key == INFORMATION_REQUESTED_FROM:
                    _request_information(application, staff[StaffRole.REVIEWER])
    db.session.flush()
    _load_duties(created)
    return True


# One open fee (`flask fees sample-statement` writes a bank statement that pays it); the other
# demo cases had their fee paid on the day they were submitted.
UNPAID_FEE_OF = "university"


def _pay(application, on) -> None:
    from portal.fees import payments

    fee = application.fee
    payments.book(fee, fee.amount_cents, on, PaidVia.TRANSFER)


# An open request for information, so that a letter with its reply form is there to see.
INFORMATION_REQUESTED_FROM = "starter"


def _request_information(application, reviewer) -> None:
    from portal import reference
    from portal.cases import casework

    db.session.flush()
    today = clock.today()
    casework.request_information(
        application,
        reviewer,
        message=(
            "Stuur een recent uittreksel uit het Handelsregister en de verklaring dat u de "
            "gedragscode naleeft."
        ),
        respond_by=today + timedelta(days=reference.information_request_period(today).default_days),
        expected_version=application.version,
        today=today,
    )


DEMO_PDF = b"%PDF-1.4\n% demo document\n%%EOF\n"


def _residence_case(organisation, user) -> None:
    """A submitted highly skilled migrant application with its documents (a draft when the
    rules of the current year are not in the reference data)."""
    from portal.residence import documents, filing, submission
    from portal.residence.types import TYPES

    today = clock.today()

    def day(delta_days: int) -> str:
        return (today + timedelta(days=delta_days)).strftime("%d-%m-%Y")

    application = filing.start(organisation, ApplicationKind.HSM_RESIDENCE, user)
    application.answers = {
        "person": {
            "surname": "Raghunathan",
            "given_names": "Priya",
            "date_of_birth": "12-05-1991",
            "place_of_birth": "Chennai",
            "country_of_birth": "IN",
            "nationality": "IN",
            "sex": "female",
            "civil_status": "married",
            "v_number": "",
            "passport_number": "Z1234567",
            "passport_issued_on": day(-700),
            "passport_expires_on": day(2500),
        },
        "job": {
            "job_title": "Machine learning engineer",
            "start_date": day(60),
            "end_date": day(60 + 730),
            "hours_per_week": "40",
            "monthly_salary": "6.500,00",
            "reduced_criterion": "no",
        },
    }
    for purpose in TYPES[ApplicationKind.HSM_RESIDENCE].documents:
        upload = FileStorage(io.BytesIO(DEMO_PDF), filename=f"{purpose}.pdf")
        documents.attach_documents(application, {purpose: upload}, user)
    with contextlib.suppress(submission.Incomplete):  # stays a draft
        submission.submit(application, user, today=today)


# People, permits and reports (issue 5): per organisation key, (surname, given names,
# nationality, category, permit kind, permit ends in N days from today or None, V-number).
DEMO_PEOPLE = {
    "employer": [
        ("Sharma", "Priya", "IN", Category.LABOUR, ApplicationKind.HSM_RESIDENCE, 45, "2412345678"),
        (
            "Okafor",
            "Chidi",
            "NG",
            Category.LABOUR,
            ApplicationKind.HSM_RESIDENCE,
            -10,
            "2498765432",
        ),
        ("Nakamura", "Yui", "JP", Category.LABOUR, ApplicationKind.EU_BLUE_CARD, 400, "2455512345"),
    ],
    "university": [
        ("Silva", "Ana", "BR", Category.STUDY, ApplicationKind.STUDENT, 60, "2477711122"),
        ("Wang", "Lei", "CN", Category.STUDY, ApplicationKind.STUDENT, 300, None),
    ],
}
# (organisation key, person index or None, report kind, event this many days ago)
DEMO_REPORTS = [
    ("employer", 1, ReportKind.EMPLOYMENT_ENDED, 40),  # 12 days late
    ("employer", 2, ReportKind.JOB_CHANGED, 5),
    ("employer", None, ReportKind.DIRECTORS_CHANGED, 10),
    ("university", 1, ReportKind.STUDENT_DEREGISTERED, 3),
]


def _load_duties(created: dict) -> None:
    today = clock.today()
    people = {}
    for key, rows in DEMO_PEOPLE.items():
        organisation, user = created[key]
        for index, (surname, given, nationality, category, kind, ends_in, v_number) in enumerate(
            rows
        ):
            person = Person(
                organisation_id=organisation.id,
                given_names=given,
                surname=surname,
                date_of_birth=date(1995, 3, 1 + index),
                place_of_birth="–",
                country_of_birth=nationality,
                nationality=nationality,
                sex=Sex.UNSPECIFIED,
                category=category,
                passport_number=f"DEMO{index}{key[:3].upper()}",
                passport_issued_on=today - timedelta(days=700),
                passport_expires_on=today + timedelta(days=2900),
                v_number=v_number,
                created_by_id=user.id,
            )
            db.session.add(person)
            db.session.flush()
            people[key, index] = person
            db.session.add(
                Permit(
                    organisation_id=organisation.id,
                    person_id=person.id,
                    kind=kind,
                    category=category,
                    permit_number=f"NL{person.id:07d}",
                    starts_on=today + timedelta(days=ends_in) - timedelta(days=3 * 365),
                    ends_on=today + timedelta(days=ends_in),
                )
            )
    db.session.flush()
    for key, index, kind, days_ago in DEMO_REPORTS:
        organisation, user = created[key]
        reports.file_report(
            organisation,
            user,
            kind=kind,
            event_date=today - timedelta(days=days_ago),
            details="Demo report.",
            person=people[key, index] if index is not None else None,
            today=today,
        )


def print_sign_ins(echo) -> None:
    echo("")
    echo(f"Demo sign-ins (password for all: {DEMO_PASSWORD})")
    for spec in ORGANISATIONS:
        echo(f"  {spec['user'][0]:<28} {spec['legal_name']}  → http://127.0.0.1:5000/sign-in")
    for email, _name, role in STAFF:
        echo(f"  {email:<28} IND {role.value}  → http://127.0.0.1:5000/backoffice/sign-in")
    echo(f"  Staff second factor: TOTP secret {DEMO_TOTP_SECRET} (any authenticator app,")
    echo(
        '  or: .venv/bin/python -c "from portal.identity.second_factor import totp; '
        f"print(totp('{DEMO_TOTP_SECRET}').now())\")"
    )
