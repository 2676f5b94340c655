"""A submitted single-permit (GVVA) case of the demo employer, its fee set and paid, for the
browser journey of issue 22 (tests/browser/test_work_permit_journey.py): the reviewer asks UWV
for advice on it, records the advice and decides. Made through the portal's own services, as
the demo's residence case is (portal/demo.py)."""

import io
from datetime import timedelta

from werkzeug.datastructures import FileStorage

from portal import clock, demo_files
from portal.extensions import db
from portal.fees import payments
from portal.fees import records as fee_records
from portal.models import ApplicationKind, Organisation, PaidVia, StaffRole, User
from portal.residence import documents, filing, submission
from portal.residence.types import TYPES

GVVA_SURNAME = "Mwangi"


def add() -> None:
    """Add the case (flushes; the caller commits)."""
    today = clock.today()
    organisation = db.session.scalar(
        db.select(Organisation).where(Organisation.legal_name == "Brightwave Technologies B.V.")
    )
    user = db.session.scalar(db.select(User).where(User.email == "employer@demo.example"))
    reviewer = db.session.scalar(db.select(User).where(User.staff_role == StaffRole.REVIEWER))

    def day(delta_days: int) -> str:
        return (today + timedelta(days=delta_days)).strftime("%d-%m-%Y")

    application = filing.start(organisation, ApplicationKind.GVVA, user)
    application.answers = {
        "person": {
            "procedure": "residence",
            "surname": GVVA_SURNAME,
            "given_names": "Amani",
            "date_of_birth": "02-02-1988",
            "place_of_birth": "Nairobi",
            "country_of_birth": "KE",
            "nationality": "KE",
            "sex": "male",
            "civil_status": "unmarried",
            "v_number": "",
            "passport_number": "AK1234567",
            "passport_issued_on": day(-400),
            "passport_expires_on": day(2500),
        },
        "job": {
            "job_title": "Welding technician",
            "start_date": day(45),
            "end_date": day(45 + 365),
            "hours_per_week": "40",
            "monthly_salary": "3.400,00",
        },
        "labour_market": {
            "vacancy_reported_on": day(-70),
            "vacancy_number": "WB-55123",
            "recruitment_efforts": "Werk.nl, two technical job boards and a recruiter for 8 weeks",
            "candidates": "4",
            "priority_considered": "yes",
        },
    }
    for purpose in TYPES[ApplicationKind.GVVA].documents:
        content, name = demo_files.document(purpose)
        upload = FileStorage(io.BytesIO(content), filename=name)
        documents.attach_documents(application, {purpose: upload}, user)
    submission.submit(application, user, today=today)
    fee = fee_records.fee_of(application)
    fee_records.set_amount(fee, 42300, reviewer, today=today)
    payments.book(fee, fee.amount_cents, today, PaidVia.TRANSFER)
    db.session.flush()
