from flask import Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from portal import clock, filter_tokens, todo
from portal.blueprints.inbox import bp
from portal.blueprints.inbox.forms import FilterForm, ReplyForm
from portal.blueprints.inbox.helpers import (
    active_filters,
    category_label,
    get_letter_or_404,
    get_pdf_or_404,
    inbox_filter,
    prepare_filter_form,
    scope,
)
from portal.cases import replies as replies_service
from portal.extensions import db
from portal.forms import EmptyForm
from portal.letters import inbox as inbox_service
from portal.letters import issuing as service
from portal.letters import layout, visibility
from portal.letters import status as letter_status
from portal.permissions import Permission, requires
from portal.todo import after

FILTER_FIELDS = (
    "q",
    "kind",
    "category",
    "person",
    "application",
    "period_from",
    "period_to",
    "needs_action",
    "unread",
)
# A name, a V-number or text from a letter: only behind a filter token (portal/filter_tokens.py).
PERSONAL = ("q", "person")


def filter_args(args) -> dict:
    """The filter parameters of a request, to carry into page and download links."""
    return filter_tokens.carried(args, FILTER_FIELDS, PERSONAL)


def filter_values(args) -> MultiDict:
    """The filters in force: the URL's, the personal terms from the token."""
    return filter_tokens.arguments(args, PERSONAL)


@bp.route("", methods=["GET", "POST"])
@requires(Permission.LETTER_READ)
def index():
    if request.method == "POST":
        terms = filter_tokens.query(request.form, FILTER_FIELDS, PERSONAL)
        return redirect(url_for("inbox.index", **terms))
    if filter_tokens.expired(request.args):
        flash(_("That search has expired. Search again."), "info")
        return redirect(url_for("inbox.index", **filter_args(request.args)))
    organisation_id = g.organisation.id
    values = filter_values(request.args)
    form = FilterForm(values)
    prepare_filter_form(form)
    valid = form.validate() if any(values.get(k) for k in FILTER_FIELDS) else True
    f, case_found = inbox_filter(form, organisation_id)
    cursor = inbox_service.parse_cursor(request.args.get("after"))
    if case_found:
        rows, next_cursor = inbox_service.page(organisation_id, current_user.id, f, cursor, scope())
    else:
        rows, next_cursor = [], None
    unread = visibility.unread_by_category(visibility.of_context(g.context), current_user.id)
    today = clock.today()
    return render_template(
        "inbox/index.html",
        form=form,
        rows=rows,
        next_cursor=next_cursor,
        first_page=cursor is None,
        unread=sum(unread.values()),
        unread_by_category=sorted(unread.items(), key=lambda item: (item[0] is None, str(item[0]))),
        category_label=category_label,
        case_found=case_found,
        filters=filter_args(request.args),
        active_filters=active_filters(
            form, values, filter_args(request.args), FILTER_FIELDS, PERSONAL
        ),
        zip_max=inbox_service.ZIP_MAX_LETTERS,
        actions=letter_status.states_for([letter for letter, _read in rows], today),
        today=today,
    ), (200 if valid else 400)


def render_letter_page(letter, reply_form=None, status=200):
    replies = replies_service.replies_to_letter(letter)
    today = clock.today()
    action = letter_status.state_of(letter, today)
    answered = action.state == letter_status.LetterAction.ANSWERED
    return render_template(
        "inbox/show.html",
        letter=letter,
        letter_blocks=layout.blocks(letter.body_text),
        answerable=replies_service.is_answerable(letter),
        request_open=replies_service.is_answerable(letter)
        and replies_service.request_is_open(letter),
        reply_form=reply_form or ReplyForm(),
        replies=replies,
        reply_open=replies_service.reply_open(letter),
        action_form=EmptyForm(),
        action=action,
        can_reply=g.context.can(Permission.LETTER_REPLY),
        today=today,
        # Answered: what happens with the case now, and what else is on the list.
        next_steps=after.after_reply(letter, today) if answered else [],
        todo_items=todo.items(todo.scope_of(g.context), today)
        if answered and g.context.can(Permission.ORGANISATION_READ)
        else None,
    ), status


@bp.get("/<int:letter_id>")
@requires(Permission.LETTER_READ)
def show(letter_id: int):
    letter = get_letter_or_404(letter_id)
    service.mark_read(letter, current_user)
    db.session.commit()
    return render_letter_page(letter)


@bp.post("/<int:letter_id>/read")
@requires(Permission.LETTER_READ)
def mark_read(letter_id: int):
    letter = get_letter_or_404(letter_id)
    if EmptyForm().validate_on_submit():
        service.mark_read(letter, current_user)
        db.session.commit()
    return redirect(url_for("inbox.index"))


@bp.post("/<int:letter_id>/unread")
@requires(Permission.LETTER_READ)
def mark_unread(letter_id: int):
    letter = get_letter_or_404(letter_id)
    if EmptyForm().validate_on_submit():
        service.mark_unread(letter, current_user)
        db.session.commit()
        flash(_("The letter is marked as unread."), "success")
    return redirect(url_for("inbox.index"))


@bp.get("/<int:letter_id>/pdf")
@requires(Permission.LETTER_READ)
def pdf(letter_id: int):
    """The stored PDF as issued. Writes nothing: the letter page, where the download link is,
    marked the letter read already; "Mark as read" is its own POST."""
    letter, content = get_pdf_or_404(letter_id)
    filename = f"{letter.kind.value}-{letter.id}.pdf"
    return Response(
        content,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
            "X-Letter-SHA256": letter.sha256,
        },
    )
