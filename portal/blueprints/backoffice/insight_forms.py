"""Forms of the audit search and the management information: GET forms, no CSRF."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Length, Optional, ValidationError

from portal.audit import AuditAction
from portal.backoffice.management import MAX_PERIOD_DAYS
from portal.forms import BaseForm, DateInputField
from portal.validators import MAX_200


class PeriodForm(BaseForm):
    """A period of Amsterdam dates, both inclusive; each field optional."""

    class Meta:
        csrf = False

    period_from = DateInputField(_l("From"), validators=[Optional()])
    period_to = DateInputField(_l("Up to and including"), validators=[Optional()])

    def validate_period_to(self, field):
        start = None if self.period_from.errors else self.period_from.data
        if field.data and start and field.data < start:
            raise ValidationError(_l("The end of the period must be on or after its start"))


ACTION_CODES = frozenset(action.value for action in AuditAction)


class AuditSearchForm(PeriodForm):
    actor = StringField(
        _l("Actor (e-mail address or part of it)"),
        validators=[Length(max=254, message=_l("Enter at most 254 characters"))],
    )
    organisation = StringField(
        _l("Organisation (name or KvK number)"),
        validators=[MAX_200],
    )
    # A select of the actions (backoffice/_audit_action_select.html), grouped by area.
    action = StringField(_l("Action"))

    def validate_action(self, field):
        if field.data and field.data not in ACTION_CODES:
            raise ValidationError(_l("Choose an action from the list"))


class ManagementPeriodForm(PeriodForm):
    def validate_period_to(self, field):
        super().validate_period_to(field)
        start = None if self.period_from.errors else self.period_from.data
        if field.data and start and field.data - start > timedelta(days=MAX_PERIOD_DAYS):
            raise ValidationError(_l("Choose a period of at most three years"))
