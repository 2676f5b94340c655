from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from portal.forms import BaseForm
from portal.labels import CATEGORY
from portal.models import Category


class StartRecognitionForm(BaseForm):
    category = RadioField(
        _l("Which category do you apply for?"),
        choices=[SelectChoice(c.value, CATEGORY[c]) for c in Category],
        validators=[InputRequired(_l("Choose the category you apply for"))],
    )


class SubmitForm(BaseForm):
    # Only for an organisation whose KvK number is not verified yet (the view asks for it).
    kvk_extract = FileField(_l("KvK extract (uittreksel Handelsregister)"))

    # Re-applying only because the organisation's legal form changed: the reduced fee [V].
    legal_form_change = BooleanField(
        _l("We apply again only because our organisation's legal form changed")
    )

    declaration = BooleanField(
        _l(
            "I declare that the information given is correct and complete, and that the "
            "organisation meets the conditions for recognition."
        ),
        validators=[DataRequired(_l("Confirm the declaration to submit the application"))],
    )


class WithdrawForm(BaseForm):
    confirm = BooleanField(
        _l("I understand that the IND will not decide on this application once it is withdrawn"),
        validators=[DataRequired(_l("Confirm that you want to withdraw the application"))],
    )


class BulkSubmitForm(BaseForm):
    declaration = BooleanField(
        _l(
            "I declare that the information in each of these applications is correct and "
            "complete, and that the organisation meets the conditions for each of them."
        ),
        validators=[DataRequired(_l("Confirm the declaration to submit the applications"))],
    )


class NoticeOfDefaultForm(BaseForm):
    """Sending a notice of default: a confirmation (issue 25)."""


class SignOffForm(BaseForm):
    """An administrator approves a colleague's application, or sends it back (issue 25)."""

    decision = RadioField(
        _l("Your decision"),
        choices=[
            SelectChoice("approve", _l("Approve: submit the application to the IND now")),
            SelectChoice("return", _l("Send it back to the colleague who prepared it")),
        ],
        validators=[InputRequired(_l("Choose approve or send back"))],
    )
    reason = TextAreaField(
        _l("Why you send it back"),
        validators=[Length(max=2000, message=_l("Enter at most 2,000 characters"))],
    )

    def validate_reason(self, field):
        if self.decision.data == "return" and not (field.data or "").strip():
            raise ValidationError(_l("Say why you send the application back"))


class SignOffSettingForm(BaseForm):
    required = BooleanField(
        _l(
            "Applications prepared by submitters need an administrator's approval before they "
            "go to the IND"
        )
    )
