"""The permission vocabulary, which roles hold which permissions (sponsor roles, mandates,
staff roles), and the endpoints anyone may reach. The guards: portal/permissions.py."""

from enum import StrEnum

from portal.models import OrgRole, StaffRole


class Permission(StrEnum):
    ORGANISATION_READ = "organisation:read"
    APPLICATION_READ = "organisation:application:read"
    APPLICATION_CREATE = "organisation:application:create"
    APPLICATION_SUBMIT = "organisation:application:submit"
    APPLICATION_APPROVE = "organisation:application:approve"  # internal sign-off (issue 25)
    LETTER_READ = "organisation:letter:read"
    LETTER_REPLY = "organisation:letter:reply"
    PROFILE_EDIT = "organisation:profile:edit"
    MEMBER_MANAGE = "organisation:member:manage"
    MANDATE_MANAGE = "organisation:mandate:manage"
    API_CLIENT_MANAGE = "organisation:api-client:manage"
    DISCLOSURE_CREATE = "organisation:disclosure:create"  # own breach of a duty (issue 25)
    PERSON_READ = "organisation:person:read"
    PERSON_EDIT = "organisation:person:edit"
    ORGANISATION_TAKE_OVER = "organisation:take-over"  # a frozen namesake's people and cases
    CONTEXT_SWITCH = "account:context:switch"  # which organisation to act for: every user
    ACCOUNT_MANAGE = "account:manage"  # one's own sign-in settings; any signed-in user

    STAFF_QUEUE_READ = "staff:queue:read"
    STAFF_CASE_READ = "staff:case:read"
    STAFF_CASE_DECIDE = "staff:case:decide"
    STAFF_CASE_CLAIM = "staff:case:claim"
    STAFF_CASE_ASSIGN = "staff:case:assign"
    STAFF_CASE_REQUEST_INFORMATION = "staff:case:request-information"
    STAFF_CASE_APPROVE_REFUSAL = "staff:case:approve-refusal"
    STAFF_ORGANISATION_READ = "staff:organisation:read"
    STAFF_SANCTION_RECORD = "staff:sanction:record"  # warning, fine
    STAFF_SANCTION_SUSPEND = "staff:sanction:suspend"  # suspend, extend, lift, withdraw
    STAFF_AUDIT_READ = "staff:audit:read"
    STAFF_REPORTS_READ = "staff:reports:read"  # management information, event-log export
    STAFF_USERS_MANAGE = "staff:users:manage"
    STAFF_LETTER_SEND = "staff:letter:send"
    STAFF_CHANGE_REPORT_DECIDE = "staff:change_report:decide"
    STAFF_FINANCE = "staff:finance"  # import the fee account's bank statements
    STAFF_ADMIN_RIGHTS_DECIDE = "staff:admin_rights:decide"  # members' requests (issue 25)
    STAFF_TRIAGE_MANAGE = "staff:triage:manage"  # switch and set triage rules (issue 24)
    STAFF_JOBS_MANAGE = "staff:jobs:manage"  # see failed background jobs, retry them (issue 21)
    STAFF_DESK_PLANNING = "staff:desk:planning"  # IND desks, their hours and appointments (#23)


_READER = {
    Permission.ORGANISATION_READ,
    Permission.APPLICATION_READ,
    Permission.LETTER_READ,
    Permission.PERSON_READ,
    Permission.CONTEXT_SWITCH,
}
_SUBMITTER = _READER | {
    Permission.APPLICATION_CREATE,
    Permission.APPLICATION_SUBMIT,
    Permission.PERSON_EDIT,
}
_ADMINISTRATOR = _SUBMITTER | {
    Permission.APPLICATION_APPROVE,
    Permission.ORGANISATION_TAKE_OVER,
    Permission.PROFILE_EDIT,
    Permission.MEMBER_MANAGE,
    Permission.MANDATE_MANAGE,
    Permission.API_CLIENT_MANAGE,
    Permission.DISCLOSURE_CREATE,
}

ORG_ROLE_PERMISSIONS: dict[OrgRole, frozenset[Permission]] = {
    OrgRole.READER: frozenset(_READER),
    OrgRole.SUBMITTER: frozenset(_SUBMITTER),
    OrgRole.ADMINISTRATOR: frozenset(_ADMINISTRATOR),
}

