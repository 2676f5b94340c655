"""Intended decisions (Awb 4:8) for tests that impose a fine, suspension or withdrawal: issued
long enough ago that the term to respond has ended, as the sanction flow requires."""

from datetime import timedelta

from portal import clock, reference
from portal.models import Category, IntendedKind
from portal.oversight import intended
from tests.support.factories import UserFactory


def ripe_intentions(organisation, category=Category.LABOUR, fine_category=None, kinds=None):
    """Intended fine (about `fine_category`, None: the organisation as a whole), suspension and
    withdrawal (about `category`), their term ended yesterday."""
    staff = UserFactory(supervisor=True)
    today = clock.today()
    issued_on = today - timedelta(days=reference.intended_decision_response(today).days + 1)
    kinds = kinds or (IntendedKind.FINE, IntendedKind.SUSPENSION, IntendedKind.WITHDRAWAL)
    return [
        intended.issue(
            organisation,
            staff,
            kind,
            "We intend this because the reports were late.",
            category=fine_category if kind == IntendedKind.FINE else category,
            today=issued_on,
        )
        for kind in kinds
    ]
