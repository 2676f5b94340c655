"""The people register: list with search, filters and keyset pagination; a page per person with
their applications, letters and history; edits kept as history; archiving instead of deleting."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal import clock, filter_tokens, history
from portal.blueprints.people import bp
from portal.blueprints.people.forms import SEX, ArchiveForm, PersonForm
from portal.countries import CODES, country_choices, country_name
from portal.duties import reports
from portal.extensions import db
from portal.forms import EmptyForm
from portal.inputs import parse_id
from portal.labels import CATEGORY
from portal.letters import visibility
from portal.models import Application, Category, ChangeSubject, Letter, Person, Sex
from portal.models.person import PERSON_FIELDS
from portal.people import fields as person_fields
from portal.people import permits
from portal.people import register as service
from portal.people import state as person_state
from portal.permissions import Permission, requires, scoped_or_404

FIELD_LABELS = {
    **{name: getattr(PersonForm, name).args[0] for name in PERSON_FIELDS},
    "sponsorship_ended_on": _l("Date the sponsorship ended"),
    "keep_until": _l("Keep the file until"),
}
STATES = {"current": _l("Current"), "archived": _l("Archived"), "all": _l("All")}


def display_value(field: str, value):
    if value is None or value == "":
        return "–"
    if field in ("country", "country_of_birth", "nationality"):
        return country_name(value)
    if field == "sex":
        return SEX.get(Sex(value), value)
    if field == "category":
        return CATEGORY.get(Category(value), value)
    return value


def get_person_or_404(person_id: int) -> Person:
    """A person of the organisation acted for, within the mandate's scope; else 404."""
    return scoped_or_404(Person, person_id)


def _categories():
    return g.context.categories


def _data(form: PersonForm) -> dict:
    data = {}
    for name in PERSON_FIELDS:
        value = form[name].data
        if isinstance(value, str):
            value = value or None
        data[name] = value
    data["sex"] = Sex(data["sex"])
    data["category"] = Category(data["category"])
    if data["email"]:
        data["email"] = data["email"].lower()
    return data


def _duplicate_error(form: PersonForm, existing: Person) -> Person | None:
    """Flag the likely duplicate; the page links to the existing record when the acting user
    may see it. Under a mandate, a person outside its categories is not named or linked: the
    intermediary learns only that the sponsor already has this passport in its register."""
    if not g.context.category_in_scope(existing.category):
        form.passport_number.errors.append(
            _(
                "A person with this passport number and nationality is already in the "
                "organisation's register, outside the categories of your mandate. Ask the "
                "organisation about this person."
            )
        )
        return None
    form.passport_number.errors.append(
        _(
            "%(name)s, with this passport number and nationality, is already in the register. "
            "Open that record instead of adding the person again.",
            name=existing.full_name,
        )
    )
    return existing


# The register's filters; the search term (a name, passport or V-number) only behind a filter
# token, never in the URL (portal/filter_tokens.py).
FILTERS = ("q", "nationality", "state")
PERSONAL = ("q",)


@bp.route("/", methods=["GET", "POST"])
@requires(Permission.PERSON_READ)
def index():
    if request.method == "POST":
        return redirect(
            url_for("people.index", **filter_tokens.query(request.form, FILTERS, PERSONAL))
        )
    if filter_tokens.expired(request.args):
        flash(_("That search has expired. Search again."), "info")
        return redirect(
            url_for("people.index", **filter_tokens.carried(request.args, FILTERS, PERSONAL))
        )
    args = filter_tokens.arguments(request.args, PERSONAL)
    filters = service.RegisterFilter(
        text=args.get("q", "").strip()[:100],
        nationality=args.get("nationality", "") if args.get("nationality", "") in CODES else "",
        state=args.get("state", "current") if args.get("state") in STATES else "current",
    )
    after = None
    after_id = parse_id(args.get("after"))
    if after_id is not None:
        after = db.session.scalar(
            select(Person).where(Person.id == after_id, Person.organisation_id == g.organisation.id)
        )
    people, more = service.register_page(g.organisation.id, g.context.in_scope, filters, after)
    carried = {**filter_tokens.carried(request.args, FILTERS, PERSONAL), "state": filters.state}
    next_url = None
    if more:
        next_url = url_for("people.index", **carried, after=people[-1].id)
    return render_template(
        "people/index.html",
        people=people,
        filters=filters,
        states=STATES,
        countries=country_choices(blank_label=_("Any nationality")),
        next_url=next_url,
        first_page=after is not None,
        first_url=url_for("people.index", **carried),
        country_name=country_name,
        can_edit=g.context.can(Permission.PERSON_EDIT),
        statuses=person_state.states_of(g.organisation.id, [p.id for p in people]),
    )


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.PERSON_EDIT)
def new():
    form = PersonForm(categories=_categories())
    duplicate = None
    if form.validate_on_submit():
        try:
            person = service.create_person(g.organisation, _data(form), current_user)
            db.session.flush()
        except service.DuplicatePerson as found:
            duplicate = _duplicate_error(form, found.existing)
        except IntegrityError:
            db.session.rollback()
            existing = service.find_duplicate(
                g.organisation.id, form.nationality.data, form.passport_number.data
            )
            if existing is None:
                raise
            duplicate = _duplicate_error(form, existing)
        else:
            db.session.commit()
            flash(_("%(name)s has been added to the register.", name=person.full_name), "success")
            return redirect(url_for("people.show", person_id=person.id))
    status = 400 if form.is_submitted() else 200
    return render_template("people/form.html", form=form, person=None, duplicate=duplicate), status


