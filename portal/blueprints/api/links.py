"""OpenAPI links between the API's operations: what a created resource's answer leads to (the
id in the body, the ETag for If-Match). Tools follow them; schemathesis runs them as
sequences (tests/test_api_fuzz.py)."""

from portal.api import openapi
from portal.blueprints.api.people import PEOPLE
from portal.blueprints.api.webhooks import WEBHOOKS

KVK = "$request.path.kvk"
PERSON = {"kvk": KVK, "person_id": "$response.body#/id"}
MATCHED = {**PERSON, "header.If-Match": "$response.header.ETag"}
WEBHOOK = {"kvk": KVK, "webhook_id": "$response.body#/id"}

for name, target, parameters in (
    ("GetPerson", (PEOPLE + "/{person_id}", "get"), PERSON),
    ("UpdatePerson", (PEOPLE + "/{person_id}", "patch"), MATCHED),
    ("ArchivePerson", (PEOPLE + "/{person_id}/archive", "post"), MATCHED),
):
    openapi.link((PEOPLE, "post", "201"), name, target, parameters)
    if name != "GetPerson":
        openapi.link((PEOPLE + "/{person_id}", "get", "200"), name, target, parameters)

for name, target in (
    ("GetWebhook", (WEBHOOKS + "/{webhook_id}", "get")),
    ("RemoveWebhook", (WEBHOOKS + "/{webhook_id}", "delete")),
    ("RotateWebhookSecret", (WEBHOOKS + "/{webhook_id}/rotate-secret", "post")),
    ("WebhookDeliveries", (WEBHOOKS + "/{webhook_id}/deliveries", "get")),
):
    openapi.link((WEBHOOKS, "post", "201"), name, target, WEBHOOK)
