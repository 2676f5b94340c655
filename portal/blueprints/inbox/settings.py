"""Per-user setting: an e-mail notice when a letter arrives for the organisation."""

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.blueprints.inbox import bp
from portal.blueprints.inbox.forms import NoticeSettingsForm
from portal.extensions import db
from portal.letters import notices
from portal.permissions import Permission, requires


@bp.route("/notices", methods=["GET", "POST"])
@requires(Permission.LETTER_READ)
def notice_settings():
    form = NoticeSettingsForm()
    if form.validate_on_submit():
        notices.set_subscription(current_user, g.organisation, bool(form.letter_notices.data))
        db.session.commit()
        if form.letter_notices.data:
            flash(
                _(
                    "Saved. We will e-mail %(email)s when a letter arrives.",
                    email=current_user.email,
                ),
                "success",
            )
        else:
            flash(_("Saved. You will not get e-mails about new letters."), "success")
        return redirect(url_for("inbox.notice_settings"))
    if not form.is_submitted():
        form.letter_notices.data = notices.is_subscribed(current_user, g.organisation)
    status = 400 if form.is_submitted() else 200
    return render_template("inbox/notices.html", form=form), status