@bp.get("/<int:person_id>")
@requires(Permission.PERSON_READ)
def show(person_id: int):
    person = get_person_or_404(person_id)
    applications = db.session.scalars(
        select(Application)
        .where(
            Application.person_id == person.id,
            Application.organisation_id == g.organisation.id,
            g.context.in_scope(Application.category),
        )
        .order_by(Application.created_at.desc(), Application.id.desc())
    ).all()
    letters = []
    if g.context.can(Permission.LETTER_READ):
        letters = db.session.scalars(
            select(Letter)
            .join(Application, Letter.application_id == Application.id)
            .where(
                Application.person_id == person.id,
                visibility.clause(visibility.of_context(g.context)),
            )
            .order_by(Letter.issued_at.desc(), Letter.id.desc())
        ).all()
    entries = history.history_of(ChangeSubject.PERSON, person.id, g.organisation.id)
    return render_template(
        "people/show.html",
        person=person,
        applications=applications,
        letters=letters,
        entries=entries,
        display=display_value,
        labels_for=FIELD_LABELS,
        can_edit=g.context.can(Permission.PERSON_EDIT),
        can_apply=g.context.can(Permission.APPLICATION_CREATE),
        can_report=g.context.can(Permission.APPLICATION_SUBMIT),
        reports=reports.reports_of_person(person),
        permit=permits.current_permit_of(person),
        status=person_state.state_of(person),
        button_form=EmptyForm(),
        today=clock.today(),
    )


@bp.route("/<int:person_id>/edit", methods=["GET", "POST"])
@requires(Permission.PERSON_EDIT)
def edit(person_id: int):
    person = get_person_or_404(person_id)
    form = PersonForm(obj=person, categories=_categories())
    duplicate = None
    if not form.is_submitted():
        form.country.data = person.country or ""
    if form.validate_on_submit():
        try:
            rows = service.update_person(person, _data(form), current_user)
        except service.DuplicatePerson as found:
            duplicate = _duplicate_error(form, found.existing)
        else:
            db.session.commit()
            flash(
                _("The changes have been saved.") if rows else _("Nothing was changed."),
                "success" if rows else "info",
            )
            return redirect(url_for("people.show", person_id=person.id))
    status = 400 if form.is_submitted() else 200
    expired = person.passport_expires_on < clock.today()
    return render_template(
        "people/form.html",
        form=form,
        person=person,
        duplicate=duplicate,
        expired=person_fields.expired_message(person.passport_expires_on) if expired else None,
    ), status


@bp.route("/<int:person_id>/archive", methods=["GET", "POST"])
@requires(Permission.PERSON_EDIT)
def archive(person_id: int):
    person = get_person_or_404(person_id)
    if person.is_archived:
        flash(_("This person is already archived."), "info")
        return redirect(url_for("people.show", person_id=person.id))
    form = ArchiveForm()
    if form.validate_on_submit():
        service.archive_person(person, form.sponsorship_ended_on.data, current_user)
        db.session.commit()
        flash(
            _(
                "%(name)s has been archived. Keep the file until %(date)s.",
                name=person.full_name,
                date=person.keep_until.isoformat(),
            ),
            "success",
        )
        return redirect(url_for("people.show", person_id=person.id))
    status = 400 if form.is_submitted() else 200
    return render_template("people/archive.html", form=form, person=person), status


@bp.post("/<int:person_id>/restore")
@requires(Permission.PERSON_EDIT)
def restore(person_id: int):
    person = get_person_or_404(person_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        service.restore_person(person, current_user)
    except service.NotArchived:
        flash(_("This person is in the current register already."), "info")
    else:
        db.session.commit()
        flash(_("%(name)s is back in the current register.", name=person.full_name), "success")
    return redirect(url_for("people.show", person_id=person.id))
