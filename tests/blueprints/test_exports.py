"""Large exports (issue 21): a ZIP of all the organisation's letters and a CSV of its people
register, made by a job; a progress page that refreshes itself (no JavaScript) with a link to
refresh by hand, then a download link; only the member who asked, of that organisation, sees
it (404 otherwise); Dutch and English; audited."""

import csv
import io
import time
import zipfile
from datetime import date

from sqlalchemy import insert, select

from portal.extensions import db
from portal.jobs import worker
from portal.models import AuditEvent, Category, Export, OrgRole, Person, Sex
from tests.support.auth import sign_in, sign_out
from tests.support.factories import MembershipFactory, PersonFactory, member
from tests.support.letters import add_letter, days
from tests.support.pages import get_page


def _ask(client, kind: str):
    page = get_page(client, "/exports/")
    response = client.post("/exports/", data={"csrf_token": page.csrf(), "kind": kind})
    assert response.status_code == 302, response.status_code
    return response.headers["Location"]


def test_people_csv_is_made_at_once_without_a_worker_and_downloaded(client):
    user = member(OrgRole.READER)
    org = user.memberships[0].organisation
    for _n in range(3):
        PersonFactory(organisation=org)
    client.get("/language/en")
    sign_in(client, user)
    assert get_page(client, "/people/").soup.find(id="large-exports") is not None
    url = _ask(client, "people_csv")
    page = get_page(client, url)
    assert page.soup.find("meta", attrs={"http-equiv": "refresh"}) is None
    assert "3 items" in page.soup.find(id="ready").text
    download = client.get(page.soup.find(id="download")["href"])
    assert download.status_code == 200 and download.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][0] == "Surname" and len(rows) == 4
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["export.requested", "export.downloaded"]


def test_letters_zip_waits_for_the_worker_with_a_progress_page_in_dutch(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_INLINE", False)
    user = member(OrgRole.READER)
    org = user.memberships[0].organisation
    add_letter(org, subject="First", at=days(1))
    add_letter(org, subject="Second", at=days(2))
    client.get("/language/nl")
    sign_in(client, user)
    url = _ask(client, "letters_zip")
    page = get_page(client, url)
    assert page.soup.find("meta", attrs={"http-equiv": "refresh"})["content"] == "3"
    assert "0 van 2" in page.soup.find(id="progress").text
    assert page.soup.find(id="refresh")["href"] == url
    assert page.soup.find(id="download") is None
    assert worker.work() == 1
    page = get_page(client, url)
    assert page.soup.find("meta", attrs={"http-equiv": "refresh"}) is None
    assert "klaar: 2" in page.soup.find(id="ready").text
    download = client.get(page.soup.find(id="download")["href"])
    assert download.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(download.data)).namelist()
    assert len([n for n in names if n.endswith(".pdf")]) == 2 and "index.csv" in names


def test_only_the_member_who_asked_sees_the_export(client):
    user = member(OrgRole.ADMINISTRATOR)
    org = user.memberships[0].organisation
    colleague = MembershipFactory(organisation=org, role=OrgRole.READER).user
    stranger = member(OrgRole.ADMINISTRATOR)
    client.get("/language/en")
    sign_in(client, user)
    url = _ask(client, "people_csv")
    assert client.get(url).status_code == 200
    sign_out(client)
    for other in (colleague, stranger):
        sign_in(client, other)
        assert client.get(url).status_code == 404
        assert client.get(url + "/download").status_code == 404
        sign_out(client)
    assert db.session.scalar(select(Export.organisation_id)) == org.id


def test_a_csv_of_50000_people(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_INLINE", False)
    user = member(OrgRole.READER)
    org = user.memberships[0].organisation
    db.session.execute(
        insert(Person),
        [
            {
                "organisation_id": org.id,
                "given_names": "Ana",
                "surname": f"Student {n:05d}",
                "date_of_birth": date(2001, 1, 1),
                "place_of_birth": "Lima",
                "country_of_birth": "PE",
                "nationality": "PE",
                "sex": Sex.UNSPECIFIED,
                "category": Category.STUDY,
                "passport_number": f"NP{n:06d}",
                "passport_issued_on": date(2020, 1, 1),
                "passport_expires_on": date(2030, 1, 1),
                "sort_key": f"student {n:05d}",
                "search_text": f"student {n:05d}",
            }
            for n in range(50_000)
        ],
    )
    db.session.commit()
    client.get("/language/en")
    sign_in(client, user)
    url = _ask(client, "people_csv")
    started = time.perf_counter()
    assert worker.work() == 1
    print(f"50,000-row people CSV made in {time.perf_counter() - started:.1f} s")
    page = get_page(client, url)
    download = client.get(page.soup.find(id="download")["href"])
    lines = download.get_data(as_text=True).splitlines()
    assert len(lines) == 50_001 and lines[1].startswith("Student 00000,")


def test_an_export_whose_job_failed_says_so_and_stops_refreshing(app, client, monkeypatch):
    from portal.jobs import exports

    monkeypatch.setitem(app.config, "JOBS_INLINE", False)
    monkeypatch.setitem(app.config, "JOBS_MAX_ATTEMPTS", 1)

    def broken(export_id, ids):
        raise OSError("disk full")

    monkeypatch.setattr(exports, "_people_csv", broken)
    user = member(OrgRole.READER)
    client.get("/language/en")
    sign_in(client, user)
    url = _ask(client, "people_csv")
    assert worker.work() == 1
    page = get_page(client, url)
    assert page.soup.find(id="failed") is not None
    assert page.soup.find("meta", attrs={"http-equiv": "refresh"}) is None
    assert page.soup.find(id="download") is None
