"""Per-user setting: which e-mail notices (immediate, daily overview, none); administrators
also choose for the organisation's contact address and see addresses whose mail bounced."""

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.blueprints.inbox import bp
from portal.blueprints.inbox.forms import NoticeSettingsForm, RetryAddressForm
from portal.extensions import db
from portal.formatting import before_full_stop
from portal.models import NoticeMode
from portal.notices import bounces, preferences
from portal.permissions import Permission, requires


def _saved(mode: NoticeMode) -> str:
    if mode == NoticeMode.IMMEDIATE:
        return _(
            "Saved. We will e-mail %(email)s when a letter arrives, and once a day when "
            "something is due within a week.",
            email=current_user.email,
        )
    if mode == NoticeMode.DIGEST:
        return _(
            "Saved. We will e-mail %(email)s once a day when something is due within a week "
            "or letters arrived.",
            email=current_user.email,
        )
    return _(
        "Saved. You will not get e-mails from the portal about %(organisation)s.",
        organisation=before_full_stop(g.organisation.legal_name),
    )


def _administers() -> bool:
    """An administrator of the organisation itself (not an intermediary acting for it)."""
    return not g.context.on_behalf and g.context.can(Permission.PROFILE_EDIT)


def _bounced() -> dict:
    """The marked addresses this user may see: their own; an administrator's, all of the
    organisation's (members and the contact address)."""
    addresses = (
        preferences.addresses_of_organisation(g.organisation)
        if _administers()
        else [current_user.email]
    )
    return bounces.marked(addresses)


@bp.route("/notices", methods=["GET", "POST"])
@requires(Permission.LETTER_READ)
def notice_settings():
    form = NoticeSettingsForm()
    administers = _administers()
    if form.validate_on_submit():
        mode = NoticeMode(form.mode.data)
        preferences.set_mode(current_user, g.organisation, mode)
        if administers:
            preferences.set_contact_notices(
                g.organisation, bool(form.contact_notices.data), current_user
            )
        db.session.commit()
        flash(_saved(mode), "success")
        return redirect(url_for("inbox.notice_settings"))
    if not form.is_submitted():
        form.mode.data = preferences.mode_of(current_user, g.organisation).value
        form.contact_notices.data = g.organisation.contact_notices
    status = 400 if form.is_submitted() else 200
    return render_template(
        "inbox/notices.html",
        form=form,
        administers=administers,
        bounced=_bounced(),
        own_address=bounces.normalise(current_user.email),
        retry_form=RetryAddressForm(),
    ), status


@bp.post("/notices/retry")
@requires(Permission.LETTER_READ)
def retry_address():
    """Clear a bounce: the user for their own address, an administrator for any of the
    organisation's. Another address: 404."""
    form = RetryAddressForm()
    address = bounces.normalise(form.address.data or "")
    if not form.validate_on_submit() or address not in _bounced():
        abort(404)
    bounces.clear(address, current_user, g.organisation)
    db.session.commit()
    flash(_("We will try %(address)s again.", address=address), "success")
    return redirect(url_for("inbox.notice_settings"))
