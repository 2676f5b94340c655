"""The OAuth2 scopes an API client may be given (issue 18)."""

from enum import StrEnum


class Scope(StrEnum):
    PEOPLE_READ = "people:read"
    PEOPLE_WRITE = "people:write"
    APPLICATIONS_READ = "applications:read"
    APPLICATIONS_WRITE = "applications:write"
    REPORTS_WRITE = "reports:write"
    LETTERS_READ = "letters:read"
    WEBHOOKS_MANAGE = "webhooks:manage"
