"""Triage rules (supervisors): see each rule with its reason and settings, switch it on or off
and change its parameters — each change a new, audited version with a reason."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from portal import clock
from portal.blueprints.backoffice import bp
from portal.extensions import db
from portal.forms import BaseForm
from portal.permissions import Permission, staff_requires
from portal.triage import settings
from portal.triage.rules import BY_KEY


class RuleForm(BaseForm):
    enabled = BooleanField(_l("The rule is on: it routes cases to a thorough review"))
    months = IntegerField(
        _l("Months"),
        validators=[
            InputRequired(message=_l("Enter a number of months")),
            NumberRange(min=1, max=120, message=_l("Enter a number of months from 1 to 120")),
        ],
    )
    reason = TextAreaField(
        _l("Why this change"),
        validators=[
            DataRequired(message=_l("Say why you change the rule")),
            Length(max=1000, message=_l("Enter at most 1,000 characters")),
        ],
    )


@bp.get("/triage")
@staff_requires(Permission.STAFF_TRIAGE_MANAGE)
def triage_rules():
    return render_template("backoffice/triage.html", rules=settings.current(clock.today()))


@bp.route("/triage/<rule_key>", methods=["GET", "POST"])
@staff_requires(Permission.STAFF_TRIAGE_MANAGE)
def triage_rule(rule_key: str):
    rule = BY_KEY.get(rule_key) or abort(404)
    setting = next(s for s in settings.current(clock.today()) if s.rule is rule)
    form = RuleForm(data={"enabled": setting.enabled, **setting.parameters})
    if "months" not in rule.parameter_labels:
        del form.months
    if form.validate_on_submit():
        parameters = {"months": form.months.data} if "months" in rule.parameter_labels else {}
        version = settings.change(
            rule.key, form.enabled.data, parameters, form.reason.data, current_user
        )
        db.session.commit()
        flash(_("Saved as version %(version)d of the rule.", version=version), "success")
        return redirect(url_for("backoffice.triage_rules"))
    status = 400 if form.errors else 200
    return render_template(
        "backoffice/triage_rule.html",
        form=form,
        setting=setting,
        history=settings.history(rule.key),
    ), status
