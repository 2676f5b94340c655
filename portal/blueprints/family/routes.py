"""Filing a family member's application from the main applicant's page, and what the pages
about people and cases show of a family (template globals)."""

from flask import abort, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import RadioField, SelectChoice, SelectField
from wtforms.validators import InputRequired

from portal import clock
from portal.blueprints.family import bp
from portal.extensions import db
from portal.family import facts, filing
from portal.family.types import FAMILY_KINDS
from portal.forms import BaseForm
from portal.labels import APPLICATION_KIND
from portal.letters import visibility
from portal.models import Application, ApplicationKind, Letter, Person
from portal.permissions import Permission, requires
from portal.scoping import scoped_or_404


class FamilyForm(BaseForm):
    kind = RadioField(
        _l("Who is the family member?"),
        choices=[SelectChoice(k.value, APPLICATION_KIND[k]) for k in FAMILY_KINDS],
        validators=[InputRequired(_l("Choose whether this is the partner or a child"))],
    )
    person = SelectField(
        _l("The family member, from the people register"),
        validators=[InputRequired(_l("Choose the family member from the people register"))],
        validate_choice=False,
    )


def _members(main: Application) -> list[Person]:
    """People of the register who can be the family member: the organisation's current
    people within the user's scope, not the main applicant."""
    return list(
        db.session.scalars(
            select(Person)
            .where(
                Person.organisation_id == g.organisation.id,
                Person.archived_at.is_(None),
                Person.id != main.person_id,
                g.context.in_scope(Person.category),
            )
            .order_by(Person.sort_key, Person.id)
        )
    )


@bp.route("/new/<int:main_id>", methods=["GET", "POST"])
@requires(Permission.APPLICATION_CREATE)
def new(main_id: int):
    main = scoped_or_404(Application, main_id)
    if main.person is None or main.kind in FAMILY_KINDS or not main.kind.is_residence:
        abort(404)
    people = _members(main)
    form = FamilyForm()
    form.person.choices = [SelectChoice("", _("Choose a person"))] + [
        SelectChoice(str(p.id), f"{p.full_name} ({p.date_of_birth.strftime('%d-%m-%Y')})")
        for p in people
    ]
    reason = filing.reason_not_fileable(main)
    if reason is None and form.validate_on_submit():
        member = next((p for p in people if str(p.id) == form.person.data), None)
        if member is None:
            form.person.errors.append(_("Choose the family member from the people register"))
        else:
            try:
                application = filing.start_family(
                    main, ApplicationKind(form.kind.data), member, current_user
                )
            except filing.NotFileable as refused:
                db.session.rollback()
                form[refused.field or "person"].errors.append(refused.message)
            else:
                db.session.commit()
                return redirect(url_for("residence.tasks", application_id=application.id))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "family/new.html", form=form, main=main, reason=reason, people=people
    ), status


@bp.app_template_global("family_of_person")
def family_of_person(person: Person) -> dict:
    """The person's family (facts.of_person) and the family members' letters the user may
    read, newest first: their decisions and letters are visible on the main person's page."""
    found = facts.of_person(person, g.context.category_in_scope)
    ids = [link.application_id for _m, _r, links in found["mains"] for link in links]
    found["letters"] = []
    if ids and g.context.can(Permission.LETTER_READ):
        found["letters"] = db.session.scalars(
            select(Letter)
            .where(
                Letter.application_id.in_(ids),
                visibility.clause(visibility.of_context(g.context)),
            )
            .order_by(Letter.issued_at.desc(), Letter.id.desc())
        ).all()
    return found


@bp.app_template_global("family_facts")
def family_facts(application: Application) -> facts.Facts | None:
    return facts.of_application(application, clock.today())
