"""Submit several drafts at once: chosen in the applications list, or every draft of one
student import. A preview checks each again; one declaration submits them all, or none
(portal/bulk/submission.py)."""

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import clock
from portal.blueprints.applications import bp
from portal.blueprints.applications.forms import BulkSubmitForm
from portal.bulk import submission as bulk
from portal.cases import sign_off
from portal.cases.lifecycle import NotADraft
from portal.extensions import db
from portal.forms import EmptyForm
from portal.inputs import parse_id
from portal.letters import visibility
from portal.permissions import Permission, requires
from portal.residence.filing import NotAllowed
from portal.residence.submission import Incomplete


def _ids() -> list[int]:
    return sorted({i for i in (parse_id(r) for r in request.form.getlist("application")) if i})


def _chosen(ids: list[int], batch_id: int | None):
    visible = visibility.case_clause(visibility.of_context(g.context))
    return bulk.chosen_drafts(visible, ids, batch_id)


def _preview(verdicts, form, batch_id, status=200):
    return render_template(
        "applications/bulk_preview.html",
        verdicts=verdicts,
        form=form,
        batch_id=batch_id,
        blocked=sum(1 for v in verdicts if v.problems),
        limit=bulk.limit(),
    ), status


def _back(batch_id):
    return redirect(url_for("applications.index", batch=batch_id, status="draft"))


@bp.post("/bulk/preview")
@requires(Permission.APPLICATION_SUBMIT)
def bulk_preview():
    if sign_off.needed(g.organisation, g.context):  # one by one, each to an administrator
        flash(_("Your organisation approves each application: submit them one by one."), "error")
        return _back(parse_id(request.form.get("batch")))
    if not EmptyForm().validate_on_submit():
        return _back(None)
    batch_id = parse_id(request.form.get("batch"))
    everything = request.form.get("all") == "y" and batch_id is not None
    drafts = _chosen(_ids(), batch_id if everything else None)
    if not drafts:
        flash(_("Choose at least one draft to submit."), "error")
        return _back(batch_id)
    if len(drafts) > bulk.limit():
        flash(
            _("Choose at most %(limit)d drafts at a time.", limit=bulk.limit()),
            "error",
        )
        return _back(batch_id)
    verdicts = bulk.check_all(drafts, clock.today())
    return _preview(verdicts, BulkSubmitForm(formdata=None), batch_id)


@bp.post("/bulk/submit")
@requires(Permission.APPLICATION_SUBMIT)
def bulk_submit():
    if sign_off.needed(g.organisation, g.context):  # one by one, each to an administrator
        flash(_("Your organisation approves each application: submit them one by one."), "error")
        return _back(parse_id(request.form.get("batch")))
    form = BulkSubmitForm()
    batch_id = parse_id(request.form.get("batch"))
    ids = _ids()
    drafts = _chosen(ids, None)
    today = clock.today()
    if not ids or len(drafts) != len(ids):  # submitted, withdrawn or gone since the preview
        flash(
            _("A chosen draft changed while you were submitting: nothing was submitted."),
            "error",
        )
        return _back(batch_id)
    if not form.validate_on_submit():
        return _preview(bulk.check_all(drafts, today), form, batch_id, 400)
    try:
        verdicts = bulk.submit_all(g.organisation, drafts, current_user, today)
    except bulk.NotAllSubmittable as refused:
        db.session.rollback()
        return _preview(refused.verdicts, form, batch_id, 400)
    except (NotADraft, NotAllowed, Incomplete):  # changed by someone else meanwhile
        db.session.rollback()
        flash(
            _("A chosen draft changed while you were submitting: nothing was submitted."), "error"
        )
        return _back(batch_id)
    db.session.commit()
    return render_template("applications/bulk_done.html", verdicts=verdicts, batch_id=batch_id)
