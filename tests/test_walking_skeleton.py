"""The whole path over HTTP: sign up → apply → staff grants → decision letter downloaded."""

import hashlib
import io

import pyotp
from pypdf import PdfReader

from portal import clock
from portal.extensions import db
from portal.models import Application, Letter, User
from tests.support.casework import grant
from tests.support.fees import pay
from tests.support.pages import get_page
from tests.support.residence import PDF
from tests.support.sign_up import password_sign_up

SIGN_UP = {
    "kvk_number": "1234 5678",
    "legal_name": "Zuidas Quantum Labs B.V.",
    "street_address": "Gustav Mahlerlaan 10",
    "postcode": "1082pp",
    "city": "Amsterdam",
    "organisation_email": "hr@zuidas-quantum.example",
    "persons_employed": "80",
    "kind": "employer",
    "preferred_language": "en",
    "admin_name": "Anouk van den Berg",
    "admin_email": "Anouk@Zuidas-Quantum.example",
    "password": "correct horse battery staple",
}


def test_sign_up_apply_decide_and_download_the_letter(app, client, smtp_server):
    client.get("/language/en")
    # 1. Sign up the organisation with its first administrator: the e-mail address confirmed
    # by the link in the mail, two-step verification set up before the first session.
    response = password_sign_up(client, smtp_server, SIGN_UP)
    assert response.status_code == 200

    dashboard = get_page(client, "/dashboard")
    assert "Zuidas Quantum Labs B.V." in dashboard.text
    assert "12345678" in dashboard.text
    assert "1082 PP" in dashboard.text  # postcode normalised
    assert "0 unread letters" in dashboard.text

    # 2. Apply for recognition (labour): organisation data is prefilled, never typed again.
    start = get_page(client, "/applications/recognition/new")
    assert "Gustav Mahlerlaan 10" in start.text
    response = client.post(
        "/applications/recognition/new", data={"csrf_token": start.csrf(), "category": "labour"}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    check_url = response.headers["Location"]
    check = get_page(client, check_url)
    assert "€5,080.00" in check.text  # 80 persons > 50: the regular 2026 fee
    assert "regular fee" in check.text

    # The declaration is required.
    response = client.post(check_url, data={"csrf_token": check.csrf()})
    assert response.status_code == 400
    assert "Confirm the declaration" in response.get_data(as_text=True)

    # A password sign-up is unverified: the KvK extract goes with the application.
    response = client.post(
        check_url,
        data={
            "csrf_token": check.csrf(),
            "declaration": "y",
            "kvk_extract": (io.BytesIO(PDF), "uittreksel.pdf"),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    case_page = get_page(client, response.headers["Location"])
    application = db.session.scalar(db.select(Application))
    assert application.reference.startswith("ER-2026-")
    assert application.reference in case_page.text
    assert application.snapshot["organisation"]["legal_name"] == "Zuidas Quantum Labs B.V."
    # Recognition: the 90 days run from payment of the fee, which has not arrived yet.
    assert application.decision_deadline is None
    assert "Decision period not started — waiting for payment" in case_page.text
    assert "Acknowledgement of receipt" in case_page.text
    assert "Fee to pay" in case_page.text
    assert "2 unread letters" in get_page(client, "/dashboard").text
    pay(application)  # the transfer arrives today: the 90 days start
    assert (application.decision_deadline - clock.today()).days == 90

    # 3. IND staff: created with the CLI, signs in with password and second factor.
    result = app.test_cli_runner().invoke(
        args=[
            "staff",
            "create",
            "--email",
            "rev@ind.example",
            "--name",
            "Ria Reviewer",
            "--role",
            "reviewer",
            "--password",
            "staff password for tests",
        ]
    )
    assert result.exit_code == 0, result.output
    staff = db.session.scalar(db.select(User).where(User.email == "rev@ind.example"))
    assert staff.totp_secret and staff.totp_secret in result.output

    staff_client = app.test_client()
    staff_client.get("/language/en")
    page = get_page(staff_client, "/backoffice/sign-in")
    response = staff_client.post(
        "/backoffice/sign-in",
        data={
            "csrf_token": page.csrf(),
            "email": "rev@ind.example",
            "password": "staff password for tests",
        },
    )
    assert response.headers["Location"].endswith("/backoffice/sign-in/code")
    page = get_page(staff_client, "/backoffice/sign-in/code")
    response = staff_client.post(
        "/backoffice/sign-in/code",
        data={"csrf_token": page.csrf(), "code": pyotp.TOTP(staff.totp_secret).now()},
    )
    assert response.status_code == 302

    queue = get_page(staff_client, "/backoffice/")
    assert application.reference in queue.text
    assert "Zuidas Quantum Labs B.V." in queue.text
    assert "90 days left" in queue.text

    case = get_page(staff_client, f"/backoffice/cases/{application.id}")
    assert "Gustav Mahlerlaan 10" in case.text
    response = grant(
        staff_client, application, **{"reason": "All conditions for recognition are met."}
    )
    assert response.status_code == 302
    queue = get_page(staff_client, "/backoffice/")
    assert f"Decision recorded for {application.reference}" in queue.text
    assert application.reference not in " ".join(
        r.get_text() for r in queue.soup.select("tbody tr")
    )

    # 4. The sponsor finds the decision in the inbox, unread, and downloads the PDF.
    dashboard = get_page(client, "/dashboard")
    assert "Recognised" in dashboard.text
    inbox = get_page(client, "/inbox")
    rows = inbox.soup.select("tbody tr")
    assert "Decision: recognition as a sponsor granted" in rows[0].get_text()
    assert "letter--unread" in rows[0]["class"]
    link = rows[0].find("a")["href"]
    letter_page = get_page(client, link)
    letter = db.session.scalar(db.select(Letter).order_by(Letter.id.desc()))
    assert letter.sha256 in letter_page.text

    pdf = client.get(f"{link}/pdf")
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf"
    assert hashlib.sha256(pdf.data).hexdigest() == letter.sha256
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Zuidas Quantum Labs B.V." in text
    assert "labour" in text
    assert "granted" in text
    assert application.reference in text

    inbox = get_page(client, "/inbox")
    assert "letter--read" in inbox.soup.select("tbody tr")[0]["class"]
