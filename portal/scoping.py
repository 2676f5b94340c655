"""Loading one row of the organisation acted for, within the acting context's scope."""

from flask import abort, g
from sqlalchemy import select

from portal.extensions import db
from portal.models import Application


def scoped_or_404(model, row_id: int):
    """A row of `model` (with organisation_id and category) of the organisation acted for,
    within the mandate's categories (a case: or filed by the intermediary acting); anyone
    else's id, or one out of scope, is a 404."""
    scope = g.context.in_scope(model.category)
    if model is Application and g.context.on_behalf:
        scope = scope | (Application.intermediary_id == g.context.intermediary.id)
    row = db.session.scalar(
        select(model).where(model.id == row_id, model.organisation_id == g.organisation.id, scope)
    )
    if row is None:
        abort(404)
    return row
