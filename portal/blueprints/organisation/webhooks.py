"""An API client's page (issue 18): its webhooks (subscribe a URL to events, new signing
secret, remove) and its delivery log with replay. The same rules as the API
(portal/api/webhooks.problems)."""

from flask import abort, flash, g, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice, SelectMultipleField, StringField

from portal.api import webhooks as service
from portal.api.events import EVENTS
from portal.api.webhooks import MESSAGES
from portal.blueprints.organisation import bp
from portal.blueprints.organisation.api_clients import _client_or_404, _own_organisation
from portal.extensions import db
from portal.forms import BaseForm, EmptyForm
from portal.models import ApiClient, WebhookDelivery, WebhookSubscription
from portal.permissions import Permission, requires


class WebhookForm(BaseForm):
    url = StringField(_l("Address that receives the events"))
    events = SelectMultipleField(
        _l("Which events?"),
        choices=[SelectChoice(name, event.label) for name, event in EVENTS.items()],
        validate_choice=False,
    )

    def validate_for(self, client: ApiClient) -> bool:
        """The form's own checks (CSRF, text) and the rules the API applies too."""
        valid = self.validate_on_submit()
        if not self.is_submitted():
            return False
        url = (self.url.data or "").strip()
        for field, code in service.problems(client, url, self.events.data or []).items():
            getattr(self, field).errors = [*getattr(self, field).errors, MESSAGES[code]]
            valid = False
        return valid


def _render(client: ApiClient, form: WebhookForm, status=200, secret=None, shown=None):
    return render_template(
        "organisation/api_client.html",
        organisation=g.organisation,
        client=client,
        usable=client.revoked_at is None and service.clients.may_have_clients(g.organisation),
        subscriptions=service.subscriptions_of(client),
        deliveries=service.deliveries_of(client),
        allowed_events=service.allowed_events(client),
        events=EVENTS,
        form=form,
        button_form=EmptyForm(),
        secret=secret,
        shown=shown,
    ), status


def _subscription_or_404(client: ApiClient, webhook_id: int) -> WebhookSubscription:
    subscription = db.session.get(WebhookSubscription, webhook_id)
    if subscription is None or subscription.client_id != client.id or subscription.removed_at:
        abort(404)
    return subscription


def _button_pressed() -> None:
    if not EmptyForm().validate_on_submit():
        abort(400)


@bp.get("/api-clients/<int:client_id>")
@requires(Permission.API_CLIENT_MANAGE)
def api_client(client_id: int):
    _own_organisation()
    return _render(_client_or_404(client_id), WebhookForm(formdata=None))


@bp.post("/api-clients/<int:client_id>/webhooks")
@requires(Permission.API_CLIENT_MANAGE)
def subscribe_webhook(client_id: int):
    _own_organisation()
    client = _client_or_404(client_id)
    form = WebhookForm()
    if not form.validate_for(client):
        return _render(client, form, 400)
    try:
        subscription, secret = service.subscribe(
            client, form.url.data.strip(), form.events.data, current_user
        )
    except service.WebhookNotAllowed:
        abort(403)
    db.session.commit()
    flash(_("The webhook has been added."), "success")
    # The secret is in this response only.
    return _render(client, WebhookForm(formdata=None), secret=secret, shown=subscription)


@bp.post("/api-clients/<int:client_id>/webhooks/<int:webhook_id>/rotate")
@requires(Permission.API_CLIENT_MANAGE)
def rotate_webhook_secret(client_id: int, webhook_id: int):
    _own_organisation()
    client = _client_or_404(client_id)
    subscription = _subscription_or_404(client, webhook_id)
    _button_pressed()
    try:
        secret = service.rotate_secret(subscription, current_user)
    except service.WebhookNotAllowed:
        abort(403)
    db.session.commit()
    flash(_("The webhook has a new signing secret."), "success")
    return _render(client, WebhookForm(formdata=None), secret=secret, shown=subscription)


@bp.post("/api-clients/<int:client_id>/webhooks/<int:webhook_id>/remove")
@requires(Permission.API_CLIENT_MANAGE)
def remove_webhook(client_id: int, webhook_id: int):
    _own_organisation()
    client = _client_or_404(client_id)
    subscription = _subscription_or_404(client, webhook_id)
    _button_pressed()
    service.remove(subscription, current_user)
    db.session.commit()
    flash(_("The webhook has been removed."), "success")
    return _render(client, WebhookForm(formdata=None))


@bp.post("/api-clients/<int:client_id>/deliveries/<int:delivery_id>/replay")
@requires(Permission.API_CLIENT_MANAGE)
def replay_webhook_delivery(client_id: int, delivery_id: int):
    _own_organisation()
    client = _client_or_404(client_id)
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.subscription.client_id != client.id:
        abort(404)
    _button_pressed()
    try:
        service.replay(delivery, current_user)
    except service.WebhookNotAllowed:
        abort(403)
    db.session.commit()
    flash(_("The event will be sent again."), "success")
    return _render(client, WebhookForm(formdata=None))
