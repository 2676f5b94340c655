"""schemathesis against the served OpenAPI description (issue 18, "Proof"): generated calls to
every operation, with a real token of a seeded organisation; no answer is a server error and
every answer matches the description (status, content type, headers, body). Bounded examples:
the whole file runs in about a minute on the CI machine."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.core.failures import FailureGroup

from portal.api import clients
from portal.api.scopes import Scope
from portal.extensions import db
from tests.support.api import bearer, get_token
from tests.support.factories import PersonFactory, member

EXAMPLES = 10
# Schema-valid data may still break a rule the schema cannot say (a refused person: 422, a
# duplicate: 409) or miss a precondition (If-Match: 412/428); never a 400 or a 5xx.
CONFIG = schemathesis.Config.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "401", "403", "404", "409", "412", "422", "428"]
            }
        }
    }
)


@pytest.fixture
def seeded(client):
    """A verified organisation with a person and a client holding every scope: (kvk, token)."""
    user = member()
    organisation = user.memberships[0].organisation
    PersonFactory(organisation=organisation)
    api_client, secret = clients.register(organisation, "Fuzz", list(Scope), [], user)
    db.session.commit()
    return organisation.kvk_number, get_token(client, api_client.client_id, secret)


def _fuzz(operation, kvk: str, token: str, mode) -> None:
    @given(case=operation.as_strategy(mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def run(case):
        if "kvk" in (case.path_parameters or {}):
            case.path_parameters["kvk"] = kvk
        case.call_and_validate(headers=bearer(token))

    run()


def test_every_operation_answers_as_described(app, seeded):
    kvk, token = seeded
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=CONFIG)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in schemathesis.GenerationMode:
            try:
                _fuzz(operation, kvk, token, mode)
            except (AssertionError, FailureGroup) as failure:  # each one's, not only the first
                failures.append(f"{operation.label} ({mode.value}): {failure}")
    assert failures == [], "\n\n".join(failures)


def test_routing_errors_under_the_api_are_problem_documents(client, seeded):
    kvk, token = seeded
    people = f"/api/v1/organisations/{kvk}/people"
    out_of_range = client.delete(f"{people}/99999999999", headers=bearer(token))
    assert out_of_range.status_code == 404 and out_of_range.json["code"] == "not_found"
    wrong_method = client.put(people, headers=bearer(token))
    assert wrong_method.status_code == 405
    assert wrong_method.mimetype == "application/problem+json"
    nul = client.get(people + "?after=%00", headers=bearer(token))
    assert nul.status_code == 400 and nul.json["code"] == "bad_request"
    assert client.get("/organisation/nowhere").mimetype == "text/html"


def test_sequences_along_the_links_answer_as_described(app, seeded):
    """Stateful: create a person or a webhook, then follow the description's links (get,
    change with the ETag, archive; rotate, log, remove) with generated data."""
    kvk, token = seeded
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=CONFIG)

    class Workflow(schema.as_state_machine()):
        def before_call(self, case):
            if "kvk" in (case.path_parameters or {}):
                case.path_parameters["kvk"] = kvk

        def get_call_kwargs(self, case):
            return {"headers": bearer(token)}

    Workflow.run(
        settings=settings(
            max_examples=2 * EXAMPLES,
            stateful_step_count=6,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
    )