# What a mandate lets an intermediary's users do for the sponsor (further limited by their own
# role in the intermediary): cases and people within the mandate's categories, and their letters
# (portal/letters/visibility.py); never the sponsor's profile, team or mandates. After it ends:
# only reading the cases it filed and their letters.
MANDATE_PERMISSIONS = frozenset(
    {
        Permission.ORGANISATION_READ,
        Permission.APPLICATION_READ,
        Permission.APPLICATION_CREATE,
        Permission.APPLICATION_SUBMIT,
        Permission.PERSON_READ,
        Permission.PERSON_EDIT,
        Permission.LETTER_READ,
        Permission.LETTER_REPLY,
        Permission.CONTEXT_SWITCH,
    }
)
ENDED_MANDATE_PERMISSIONS = frozenset(
    {Permission.APPLICATION_READ, Permission.LETTER_READ, Permission.CONTEXT_SWITCH}
)

_REVIEWER = {
    Permission.STAFF_QUEUE_READ,
    Permission.STAFF_CASE_READ,
    Permission.STAFF_CASE_DECIDE,
    Permission.STAFF_CASE_CLAIM,
    Permission.STAFF_CASE_REQUEST_INFORMATION,
    Permission.STAFF_CASE_APPROVE_REFUSAL,
    Permission.STAFF_ORGANISATION_READ,
    Permission.STAFF_SANCTION_RECORD,
    Permission.STAFF_CHANGE_REPORT_DECIDE,
}
_SUPERVISOR = _REVIEWER | {
    Permission.STAFF_CASE_ASSIGN,
    Permission.STAFF_SANCTION_SUSPEND,
    Permission.STAFF_AUDIT_READ,
    Permission.STAFF_REPORTS_READ,
    Permission.STAFF_FINANCE,  # supervisors, no separate role: the roles stay a ladder
    Permission.STAFF_ADMIN_RIGHTS_DECIDE, Permission.STAFF_TRIAGE_MANAGE,
    Permission.STAFF_JOBS_MANAGE,
    Permission.STAFF_DESK_PLANNING,  # like finance: supervisors (issue 23)
}  # fmt: skip
# Administrators manage accounts; they do not handle cases or see sponsors' data.
_STAFF_ADMINISTRATOR = {
    Permission.STAFF_QUEUE_READ,
    Permission.STAFF_USERS_MANAGE,
    Permission.STAFF_AUDIT_READ,
    Permission.STAFF_JOBS_MANAGE,
}
STAFF_ROLE_PERMISSIONS: dict[StaffRole, frozenset[Permission]] = {
    StaffRole.REVIEWER: frozenset(_REVIEWER),
    StaffRole.SUPERVISOR: frozenset(_SUPERVISOR),
    StaffRole.ADMINISTRATOR: frozenset(_STAFF_ADMINISTRATOR),
}

# Inbox (issue 6): submitters answer letters; reviewers and supervisors send general letters.
for _role in (OrgRole.SUBMITTER, OrgRole.ADMINISTRATOR):
    ORG_ROLE_PERMISSIONS[_role] = ORG_ROLE_PERMISSIONS[_role] | {Permission.LETTER_REPLY}
for _role in (StaffRole.REVIEWER, StaffRole.SUPERVISOR):
    STAFF_ROLE_PERMISSIONS[_role] = STAFF_ROLE_PERMISSIONS[_role] | {Permission.STAFF_LETTER_SEND}

# What nobody may do for a frozen organisation (another organisation proved its KvK number:
# portal/organisations/kvk.py): everything beyond reading (people, documents, applications,
# members, mandates, the profile). Reading stays. The 403 page says why (errors/error.html).
FROZEN_WITHHELD = frozenset(_ADMINISTRATOR - _READER) | {Permission.LETTER_REPLY}

PUBLIC_ENDPOINTS = frozenset(  # endpoints anyone may reach, signed in or not
    {
        "static",
        "public.home",
        "public.set_language",
        "public.accessibility",
        "public.healthz",
        # For the machines: readiness (no session), metrics (an address allow-list, else 404)
        "ops.readyz",
        "ops.metrics",
        "public.favicon",
        # The public register of recognised sponsors (issue 7)
        "public.register_index",
        "public.register_page",
        "public.register_csv",
        "public.register_json",
        "account.sign_in",
        "account.sign_up",
        "account.confirm_sign_up",
        "account.sign_out",
        "organisation.invitation",
        "backoffice.sign_in",
        "backoffice.sign_in_code",
        "backoffice.sign_out",
        "backoffice.accept_invitation",
        # Sign-in steps before the user is signed in (issue 8)
        "account.sign_in_code",
        "account.sign_in_recovery",
        "account.set_up_second_factor",
        "account.request_reset",
        "account.reset_password",
        "account.confirm_email",
        "oidc.sponsor_start",
        "oidc.sponsor_callback",
        "oidc.staff_start",
        "oidc.staff_callback",
        "payments.webhook",  # the provider's status update: an id, fetched to check (issue 17)
    }
) | {"api.token", "api.openapi_json", "api.docs"}  # the API: bearer tokens, not sessions
