from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal import clock
from portal.blueprints.residence import bp
from portal.blueprints.residence.forms import (
    DeclarationForm,
    DocumentForm,
    RemoveDocumentForm,
    StartForm,
    section_form,
)
from portal.cases import sign_off
from portal.cases.documents import download, max_bytes
from portal.cases.lifecycle import NotADraft
from portal.extensions import db
from portal.inputs import parse_id
from portal.models import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    Document,
    Person,
)
from portal.people import state as person_state
from portal.permissions import MANDATE_SCOPE_MESSAGE, Permission, requires, scoped_or_404
from portal.residence import answers as residence_answers
from portal.residence import documents as residence_documents
from portal.residence import drafts, filing, ict_history, presentation, rules, submission
from portal.residence.types import TYPES


def get_residence_or_404(application_id: int) -> Application:
    application = scoped_or_404(Application, application_id)
    if not application.kind.is_residence:
        abort(404)
    return application


def _already_submitted(application: Application):
    flash(_("This application has already been submitted."), "info")
    return redirect(url_for("applications.show", application_id=application.id))


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.APPLICATION_CREATE)
def start():
    organisation = g.organisation
    person = _person_from_register(request.values.get("person", ""))
    current = person_state.state_of(person) if person is not None else person_state.CURRENT
    options = filing.filing_options(organisation, current)
    form = StartForm()
    if form.validate_on_submit():
        kind = ApplicationKind(form.kind.data)
        if not g.context.category_in_scope(TYPES[kind].category):
            form.kind.errors.append(MANDATE_SCOPE_MESSAGE)
        elif kind in filing.unfit_procedures(current):
            form.kind.errors.append(options[kind])
        elif options[kind] is not None:
            form.kind.errors.append(
                _(
                    "Your organisation cannot file this application: it needs recognition as "
                    "a sponsor in the %(category)s category that is not suspended.",
                    category=str(presentation.category_label(kind)).lower(),
                )
            )
        else:
            application = filing.start(organisation, kind, current_user, person=person)
            db.session.commit()
            return redirect(url_for("residence.tasks", application_id=application.id))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "residence/start.html",
        form=form,
        options=options,
        types=TYPES,
        person=person,
        person_status=current,
    ), status


def _person_from_register(raw: str):
    """The person (of this organisation, within the mandate's scope, not archived) the
    application is about, chosen on their page in the people register; else None."""
    person_id = parse_id(raw)
    if person_id is None:
        return None
    return db.session.scalar(
        select(Person).where(
            Person.id == person_id,
            Person.organisation_id == g.organisation.id,
            Person.archived_at.is_(None),
            g.context.in_scope(Person.category),
        )
    )


@bp.get("/<int:application_id>")
@requires(Permission.APPLICATION_READ)
def tasks(application_id: int):
    application = get_residence_or_404(application_id)
    if application.status != ApplicationStatus.DRAFT:
        return redirect(url_for("applications.show", application_id=application.id))
    rtype = filing.residence_type(application)
    statuses = drafts.section_statuses(
        rtype, application.answers, clock.today(), residence_documents.documents_of(application)
    )
    return render_template(
        "residence/tasks.html",
        application=application,
        rtype=rtype,
        statuses=statuses,
        complete=all(status == drafts.COMPLETED for _s, status in statuses),
        person_name=presentation.person_name(application),
    )


@bp.route("/<int:application_id>/sections/<key>", methods=["GET", "POST"])
@requires(Permission.APPLICATION_CREATE)
def section(application_id: int, key: str):
    application = get_residence_or_404(application_id)
    if application.status != ApplicationStatus.DRAFT:
        return _already_submitted(application)
    rtype = filing.residence_type(application)
    answers = application.answers or {}
    section = next((s for s in rtype.applicable_sections(answers) if s.key == key), None)
    if section is None:
        abort(404)
    today = clock.today()
    if request.method == "POST":
        form = section_form(section)
        form.validate()
        typed = {f.name: form[f.name].data or "" for f in section.fields}
        drafts.save_section(application, section, typed, current_user)
        db.session.commit()
        checked = residence_answers.check(rtype, application.answers, today)
        errors = ict_history.with_history(application, checked, today).section_errors(key)
        if not errors:
            if "later" in request.form:
                flash(_("Your answers have been saved."), "success")
                return redirect(url_for("residence.tasks", application_id=application.id))
            return redirect(_next_url(application, rtype, key))
        status = 400
    else:
        stored = answers.get(key)
        data = (
            stored
            if stored is not None
            else drafts.prefill(section, g.organisation, application.person)
        )
        form = section_form(section, formdata=None, data=data)
        checked = residence_answers.check(rtype, answers, today)
        errors = (
            ict_history.with_history(application, checked, today).section_errors(key)
            if stored
            else {}
        )
        status = 200
    for name, message in errors.items():
        form[name].errors = [message]
    return render_template(
        "residence/section.html",
        application=application,
        rtype=rtype,
        section=section,
        form=form,
        specs={f.name: f for f in section.fields},
    ), status


def _next_url(application: Application, rtype, key: str) -> str:
    keys = [s.key for s in rtype.applicable_sections(application.answers or {})]
    if key in keys and keys.index(key) + 1 < len(keys):
        following = keys[keys.index(key) + 1]
        if following not in (application.answers or {}):
            return url_for("residence.section", application_id=application.id, key=following)
    return url_for("residence.tasks", application_id=application.id)


