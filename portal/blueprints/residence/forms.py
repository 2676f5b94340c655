"""Forms built from the type definitions: one form class per section, never copy-pasted."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired

from portal.forms import BaseForm, DateInputField
from portal.residence.presentation import country_choices
from portal.residence.question_shapes import ResidenceType, Section
from portal.residence.types import DOCUMENT_KINDS, TYPES


class StartForm(BaseForm):
    kind = RadioField(
        _l("Which application do you want to make?"),
        choices=[SelectChoice(kind.value, rtype.title) for kind, rtype in TYPES.items()],
        validators=[InputRequired(_l("Choose the kind of application"))],
    )


def section_form(section: Section, **kwargs) -> BaseForm:
    """A form for one section; validation of the values is the service's (rules need context)."""
    attributes = {}
    for field in section.fields:
        if field.kind == "choice":
            attributes[field.name] = RadioField(
                field.label,
                choices=[SelectChoice(value, label) for value, label in field.choices],
                validate_choice=False,
            )
        elif field.kind == "country":
            attributes[field.name] = SelectField(
                field.label,
                choices=[SelectChoice("", _l("Choose a country"))]
                + [SelectChoice(code, name) for code, name in country_choices()],
                validate_choice=False,
            )
        elif field.kind == "date":
            attributes[field.name] = DateInputField(field.label, as_text=True)
        else:
            attributes[field.name] = StringField(field.label)
    form_class = type(f"{section.key.title()}SectionForm", (BaseForm,), attributes)
    return form_class(**kwargs)


class DeclarationForm(BaseForm):
    declaration = BooleanField(
        _l(
            "I declare that the information given is correct and complete, and that the person "
            "meets the conditions for this residence permit."
        ),
        validators=[DataRequired(_l("Confirm the declaration to submit the application"))],
    )


class DocumentForm(BaseForm):
    """One upload: what the document is, and the file (checked by the service)."""

    purpose = RadioField(
        _l("Which document is this?"),
        choices=[],
        validators=[InputRequired(_l("Choose which document you are uploading"))],
    )
    file = FileField(_l("The file"))

    def __init__(self, rtype: ResidenceType, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from portal.residence.documents import document_choices

        self.purpose.choices = [
            SelectChoice(key, DOCUMENT_KINDS[key]) for key in document_choices(rtype)
        ]


class RemoveDocumentForm(BaseForm):
    """Only the CSRF token: a button per document."""
