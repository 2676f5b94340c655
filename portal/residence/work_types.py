"""The work-permit application types of issue 22 (items 1-3) as data, built from the shared
sections of `portal.residence.types` (which appends them to TYPES):

- intra-corporate transfer (ICT, Directive 2014/66/EU): manager, specialist or trainee from a
  group company outside the EU, with the transfer period and mobility to other member states;
- single permit for paid employment (GVVA): the vacancy and recruitment facts for UWV's
  labour-market advice, which the IND asks as a step of the case (portal/cases/advice.py);
- seasonal work (Directive 2014/36/EU), stays over 90 days only;
- change of purpose from student or orientation-year graduate to highly skilled migrant,
  filed by the new employer with the reduced salary criterion.

Their rules are in `portal.residence.work_rules`; every figure is reference data.
"""

from flask_babel import lazy_gettext as _l

from portal.models import ApplicationKind, Category
from portal.residence.question_shapes import Field, ResidenceType, Section

YES_NO = (("yes", _l("Yes")), ("no", _l("No")))

ICT_ROLES = (
    ("manager", _l("Manager")),
    ("specialist", _l("Specialist")),
    ("trainee", _l("Trainee employee")),
)
GROUP_RELATIONSHIPS = (
    ("parent", _l("It is our parent company")),
    ("subsidiary", _l("It is our subsidiary")),
    ("same_group", _l("Both belong to the same group (same parent company)")),
    ("branch", _l("It is a branch of the same legal entity")),
)
MOBILITY = (
    ("none", _l("No work in other EU member states planned")),
    ("short_term", _l("Short-term mobility: at most 90 days per 180 days, by notification")),
    ("long_term", _l("Long-term mobility: more than 90 days, an application in that state")),
)
PREVIOUS_PURPOSE = (
    ("student", _l("Study")),
    ("orientation_year", _l("Orientation year for highly educated persons (search year)")),
)
# Document kinds these types ask for (added to types.DOCUMENT_KINDS).
DOCUMENT_KINDS = {
    "group_proof": _l("Proof of the group relationship"),
    "vacancy_proof": _l("Proof of the vacancy and the recruitment efforts"),
    "accommodation": _l("Proof of accommodation"),
    "graduation": _l("Diploma or proof of graduation in the Netherlands"),
}


def _period(start_label, end_label, end_rule: str, hint) -> tuple[Field, ...]:
    """A start and a required end date: the permit is requested until the end date."""
    return (
        Field(
            "start_date",
            "date",
            start_label,
            _l("Enter the start date"),
            hint=_l("For example, 1 9 2026"),
        ),
        Field(
            "end_date",
            "date",
            end_label,
            _l("Enter the end date"),
            hint=hint,
            rule=end_rule,
        ),
    )


def _work_fields(salary_hint) -> tuple[Field, ...]:
    return (
        Field(
            "hours_per_week",
            "number",
            _l("Hours per week"),
            _l("Enter the working hours per week"),
            lo=1,
            hi=60,
        ),
        Field(
            "monthly_salary",
            "money",
            _l("Gross monthly salary in euros"),
            _l("Enter the gross monthly salary in euros"),
            hint=salary_hint,
            rule="salary",
        ),
    )


_ICT_TRANSFER = Section(
    "transfer",
    _l("The transfer"),
    (
        Field("role", "choice", _l("Role"), _l("Choose the role"), choices=ICT_ROLES),
        Field(
            "group_company",
            "text",
            _l("Name of the group company the person is transferred from"),
            _l("Enter the name of the group company"),
        ),
        Field(
            "group_company_country",
            "country",
            _l("Country where that group company is established"),
            _l("Choose the country of the group company"),
            hint=_l("It must be outside the European Union"),
            rule="ict_outside_eu",
        ),
        Field(
            "group_relationship",
            "choice",
            _l("How is that company related to your organisation?"),
            _l("Choose how the companies are related"),
            choices=GROUP_RELATIONSHIPS,
        ),
        Field(
            "employed_in_group_since",
            "date",
            _l("In the group's employment since"),
            _l("Enter the date the person started working for the group"),
            hint=_l("Without interruption until the transfer, for example 1 3 2024"),
            when="past",
            rule="ict_prior_employment",
        ),
        Field("job_title", "text", _l("Job title"), _l("Enter the job title")),
        *_period(
            _l("Start date of the transfer"),
            _l("End date of the transfer"),
            "ict_transfer_period",
            _l("At most 3 years for a manager or specialist, 1 year for a trainee"),
        ),
        *_work_fields(
            _l("Excluding the holiday allowance; the threshold depends on the role"),
        ),
    ),
)

_ICT_MOBILITY = Section(
    "mobility",
    _l("Work in other EU member states"),
    (
        Field(
            "mobility",
            "choice",
            _l("Will the person also work in another EU member state?"),
            _l("Choose whether the person will work in another member state"),
            choices=MOBILITY,
            rule="ict_mobility",
        ),
        Field(
            "mobility_country",
            "country",
            _l("Member state"),
            hint=_l("Only with short-term or long-term mobility"),
        ),
        Field(
            "mobility_days",
            "number",
            _l("Number of days in that member state"),
            hint=_l("Only with short-term or long-term mobility"),
            lo=1,
            hi=1095,
        ),
    ),
)

