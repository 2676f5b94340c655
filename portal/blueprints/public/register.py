"""The public register of recognised sponsors, per category: page, CSV and JSON. No sign-in."""

import json

from flask import Response, render_template, request
from flask_babel import gettext as _

from portal import clock
from portal.blueprints.public import bp
from portal.csv_io import write_csv
from portal.inputs import parse_whole
from portal.models import Category
from portal.oversight import register
from portal.redirects import public_url

CATEGORIES = "<any(labour, research, study, exchange):category>"


def _page_number() -> int:
    raw = request.args.get("page", "1")
    return parse_whole(raw, register.MAX_PAGE, minimum=1) or 1


def _request(category: str):
    """A register request's category, today's date and its cleaned search text."""
    return Category(category), clock.today(), register.clean_query(request.args.get("q"))


@bp.get("/register")
def register_index():
    """The registers per category, and a search by name or KvK number across all of them (the
    first page of matches per category; each links to its full list)."""
    today = clock.today()
    q = register.clean_query(request.args.get("q"))
    counts = {category: register.count(category, today) for category in Category}
    found = {}
    if q:
        for category in Category:
            total = register.count(category, today, q)
            if total:
                rows = register.entries(category, today, q, limit=register.PAGE_SIZE)
                found[category] = (total, rows)
    return render_template("public/register_index.html", counts=counts, q=q, found=found)


@bp.get(f"/register/{CATEGORIES}")
def register_page(category: str):
    category, today, q = _request(category)
    total = register.count(category, today, q)
    pages = max(1, -(-total // register.PAGE_SIZE))
    page = min(_page_number(), pages)
    rows = register.entries(
        category,
        today,
        q,
        offset=(page - 1) * register.PAGE_SIZE,
        limit=register.PAGE_SIZE,
    )
    return render_template(
        "public/register.html",
        category=category,
        q=q,
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        today=today,
    )


def _download_name(category: Category, extension: str) -> str:
    return f"sponsor-register-{category.value}-{clock.today().isoformat()}.{extension}"


@bp.get(f"/register/{CATEGORIES}.csv")
def register_csv(category: str):
    category, today, q = _request(category)
    rows = register.entries(category, today, q)
    header = [_("Organisation name"), _("KvK number")]
    return Response(
        write_csv(header, ([row.name, row.kvk_number] for row in rows)),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{_download_name(category, "csv")}"'
        },
    )


@bp.get(f"/register/{CATEGORIES}.json")
def register_json(category: str):
    category, today, q = _request(category)
    rows = register.entries(category, today, q)
    body = {
        "category": category.value,
        "date": today.isoformat(),
        "query": q,
        "count": len(rows),
        "url": public_url("public.register_page", category=category.value),
        "organisations": [{"name": row.name, "kvk_number": row.kvk_number} for row in rows],
    }
    return Response(
        json.dumps(body, ensure_ascii=False, indent=1),
        mimetype="application/json",
        headers={"Content-Disposition": f'inline; filename="{_download_name(category, "json")}"'},
    )
