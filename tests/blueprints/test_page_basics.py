"""Small things every page gets right (issue 19): the title names the service once, a favicon
(no 404 for /favicon.ico), no "B.V.." where a sentence ends with a name ending in a full stop,
and the inbox shows its letters first (filters behind a disclosure, a summary of those in use)."""

from datetime import timedelta

from portal import clock
from portal.extensions import db
from portal.models import Letter, LetterKind, OrgRole
from tests.support.auth import act_under_mandate, sign_in, staff_sign_in, staff_sign_out
from tests.support.casework import act, submitted_case
from tests.support.factories import (
    MandateFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.support.pages import get_page


def test_the_title_names_the_service_once_in_both_languages(client):
    for lang, service in (("en", "Sponsor Portal"), ("nl", "Referentenportaal")):
        client.get(f"/language/{lang}")
        assert get_page(client, "/").soup.title.string == f"{service} – IND"
        title = get_page(client, "/accessibility").soup.title.string
        assert title.endswith(f" – {service} – IND") and title.count(service) == 1, title


def test_a_favicon_is_linked_and_served(client):
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200
        assert response.mimetype == "image/vnd.microsoft.icon"
        assert response.get_data()[:4] == b"\x00\x00\x01\x00"  # an ICO file
    icons = {link["href"] for link in get_page(client, "/").soup.select("link[rel=icon]")}
    # Linked as static files, which leave the session cookie alone.
    assert icons == {"/static/favicon.ico", "/static/favicon.svg"}
    for href in icons:
        with client.get(href) as response:
            assert response.status_code == 200, href


def test_a_name_ending_in_a_full_stop_ends_the_sentence_once(client):
    client.get("/language/en")
    case = submitted_case(days_left=30, legal_name="Nova Robotics B.V.")
    staff_sign_in(client, UserFactory(reviewer=True))
    respond_by = str(clock.today() + timedelta(days=14))
    response = act(
        client,
        case,
        "/request-information",
        **{"request-message": "Send the extract.", "request-respond_by": respond_by},
    )
    assert response.status_code == 302
    staff_sign_out(client)
    letter = db.session.scalar(
        db.select(Letter).where(Letter.kind == LetterKind.REQUEST_FOR_INFORMATION)
    )
    sign_in(client, case.created_by)
    text = get_page(client, f"/inbox/{letter.id}").text
    assert "of Nova Robotics B.V. To decide" in text
    assert "B.V.." not in text


def test_switching_to_a_bv_says_so_with_one_full_stop(client):
    client.get("/language/en")
    mandate = MandateFactory(sponsor=OrganisationFactory(legal_name="Sponsor Works B.V."))
    membership = MembershipFactory(organisation=mandate.intermediary, role=OrgRole.SUBMITTER)
    db.session.refresh(membership.user)
    sign_in(client, membership.user)
    act_under_mandate(client, mandate)
    text = get_page(client, "/dashboard").text
    assert "You now act for Sponsor Works B.V." in text and "B.V.." not in text