_GVVA_LABOUR_MARKET = Section(
    "labour_market",
    _l("Vacancy and recruitment"),
    (
        Field(
            "vacancy_reported_on",
            "date",
            _l("Date the vacancy was reported to UWV"),
            _l("Enter the date the vacancy was reported to UWV"),
            hint=_l("For example, 2 2 2026"),
            when="past",
            rule="gvva_vacancy",
        ),
        Field(
            "vacancy_number",
            "text",
            _l("Vacancy number at UWV"),
            hint=_l("If UWV gave one"),
        ),
        Field(
            "recruitment_efforts",
            "text",
            _l("What did you do to find a candidate in the Netherlands or the EU/EEA?"),
            _l("Describe the recruitment efforts"),
            hint=_l("For example: job boards, an agency, for how long; at most 200 characters"),
        ),
        Field(
            "candidates",
            "number",
            _l("Number of candidates who applied"),
            _l("Enter the number of candidates, 0 if none"),
            lo=0,
            hi=9999,
        ),
        Field(
            "priority_considered",
            "choice",
            _l("Did you consider candidates from the Netherlands and the EU/EEA first?"),
            _l("Say whether you considered those candidates first"),
            hint=_l("They have priority on the labour market; UWV checks this in its advice"),
            choices=YES_NO,
        ),
    ),
)

_SEASON = Section(
    "season",
    _l("The seasonal work"),
    (
        Field(
            "sector",
            "text",
            _l("Sector and activity"),
            _l("Enter the sector and activity"),
            hint=_l("For example, fruit growing: harvesting apples"),
        ),
        Field("job_title", "text", _l("Job title"), _l("Enter the job title")),
        *_period(
            _l("Start date of the seasonal work"),
            _l("End date of the seasonal work"),
            "seasonal_period",
            _l("More than 90 days after the start date; the permit is requested until then"),
        ),
        *_work_fields(_l("Excluding the holiday allowance")),
        Field(
            "accommodation",
            "choice",
            _l("Do you provide or arrange the accommodation?"),
            _l("Say whether you provide or arrange the accommodation"),
            choices=YES_NO,
        ),
    ),
)

_PREVIOUS_PERMIT = Section(
    "previous",
    _l("The current residence permit"),
    (
        Field(
            "previous_purpose",
            "choice",
            _l("Purpose of the current residence permit"),
            _l("Choose the purpose of the current residence permit"),
            choices=PREVIOUS_PURPOSE,
        ),
        Field(
            "current_permit_expires",
            "date",
            _l("Current residence permit valid until"),
            _l("Enter the date the current residence permit expires"),
            hint=_l("As on the residence permit card, for example 31-05-2027"),
            rule="permit_still_valid",
            prefill="person.current_permit_expires",
        ),
        Field(
            "graduated_on",
            "date",
            _l("Date of graduation in the Netherlands"),
            _l("Enter the date of graduation"),
            hint=_l("The reduced salary criterion applies for 3 years after it"),
            when="past",
            rule="reduced_criterion_period",
        ),
    ),
)


def work_types(person, procedure_field, job_fields, travel) -> tuple[ResidenceType, ...]:
    """The four types, from the shared person section builder, procedure question, job
    fields and travel section of portal/residence/types.py."""
    return (
        ResidenceType(
            ApplicationKind.ICT,
            Category.LABOUR,
            _l("Intra-corporate transfer (ICT)"),
            _l(
                "A manager, specialist or trainee transferred from a group company outside "
                "the EU (Directive 2014/66/EU)"
            ),
            (person(procedure_field), _ICT_TRANSFER, _ICT_MOBILITY, travel),
            None,
            ("passport", "contract", "group_proof"),
        ),
        ResidenceType(
            ApplicationKind.GVVA,
            Category.LABOUR,
            _l("Single permit for paid employment (GVVA)"),
            _l(
                "Residence and work permit in one application; the IND asks UWV to advise "
                "on the labour market"
            ),
            (
                person(procedure_field),
                Section("job", _l("The job"), job_fields),
                _GVVA_LABOUR_MARKET,
                travel,
            ),
            None,
            ("passport", "contract", "vacancy_proof"),
        ),
        ResidenceType(
            ApplicationKind.SEASONAL_WORK,
            Category.LABOUR,
            _l("Seasonal work, more than 90 days"),
            _l(
                "For stays of 90 days or less the employer applies to UWV for a work permit "
                "and the person for a short-stay visa: that is not done in this portal"
            ),
            (person(procedure_field), _SEASON, travel),
            None,
            ("passport", "contract", "accommodation"),
        ),
        ResidenceType(
            ApplicationKind.HSM_CHANGE_PURPOSE,
            Category.LABOUR,
            _l("Highly skilled migrant: change of purpose after study or orientation year"),
            _l(
                "The person holds a residence permit for study or the orientation year and "
                "comes to work for you; the reduced salary criterion applies"
            ),
            (person(), _PREVIOUS_PERMIT, Section("job", _l("The job"), job_fields)),
            "residence",
            ("passport", "contract", "graduation"),
        ),
    )
