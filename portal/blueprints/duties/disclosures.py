"""Voluntary disclosure: the organisation reports its own breach of a duty (issue 25, item 6).
Administrators of the organisation itself; never under a mandate."""

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import RadioField, SelectChoice, TextAreaField, ValidationError
from wtforms.validators import DataRequired, InputRequired, Length

from portal import clock
from portal.blueprints.duties import bp
from portal.extensions import db
from portal.forms import BaseForm, DateInputField
from portal.labels import DISCLOSURE_KIND
from portal.models import DisclosureKind
from portal.oversight import disclosures
from portal.permissions import Permission, requires


class DisclosureForm(BaseForm):
    kind = RadioField(
        _l("What happened?"),
        choices=[SelectChoice(kind.value, label) for kind, label in DISCLOSURE_KIND.items()],
        validators=[InputRequired(_l("Choose what happened"))],
    )
    occurred_on = DateInputField(
        _l("When did it happen?"),
        validators=[DataRequired(_l("Enter the date it happened"))],
    )
    description = TextAreaField(
        _l("What happened, and what have you done about it?"),
        validators=[
            DataRequired(_l("Describe what happened")),
            Length(max=2000, message=_l("Enter at most 2000 characters")),
        ],
    )

    def validate_occurred_on(self, field):
        if field.data and field.data > clock.today():
            raise ValidationError(_l("The date cannot be in the future"))


@bp.route("/duties/disclosures", methods=["GET", "POST"])
@requires(Permission.DISCLOSURE_CREATE)
def disclosures_page():
    if g.context.on_behalf:
        abort(404)
    form = DisclosureForm()
    if form.validate_on_submit():
        disclosures.disclose(
            g.organisation,
            DisclosureKind(form.kind.data),
            form.occurred_on.data,
            form.description.data,
            current_user,
        )
        db.session.commit()
        flash(
            _(
                "Thank you for reporting this yourself. The IND takes that into account as a "
                "mitigating fact if it considers a sanction."
            ),
            "success",
        )
        return redirect(url_for("duties.disclosures_page"))
    return render_template(
        "duties/disclosures.html", form=form, made=disclosures.of(g.organisation)
    ), (400 if form.is_submitted() else 200)
