"""Frozen accounts with the organisation's KvK number, and taking over what they hold."""

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from portal.blueprints.organisation import bp
from portal.extensions import db
from portal.forms import EmptyForm
from portal.models import Organisation
from portal.organisations import kvk, takeover
from portal.permissions import Permission, requires


def frozen_or_404(organisation_id: int) -> Organisation:
    """A frozen organisation with the verified organisation's own KvK number; else 404."""
    organisation = g.organisation
    frozen = db.session.get(Organisation, organisation_id)
    if (
        frozen is None
        or not organisation.is_verified
        or not frozen.is_frozen
        or frozen.kvk_number != organisation.kvk_number
    ):
        abort(404)
    return frozen


@bp.get("/frozen-accounts")
@requires(Permission.ORGANISATION_TAKE_OVER)
def frozen_accounts():
    organisation = g.organisation
    frozen = kvk.frozen_with_number(organisation.kvk_number) if organisation.is_verified else []
    return render_template(
        "organisation/frozen_accounts.html",
        organisation=organisation,
        accounts=[(account, takeover.holdings(account)) for account in frozen],
    )


@bp.route("/frozen-accounts/<int:organisation_id>/take-over", methods=["GET", "POST"])
@requires(Permission.ORGANISATION_TAKE_OVER)
def take_over(organisation_id: int):
    frozen = frozen_or_404(organisation_id)
    form = EmptyForm()
    holdings = takeover.holdings(frozen)
    error = None
    if form.validate_on_submit():
        try:
            moved = takeover.take_over(g.organisation, frozen, current_user)
        except takeover.PeopleInBoth as clash:
            db.session.rollback()
            error = ngettext(
                "%(num)d person is in both registers (same nationality and passport number). "
                "Archive or correct your own entry first; nothing was moved.",
                "%(num)d people are in both registers (same nationality and passport number). "
                "Archive or correct your own entries first; nothing was moved.",
                clash.count,
            )
        else:
            db.session.commit()
            flash(
                _(
                    "Taken over: %(people)d people, %(drafts)d drafts and %(cases)d open cases.",
                    people=moved.people,
                    drafts=moved.drafts,
                    cases=moved.open_cases,
                ),
                "success",
            )
            return redirect(url_for("organisation.frozen_accounts"))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "organisation/take_over.html",
        organisation=g.organisation,
        frozen=frozen,
        holdings=holdings,
        form=form,
        error=error,
    ), status