@bp.route("/<int:application_id>/check", methods=["GET", "POST"])
@requires(Permission.APPLICATION_SUBMIT)
def check(application_id: int):
    application = get_residence_or_404(application_id)
    if application.status != ApplicationStatus.DRAFT:
        return _already_submitted(application)
    rtype = filing.residence_type(application)
    today = clock.today()
    form = DeclarationForm()
    problem = None
    if form.validate_on_submit():
        try:
            if sign_off.needed(g.organisation, g.context):
                if submission.problems(application, today):
                    raise submission.Incomplete({})
                sign_off.request(application, current_user)
            else:
                submission.submit(application, current_user, today=today)
        except sign_off.AlreadyRequested:
            db.session.rollback()
            flash(sign_off.ALREADY_WAITING, "info")
            return redirect(url_for("dashboard.index"))
        except NotADraft:
            db.session.rollback()
            return _already_submitted(application)
        except submission.Incomplete:
            db.session.rollback()
            problem = _("Complete every section without problems before you submit.")
        except filing.NotAllowed:
            db.session.rollback()
            problem = _(
                "Your organisation can no longer file this application: its recognition for "
                "this category is missing or suspended."
            )
        else:
            db.session.commit()
            if application.status == ApplicationStatus.DRAFT:  # waits for the sign-off
                flash(sign_off.SENT_FOR_APPROVAL, "success")
                return redirect(url_for("dashboard.index"))
            flash(
                _(
                    "Application submitted. Your reference is %(reference)s.",
                    reference=application.reference,
                ),
                "success",
            )
            return redirect(url_for("applications.show", application_id=application.id))
    if problem:
        form.declaration.errors = [*form.declaration.errors, problem]
    checked = residence_answers.check(rtype, application.answers, today)
    checked = ict_history.with_history(application, checked, today)
    documents = residence_documents.documents_of(application)
    statuses = drafts.section_statuses(rtype, application.answers, today, documents)
    status = 400 if form.is_submitted() else 200
    return render_template(
        "residence/check.html",
        application=application,
        rtype=rtype,
        form=form,
        checked=checked,
        statuses=statuses,
        complete=all(s == drafts.COMPLETED for _x, s in statuses) and not checked.errors,
        answers=application.answers or {},
        documents=documents,
        document_label=residence_documents.document_label,
        fee=rules.fee(application.kind.value, today),
        deadline=rules.statutory_deadline(today),
        target=rules.target_date(today, filing.recognised_for(g.organisation, rtype)),
        validity=residence_answers.requested_validity_from(checked),
        organisation=g.organisation,
        today=today,
        display=presentation.display_value,
        criterion_name=lambda criterion: rules.CRITERION_NAMES[criterion](),
    ), status


# --- documents ---------------------------------------------------------------------------
# "/sections/documents" is matched by these routes before the generic "/sections/<key>".


@bp.route("/<int:application_id>/sections/documents", methods=["GET", "POST"])
@requires(Permission.APPLICATION_CREATE)
def documents(application_id: int):
    application = get_residence_or_404(application_id)
    if application.status != ApplicationStatus.DRAFT:
        return _already_submitted(application)
    rtype = filing.residence_type(application)
    form = DocumentForm(rtype)
    status = 200
    if request.method == "POST":
        status = 400
        upload = request.files.get("file")
        if form.validate_on_submit():
            if upload is None or not upload.filename:
                form.file.errors.append(_("Choose the file to upload"))
            else:
                try:
                    residence_documents.attach_documents(
                        application, {form.purpose.data: upload}, current_user
                    )
                except residence_documents.DocumentsRejected as rejected:
                    db.session.rollback()
                    form.file.errors.extend(rejected.problems.values())
                else:
                    db.session.commit()
                    flash(
                        _(
                            "%(document)s has been uploaded.",
                            document=residence_documents.document_label(form.purpose.data),
                        ),
                        "success",
                    )
                    return redirect(url_for("residence.documents", application_id=application.id))
    uploaded = residence_documents.documents_of(application)
    return render_template(
        "residence/documents.html",
        application=application,
        rtype=rtype,
        form=form,
        remove_form=RemoveDocumentForm(),
        documents=uploaded,
        missing=residence_documents.missing_documents(rtype, uploaded),
        document_label=residence_documents.document_label,
        max_mb=max(1, max_bytes() // 2**20),
    ), status


def _document_or_404(application: Application, document_id: int) -> Document:
    document = db.session.scalar(
        select(Document).where(
            Document.id == document_id,
            Document.application_id == application.id,
            Document.organisation_id == g.organisation.id,
            Document.purpose.is_not(None),
        )
    )
    if document is None:
        abort(404)
    return document


@bp.post("/<int:application_id>/documents/<int:document_id>/remove")
@requires(Permission.APPLICATION_CREATE)
def remove_document(application_id: int, document_id: int):
    application = get_residence_or_404(application_id)
    if application.status != ApplicationStatus.DRAFT:
        return _already_submitted(application)
    document = _document_or_404(application, document_id)
    form = RemoveDocumentForm()
    if not form.validate_on_submit():
        abort(400)
    name = document.filename
    residence_documents.remove_document(application, document, current_user)
    db.session.commit()
    flash(_("%(filename)s has been removed.", filename=name), "success")
    return redirect(url_for("residence.documents", application_id=application.id))


@bp.get("/<int:application_id>/documents/<int:document_id>")
@requires(Permission.APPLICATION_READ)
def document(application_id: int, document_id: int):
    application = get_residence_or_404(application_id)
    found = _document_or_404(application, document_id)
    return download(found)
