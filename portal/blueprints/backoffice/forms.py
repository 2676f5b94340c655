from functools import cache

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from portal import forms
from portal.cases.work_queue import QUEUE_STATUSES
from portal.forms import BaseForm
from portal.inputs import MAX_ID, parse_whole
from portal.labels import APPLICATION_KIND, CATEGORY, CHECK_ITEM, CHECK_OUTCOME, STAFF_ROLE, STATUS
from portal.models import CheckOutcome
from portal.validators import MAX_200, authenticator_code


class CodeForm(BaseForm):
    code = StringField(
        _l("Code from your authenticator app"),
        validators=authenticator_code(),
    )


# --- case actions: each carries the version of the case the form was shown for -----------


class CaseForm(BaseForm):
    version = HiddenField()

    @property
    def expected_version(self) -> int:
        """The version the actor saw; a missing or tampered value is simply stale."""
        version = parse_whole(self.version.data, MAX_ID)
        return -1 if version is None else version


class ClaimForm(CaseForm):
    pass


class AssignForm(CaseForm):
    assignee = SelectField(_l("Assign to"), validate_choice=False)

    def validate_assignee(self, field):
        allowed = {value for value, _label in field.choices}
        if field.data not in allowed:
            raise ValidationError(_l("Choose a reviewer from the list"))


class RequestInformationForm(CaseForm):
    message = TextAreaField(
        _l("What the sponsor must send"),
        validators=[
            DataRequired(_l("Enter what information or documents the sponsor must send")),
            Length(max=4000, message=_l("Enter at most 4,000 characters")),
        ],
    )
    respond_by = forms.DateInputField(
        _l("Respond by"),
        validators=[InputRequired(_l("Enter the date by which the sponsor must respond"))],
    )

    def __init__(self, *args, today=None, period=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.period = period

    def validate_respond_by(self, field):
        if field.data is None or self.today is None or self.period is None:
            return
        days = (field.data - self.today).days
        if days < self.period.min_days:
            raise ValidationError(
                _l(
                    "Give the sponsor at least %(days)d days: enter a later date",
                    days=self.period.min_days,
                )
            )
        if days > self.period.max_days:
            raise ValidationError(
                _l(
                    "Enter a date at most %(days)d days from today",
                    days=self.period.max_days,
                )
            )


class ResumeClockForm(CaseForm):
    note = TextAreaField(
        _l("Reply received, or why the clock runs again"),
        validators=[
            DataRequired(_l("Enter what was received or why the clock runs again")),
            Length(max=4000, message=_l("Enter at most 4,000 characters")),
        ],
    )


class DecisionForm(CaseForm):
    """The first pair of eyes proposes a refusal (a grant goes through its confirmation page)."""

    reason = TextAreaField(
        _l("Reason for the refusal (shown in the decision letter)"),
        validators=[
            DataRequired(_l("Enter the reason for the refusal")),
            Length(max=4000, message=_l("Enter at most 4,000 characters")),
        ],
    )


class RefusalReviewForm(CaseForm):
    verdict = RadioField(
        _l("Your verdict on the proposed refusal"),
        choices=[
            SelectChoice("approve", _l("Approve: refuse recognition and send the letter")),
            SelectChoice("reject", _l("Reject: the case goes back for review")),
        ],
        validators=[InputRequired(_l("Choose whether to approve or reject the refusal"))],
    )


OUTCOME_CHOICES = [SelectChoice("", _l("Not checked yet"))] + [
    SelectChoice(outcome.value, label) for outcome, label in CHECK_OUTCOME.items()
]


class ChecklistForm(CaseForm):
    """One outcome and one note per item of the case's checklist (made by `checklist_form`)."""

    items: tuple[str, ...] = ()

    def entries(self):
        for item in self.items:
            yield item, self[f"{item}_outcome"], self[f"{item}_note"]

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        for _item, outcome, note in self.entries():
            if outcome.data == CheckOutcome.NOT_APPLICABLE.value and not (note.data or "").strip():
                note.errors.append(_l("Write why this item does not apply to this case"))
                valid = False
        return valid


@cache
def checklist_form_class(items: tuple[str, ...]) -> type[ChecklistForm]:
    """The checklist form for one list of items (reference data, per application kind)."""
    fields = {"items": items}
    for item in items:
        fields[f"{item}_outcome"] = SelectField(
            CHECK_ITEM.get(item, item), choices=OUTCOME_CHOICES, validators=[Optional()]
        )
        fields[f"{item}_note"] = TextAreaField(
            _l("Note (required for “not applicable”: why the item does not apply)"),
            validators=[Length(max=2000, message=_l("Enter at most 2,000 characters"))],
        )
    return type("ItemsChecklistForm", (ChecklistForm,), fields)


class GrantForm(CaseForm):
    reason = TextAreaField(
        _l("Note for the decision letter (optional)"),
        validators=[Length(max=4000, message=_l("Enter at most 4,000 characters"))],
    )


# --- the queue filter (GET, no state change) -----------------------------------------------


class QueueFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(
        _l("Case reference, organisation name or KvK number"),
        validators=[Optional(), MAX_200],
    )
    kind = SelectField(
        _l("Type"),
        choices=[SelectChoice("", _l("All types"))]
        + [SelectChoice(kind.value, label) for kind, label in APPLICATION_KIND.items()],
        validators=[Optional()],
    )
    category = SelectField(
        _l("Category"),
        choices=[SelectChoice("", _l("All categories"))]
        + [SelectChoice(c.value, label) for c, label in CATEGORY.items()],
        validators=[Optional()],
    )
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice("", _l("All open statuses"))]
        + [SelectChoice(s.value, STATUS[s]) for s in QUEUE_STATUSES],
        validators=[Optional()],
    )
    assigned = SelectField(
        _l("Assigned"),
        choices=[
            SelectChoice("", _l("Anyone or no one")),
            SelectChoice("me", _l("Assigned to me")),
            SelectChoice("unassigned", _l("Not assigned")),
        ],
        validators=[Optional()],
    )
    due = SelectField(
        _l("Deadline"),
        choices=[
            SelectChoice("", _l("Any deadline")),
            SelectChoice("at_risk", _l("At risk (within 14 days)")),
            SelectChoice("overdue", _l("Overdue")),
        ],
        validators=[Optional()],
    )
    reply = SelectField(
        _l("Reply"),
        choices=[
            SelectChoice("", _l("With or without a reply")),
            SelectChoice("received", _l("Reply received")),
        ],
        validators=[Optional()],
    )
    order = SelectField(
        _l("Order"),
        choices=[
            SelectChoice("", _l("Nearest deadline first")),
            SelectChoice("reply", _l("Replies received first")),
        ],
        validators=[Optional()],
    )


