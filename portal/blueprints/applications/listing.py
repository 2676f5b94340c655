"""The applications list: search (reference or person, through a filter token: no personal data
in URLs), filters by status, type and category, keyset pages, each row naming the person."""

from flask import abort, g, redirect, render_template, request, url_for
from sqlalchemy import select

from portal import filter_tokens
from portal.blueprints.applications import bp
from portal.cases import listing
from portal.extensions import db
from portal.forms import EmptyForm
from portal.inputs import parse_id
from portal.letters import visibility
from portal.models import Application, ApplicationKind, ApplicationStatus, Category
from portal.permissions import Permission, requires

SEARCH_MAX = 100


def _enum(enum, raw):
    try:
        return enum(raw) if raw else None
    except ValueError:
        return None


def _filters(args) -> listing.ListFilter:
    return listing.ListFilter(
        text=(filter_tokens.term_of(args.get("f")) or "")[:SEARCH_MAX],
        status=_enum(ApplicationStatus, args.get("status")),
        kind=_enum(ApplicationKind, args.get("kind")),
        category=_enum(Category, args.get("category")),
        batch_id=parse_id(args.get("batch")),
    )


def _params(filters: listing.ListFilter, token: str | None) -> dict:
    """The list's URL parameters: never the search term itself, only its token."""
    return {
        "f": token if filters.text else None,
        "status": filters.status.value if filters.status else None,
        "kind": filters.kind.value if filters.kind else None,
        "category": filters.category.value if filters.category else None,
        "batch": filters.batch_id,
    }


@bp.get("/")
@requires(Permission.APPLICATION_READ)
def index():
    filters = _filters(request.args)
    visible = visibility.case_clause(visibility.of_context(g.context))
    after = None
    after_id = parse_id(request.args.get("after"))
    if after_id is not None:
        after = db.session.scalar(select(Application).where(Application.id == after_id, visible))
    rows, more = listing.page(visible, filters, after)
    params = _params(filters, request.args.get("f"))
    next_url = (
        url_for("applications.index", **params, after=rows[-1].application.id) if more else None
    )
    return render_template(
        "applications/index.html",
        rows=rows,
        filters=filters,
        next_url=next_url,
        first_url=url_for("applications.index", **params) if after is not None else None,
        statuses=ApplicationStatus,
        kinds=ApplicationKind,
        categories=Category,
        draft=ApplicationStatus.DRAFT,
        can_submit=g.context.can(Permission.APPLICATION_SUBMIT),
        form=EmptyForm(),
    )


@bp.post("/search")
@requires(Permission.APPLICATION_READ)
def search():
    """The search form posts here: the term goes into the session, the URL gets its token."""
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    term = request.form.get("q", "").strip()[:SEARCH_MAX]
    filters = _filters(request.form)
    token = filter_tokens.issue(term) if term else None
    params = _params(filters, token)
    if term:
        params["f"] = token
    return redirect(url_for("applications.index", **params))
