"""Demo data: organisations, users, cases and letters for trying the portal locally.

Every step happens at its own past moment (`clock.at`), so each date, deadline and status
shown follows from what happened when; documents are real PDFs and PNGs (demo_files.py).
The demo password and TOTP secret exist only here; `load` refuses to run in production."""

import contextlib
import io
import os
from datetime import date, datetime, time, timedelta

from flask import current_app
from werkzeug.datastructures import FileStorage

from portal import clock, demo_api, demo_appointments, demo_fees, demo_files, mail
from portal.cases import lifecycle as service
from portal.duties import reports
from portal.duties.deadlines import study_progress_due_in
from portal.duties.overview import declare_study_progress_checked
from portal.extensions import db
from portal.identity import accounts
from portal.models import (
    ApplicationKind,
    Category,
    KvkProof,
    OrganisationKind,
    Permit,
    Person,
    ReportKind,
    Sex,
    StaffRole,
)
from portal.organisations import kvk, profile_check
from portal.oversight import sanctions

DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105 - demo data only
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # noqa: S105 - demo data only, documented

ORGANISATIONS = [
    dict(
        key="employer",
        signed_up_days_ago=430,
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
        signed_up_days_ago=640,
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
        signed_up_days_ago=80,
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
        signed_up_days_ago=140,
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

STAFF_SINCE_DAYS_AGO = 700  # the staff accounts exist before any sign-up
STAFF = [
    ("reviewer@demo.example", "Rob Reviewer", StaffRole.REVIEWER),
    ("supervisor@demo.example", "Sofie Supervisor", StaffRole.SUPERVISOR),
    ("admin@demo.example", "Ahmed Administrator", StaffRole.ADMINISTRATOR),
]

PROFILE_CONFIRMED_DAYS_AGO = 45
# Days from an application for recognition to its decision.
RECOGNITION_DECIDED_AFTER_DAYS = 21

# Extra open cases so the work queue shows every kind of deadline: (organisation key, category,
# submitted how many days ago). 90-day period: 100 days ago is overdue, 85 days ago at risk.
OPEN_CASES = [
    ("starter", Category.LABOUR, 75),
    ("intermediary", Category.LABOUR, 100),
    ("university", Category.RESEARCH, 85),
]


def days_ago(days: int, hour: int = 10) -> datetime:
    """A moment `days` before today, in office hours (Amsterdam)."""
    day = clock.today() - timedelta(days=days)
    return datetime.combine(day, time(hour), tzinfo=clock.AMSTERDAM)


def load() -> bool:
    """Create what is missing; return whether anything was created."""
    if os.environ.get("PORTAL_ENV") == "production" or current_app.config.get("HSTS"):
        raise RuntimeError("Demo data is never loaded in production.")
    if accounts.find_user_by_email("employer@demo.example") is not None:
        return False

    staff = {}
    with clock.at(days_ago(STAFF_SINCE_DAYS_AGO)):
        for email, name, role in STAFF:
            staff[role] = accounts.create_staff(email, name, role, DEMO_PASSWORD, DEMO_TOTP_SECRET)

    created = {}
    for spec in ORGANISATIONS:
        created[spec["key"]] = _organisation(spec, staff)
    with current_app.test_request_context():  # messages are chosen per request
        organisation, user = created["employer"]
        with clock.at(days_ago(12)):
            _residence_case(organisation, user)
    for key, category, ago in OPEN_CASES:
        organisation, user = created[key]
        with clock.at(days_ago(ago + 1)):
            application = service.start_recognition_application(organisation, category, user)
        with clock.at(days_ago(ago)):
            service.submit_application(application, user)
            demo_fees.pay(application)
        if key == INFORMATION_REQUESTED_FROM:
            with clock.at(days_ago(INFORMATION_REQUESTED_DAYS_AGO, hour=14)):
                _request_information(application, staff[StaffRole.REVIEWER])
    db.session.flush()
    _load_duties(created)
    # After the late report of the end of an employment (see DEMO_REPORTS).
    with clock.at(days_ago(2, hour=15)):
        sanctions.record_warning(
            created["employer"][0],
            staff[StaffRole.SUPERVISOR],
            "A change in employment was reported more than 4 weeks after it happened.",
            category=Category.LABOUR,
        )
    _study_progress(created["university"])
    demo_api.load(*created["university"])
    demo_appointments.load(*created["employer"], staff[StaffRole.REVIEWER], days_ago)
    # The demo's letters are history, not news: no e-mail notices for them.
    db.session.info.pop(mail.OUTBOX_KEY, None)
    return True


def _organisation(spec, staff):
    """Sign-up, verified KvK number, and — for the recognised ones — the application for
    recognition and its grant, each at its own moment."""
    signed_up = spec["signed_up_days_ago"]
    email, name = spec["user"]
    with clock.at(days_ago(signed_up, hour=9)):
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
    if spec["recognised"] is not None:
        with clock.at(days_ago(signed_up, hour=11)):
            application = service.start_recognition_application(
                organisation, spec["recognised"], user
            )
            service.submit_application(application, user)
            demo_fees.pay(application)
        with clock.at(days_ago(signed_up - RECOGNITION_DECIDED_AFTER_DAYS, hour=14)):
            service.decide(
                application,
                staff[StaffRole.REVIEWER],
                grant=True,
                reason="The organisation meets the conditions for recognition.",
            )
        db.session.flush()
        db.session.expire(organisation, ["recognitions"])
    if signed_up > PROFILE_CONFIRMED_DAYS_AGO:  # the yearly check of the profile, done
        with clock.at(days_ago(PROFILE_CONFIRMED_DAYS_AGO)):
            profile_check.confirm(organisation, user)
    return organisation, user


# An open request for information with its reply form: asked days ago, respond-by still ahead.
INFORMATION_REQUESTED_FROM = "starter"
INFORMATION_REQUESTED_DAYS_AGO = 4


def _request_information(application, reviewer) -> None:
    from portal import reference
    from portal.cases import casework

    db.session.flush()
    today = clock.today()
    casework.request_information(
        application,
        reviewer,
        message=(  # two questions, one a line: the letter shows them as a list
            "Stuur een recent uittreksel uit het Handelsregister.\n"
            "Stuur de verklaring dat u de gedragscode naleeft."
        ),
        respond_by=today + timedelta(days=reference.information_request_period(today).default_days),
        expected_version=application.version,
        today=today,
    )


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
        content, name = demo_files.document(purpose)
        upload = FileStorage(io.BytesIO(content), filename=name)
        documents.attach_documents(application, {purpose: upload}, user)
    with contextlib.suppress(submission.Incomplete):  # stays a draft
        submission.submit(application, user, today=today)


# People, permits and reports (issue 5): per organisation key, (surname, given names,
# nationality, category, permit kind, permit ends in N days from today or None, V-number).
AK = ApplicationKind
DEMO_PEOPLE = {
    "employer": [
        ("Sharma", "Priya", "IN", Category.LABOUR, AK.HSM_RESIDENCE, 45, "2412345678"),
        ("Okafor", "Chidi", "NG", Category.LABOUR, AK.HSM_RESIDENCE, -10, "2498765432"),
        ("Nakamura", "Yui", "JP", Category.LABOUR, AK.EU_BLUE_CARD, 400, "2455512345"),
    ],
    "university": [
        ("Silva", "Ana", "BR", Category.STUDY, AK.STUDENT, 60, "2477711122"),
        ("Wang", "Lei", "CN", Category.STUDY, AK.STUDENT, 300, None),
    ],
}
# (organisation key, person index or None, report kind, event and filing this many days ago)
DEMO_REPORTS = [
    ("employer", 1, ReportKind.EMPLOYMENT_ENDED, 40, 4),  # 8 days late
    ("employer", 2, ReportKind.JOB_CHANGED, 5, 1),
    ("employer", None, ReportKind.DIRECTORS_CHANGED, 10, 6),
    ("university", 1, ReportKind.STUDENT_DEREGISTERED, 3, 1),
]
PERMIT_YEARS = 3  # at most; never starting before the sponsor's recognition


def _recognised_on(key: str) -> date:
    spec = next(o for o in ORGANISATIONS if o["key"] == key)
    return clock.today() - timedelta(
        days=spec["signed_up_days_ago"] - RECOGNITION_DECIDED_AFTER_DAYS
    )


def _load_duties(created: dict) -> None:
    today = clock.today()
    people = {}
    for key, rows in DEMO_PEOPLE.items():
        organisation, user = created[key]
        for index, (surname, given, nationality, category, kind, ends_in, v_number) in enumerate(
            rows
        ):
            ends_on = today + timedelta(days=ends_in)
            starts_on = max(
                ends_on - timedelta(days=PERMIT_YEARS * 365),
                _recognised_on(key) + timedelta(days=30 + 20 * index),
            )
            with clock.at(days_ago((today - starts_on).days + 14)):  # registered before
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
                    passport_issued_on=starts_on - timedelta(days=200),
                    passport_expires_on=starts_on + timedelta(days=10 * 365 - 200),
                    v_number=v_number,
                    created_by_id=user.id,
                )
                db.session.add(person)
                db.session.flush()
            people[key, index] = person
            with clock.at(days_ago((today - starts_on).days)):
                db.session.add(
                    Permit(
                        organisation_id=organisation.id,
                        person_id=person.id,
                        kind=kind,
                        category=category,
                        permit_number=f"NL{person.id:07d}",
                        starts_on=starts_on,
                        ends_on=ends_on,
                    )
                )
                db.session.flush()
    for key, index, kind, event_ago, filed_ago in sorted(DEMO_REPORTS, key=lambda r: -r[4]):
        organisation, user = created[key]
        with clock.at(days_ago(filed_ago, hour=11)):
            reports.file_report(
                organisation,
                user,
                kind=kind,
                event_date=today - timedelta(days=event_ago),
                details="Demo report.",
                person=people[key, index] if index is not None else None,
                today=clock.today(),
            )


def _study_progress(created) -> None:
    """This year's study-progress check: declared some days before its due date once that
    date has passed (until then it is simply due)."""
    organisation, user = created
    today = clock.today()
    due = study_progress_due_in(today.year)
    if due >= today:
        return
    checked_on = due - timedelta(days=10)
    with clock.at(datetime.combine(checked_on + timedelta(days=1), time(10), clock.AMSTERDAM)):
        declare_study_progress_checked(organisation, user, today.year, checked_on, clock.today())


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
