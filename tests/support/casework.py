"""Helpers for back-office tests: a submitted case, and submitting a form as a browser would."""

from portal.models import Application, CheckOutcome
from tests.support.factories import ApplicationFactory, member
from tests.support.pages import Page, get_page


def submitted_case(days_left: int = 30, category: str = "labour", **organisation) -> Application:
    """A recognition application submitted by a member of a new organisation."""
    user = member(**organisation)
    org = user.memberships[0].organisation
    return ApplicationFactory(
        submitted=True,
        organisation=org,
        category=category,
        created_by=user,
        days_left=days_left,
    )


def form_fields(page: Page, action_suffix: str) -> tuple[str, dict]:
    """The action and current values of the form whose action ends with `action_suffix`."""
    form = page.soup.find("form", action=lambda a: a is not None and a.endswith(action_suffix))
    assert form is not None, f"no form for {action_suffix} on the page"
    data = {}
    for node in form.find_all(["input", "textarea", "select"]):
        name = node.get("name")
        if not name:
            continue
        if node.name == "input" and node.get("type") in ("radio", "checkbox"):
            if node.has_attr("checked"):
                data[name] = node["value"]
        elif node.name == "textarea":
            data[name] = node.get_text()
        elif node.name == "select":
            option = node.find("option", selected=True) or node.find("option")
            data[name] = option["value"] if option else ""
        else:
            data[name] = node.get("value", "")
    return form["action"], data


def submit(client, page: Page, action_suffix: str, follow_redirects=False, **values):
    """Fill in the form found on `page` (values keyed by field name) and post it."""
    action, data = form_fields(page, action_suffix)
    for name in values:  # a date given as one value replaces what its three boxes hold
        for part in ("day", "month", "year"):
            data.pop(f"{name}-{part}", None)
    data.update(values)
    return client.post(action, data=data, follow_redirects=follow_redirects)


def act(client, case: Application, action_suffix: str, follow_redirects=False, **values):
    page = get_page(client, f"/backoffice/cases/{case.id}")
    return submit(client, page, action_suffix, follow_redirects=follow_redirects, **values)


def answer_checklist(client, case: Application, outcome: str = "met", **values):
    """Answer every item of the case's checklist with `outcome` (values override per field)."""
    page = get_page(client, f"/backoffice/cases/{case.id}")
    _action, data = form_fields(page, "/checklist")
    answers = {name: outcome for name in data if name.endswith("_outcome")}
    answers.update(values)
    return submit(client, page, "/checklist", **answers)


def grant(client, case: Application, follow_redirects=False, **values):
    """A reviewer grants as in the back office: claim, answer the checklist, confirm."""
    page = get_page(client, f"/backoffice/cases/{case.id}")
    if page.soup.find("form", action=f"/backoffice/cases/{case.id}/claim") is not None:
        assert submit(client, page, "/claim").status_code == 302
    assert answer_checklist(client, case).status_code == 302
    confirm = get_page(client, f"/backoffice/cases/{case.id}/grant")
    return submit(client, confirm, "/grant", follow_redirects=follow_redirects, **values)


def ready_to_grant(case: Application, reviewer) -> Application:
    """Service level: the reviewer claims the case and finds every checklist item met."""
    from portal.cases import casework

    casework.claim(case, reviewer, case.version)
    entries = dict.fromkeys(casework.checklist(case), (CheckOutcome.MET, ""))
    casework.save_checklist(case, reviewer, entries, case.version)
    return case
