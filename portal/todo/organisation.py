"""To-do items about the organisation itself, for its administrators: the yearly check of the
profile (issue 25), read from portal/organisations/profile_check.py."""

from flask_babel import gettext as _

from portal.organisations import profile_check
from portal.permissions import Permission
from portal.todo import Item, provider


@provider("profile_check")
def confirm_the_profile(scope, today):
    if Permission.PROFILE_EDIT not in scope.permissions:
        return []
    check = profile_check.check_of(scope.organisation, today)
    if check.state == "fine":
        return []
    return [
        Item(
            "profile_check",
            _("Confirm that your organisation's details are still correct"),
            check.due_on,
            "organisation.profile",
            {"_anchor": "profile-check"},
        )
    ]
