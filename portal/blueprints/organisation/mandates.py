"""Mandates given by a sponsor to intermediaries (and, for an intermediary, those received)."""

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice, SelectMultipleField, StringField
from wtforms.validators import DataRequired, ValidationError

from portal import clock
from portal.blueprints.organisation import bp
from portal.extensions import db
from portal.forms import BaseForm, DateInputField, EmptyForm
from portal.labels import CATEGORY
from portal.models import Category, Mandate
from portal.organisations import mandates as service
from portal.permissions import Permission, requires
from portal.validators import KvkNumber, compact


class MandateForm(BaseForm):
    intermediary_kvk = StringField(
        _l("KvK number of the intermediary"),
        filters=[compact],
        validators=[DataRequired(_l("Enter the KvK number of the intermediary")), KvkNumber()],
    )
    categories = SelectMultipleField(
        _l("For which categories?"),
        choices=[SelectChoice(c.value, CATEGORY[c]) for c in Category],
        validators=[DataRequired(_l("Choose at least one category"))],
    )
    valid_from = DateInputField(
        _l("Valid from"), validators=[DataRequired(_l("Enter the start date"))]
    )
    valid_until = DateInputField(_l("Valid until (optional)"))

    def validate_valid_from(self, field):
        if field.data and field.data < clock.today():
            raise ValidationError(_l("The start date cannot be in the past"))

    def validate_valid_until(self, field):
        if field.data and self.valid_from.data and field.data < self.valid_from.data:
            raise ValidationError(_l("The end date must be on or after the start date"))


def _render(form, status=200):
    organisation = g.organisation
    return render_template(
        "organisation/mandates.html",
        organisation=organisation,
        given=service.given_by(organisation),
        received=service.received_by(organisation),
        form=form,
        button_form=EmptyForm(),
        today=clock.today(),
    ), status


@bp.get("/mandates")
@requires(Permission.MANDATE_MANAGE)
def mandates():
    form = MandateForm()
    form.valid_from.data = clock.today()
    return _render(form)


@bp.post("/mandates")
@requires(Permission.MANDATE_MANAGE)
def grant_mandate():
    form = MandateForm()
    if form.validate_on_submit():
        try:
            mandate = service.grant(
                g.organisation,
                form.intermediary_kvk.data,
                [Category(c) for c in form.categories.data],
                form.valid_from.data,
                form.valid_until.data,
                current_user,
            )
        except service.IntermediaryNotFound:
            form.intermediary_kvk.errors.append(
                _("No organisation with this KvK number uses the portal. Ask it to sign up first.")
            )
        except service.SameOrganisation:
            form.intermediary_kvk.errors.append(
                _("This is your own KvK number. Enter the KvK number of the intermediary.")
            )
        except service.NotAnIntermediary:
            form.intermediary_kvk.errors.append(
                _("This organisation is not registered as an intermediary.")
            )
        else:
            db.session.commit()
            flash(
                _("%(name)s may now act for you.", name=mandate.intermediary.legal_name),
                "success",
            )
            return redirect(url_for("organisation.mandates"))
    return _render(form, 400)


@bp.post("/mandates/<int:mandate_id>/revoke")
@requires(Permission.MANDATE_MANAGE)
def revoke_mandate(mandate_id: int):
    mandate = db.session.scalar(
        select(Mandate).where(Mandate.id == mandate_id, Mandate.sponsor_id == g.organisation.id)
    )
    if mandate is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    service.revoke(mandate, current_user)
    db.session.commit()
    flash(
        _("The mandate of %(name)s has been revoked.", name=mandate.intermediary.legal_name),
        "success",
    )
    return redirect(url_for("organisation.mandates"))