# --- staff accounts -------------------------------------------------------------------------

ROLE_CHOICES = [SelectChoice(role.value, label) for role, label in STAFF_ROLE.items()]


class StaffCreateForm(BaseForm):
    name = StringField(
        _l("Full name"),
        validators=[DataRequired(_l("Enter the full name")), MAX_200],
    )
    email = EmailField(
        _l("E-mail address"),
        validators=[
            DataRequired(_l("Enter the e-mail address")),
            Email(_l("Enter an e-mail address like name@ind.nl")),
            Length(max=254, message=_l("Enter at most 254 characters")),
        ],
    )
    role = RadioField(
        _l("Role"),
        choices=ROLE_CHOICES,
        validators=[InputRequired(_l("Choose a role"))],
    )


class StaffRoleForm(BaseForm):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)


class StaffActiveForm(BaseForm):
    pass


class DecideChangeReportForm(BaseForm):
    decision = RadioField(
        _l("Decision"),
        choices=[SelectChoice("accept", _l("Accept")), SelectChoice("reject", _l("Reject"))],
        validators=[InputRequired(_l("Choose accept or reject"))],
    )
    note = TextAreaField(
        _l("Note to the organisation"),
        validators=[
            Optional(),
            Length(max=2000, message=_l("Enter at most 2000 characters")),
        ],
    )
