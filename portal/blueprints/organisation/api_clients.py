"""API clients (issue 18): an administrator registers clients for the organisation's own
systems, sees the secret once, rotates and revokes them."""

from flask import abort, flash, g, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from portal.api import clients as service
from portal.api.scopes import Scope
from portal.blueprints.organisation import bp
from portal.extensions import db
from portal.forms import BaseForm, EmptyForm
from portal.labels import API_SCOPE
from portal.models import ApiClient
from portal.permissions import Permission, requires


class ApiClientForm(BaseForm):
    name = StringField(
        _l("Name of the client"),
        validators=[
            DataRequired(_l("Enter a name for the client")),
            Length(max=100, message=_l("Enter at most 100 characters")),
        ],
    )
    scopes = SelectMultipleField(
        _l("What may the client do?"),
        choices=[SelectChoice(s.value, API_SCOPE[s]) for s in Scope],
        validators=[DataRequired(_l("Choose at least one permission"))],
    )
    allowed_ips = TextAreaField(
        _l("Allowed IP addresses (optional)"),
        validators=[Length(max=2000, message=_l("Enter at most 2000 characters"))],
    )

    def validate_allowed_ips(self, field):
        try:
            self.networks = service.parse_networks(field.data or "")
        except ValueError:
            raise ValidationError(
                _l("Enter IP addresses or networks such as 192.0.2.10 or 192.0.2.0/24")
            ) from None


def _render(form, status=200, secret=None, shown=None):
    return render_template(
        "organisation/api_clients.html",
        organisation=g.organisation,
        allowed=service.may_have_clients(g.organisation),
        clients=service.clients_of(g.organisation),
        form=form,
        button_form=EmptyForm(),
        secret=secret,
        shown=shown,
    ), status


def _client_or_404(client_id: int) -> ApiClient:
    client = db.session.scalar(
        select(ApiClient).where(
            ApiClient.id == client_id, ApiClient.organisation_id == g.organisation.id
        )
    )
    if client is None:
        abort(404)
    return client


def _own_organisation():
    if g.context.on_behalf:
        abort(404)


@bp.get("/api-clients")
@requires(Permission.API_CLIENT_MANAGE)
def api_clients():
    _own_organisation()
    return _render(ApiClientForm(formdata=None))


@bp.post("/api-clients")
@requires(Permission.API_CLIENT_MANAGE)
def register_api_client():
    _own_organisation()
    form = ApiClientForm()
    if not service.may_have_clients(g.organisation):
        abort(403)
    if form.validate_on_submit():
        client, secret = service.register(
            g.organisation,
            form.name.data.strip(),
            [Scope(s) for s in form.scopes.data],
            form.networks,
            current_user,
        )
        db.session.commit()
        flash(_("The client %(name)s has been registered.", name=client.name), "success")
        # The secret is shown in this response only, never stored or redirected with.
        return _render(ApiClientForm(formdata=None), secret=secret, shown=client)
    return _render(form, 400)


@bp.post("/api-clients/<int:client_id>/rotate")
@requires(Permission.API_CLIENT_MANAGE)
def rotate_api_client(client_id: int):
    _own_organisation()
    client = _client_or_404(client_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        secret = service.rotate(client, current_user)
    except service.NoClientsAllowed:
        abort(403)
    db.session.commit()
    flash(_("The client %(name)s has a new secret.", name=client.name), "success")
    return _render(ApiClientForm(formdata=None), secret=secret, shown=client)


@bp.post("/api-clients/<int:client_id>/revoke")
@requires(Permission.API_CLIENT_MANAGE)
def revoke_api_client(client_id: int):
    _own_organisation()
    client = _client_or_404(client_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    service.revoke(client, current_user)
    db.session.commit()
    flash(_("The client %(name)s has been revoked.", name=client.name), "success")
    return _render(ApiClientForm(formdata=None))
