"""A letter's structured data (issue 18): what it says as data — kind, references, dates,
respond-by, amounts — written once when the letter is issued (`issue_letter`), stored with it
and served by the API. Read from the same values the template is rendered with, so the data
and the letter cannot differ. Letters issued before it existed have none."""

from datetime import date, datetime

# Objects passed to a letter's template whose dates and amounts the letter states.
_SOURCES = ("sanction", "report")


def _collect(name: str, value, dates: dict, amounts: dict, references: dict) -> None:
    if isinstance(value, datetime):
        dates[name] = value.date().isoformat()
    elif isinstance(value, date):
        dates[name] = value.isoformat()
    elif name.endswith("_cents") and isinstance(value, int) and not isinstance(value, bool):
        amounts[name.removesuffix("_cents")] = {"cents": value, "currency": "EUR"}
    elif name.endswith("_reference") and isinstance(value, str) and value:
        references[name.removesuffix("_reference")] = value


def structured_data(
    kind,
    *,
    letter_reference: str,
    issued_on: date,
    application=None,
    respond_by: date | None = None,
    person_name: str | None = None,
    v_number: str | None = None,
    context: dict,
) -> dict:
    dates: dict = {"issued_on": issued_on.isoformat()}
    amounts: dict = {}
    references: dict = {"letter": letter_reference}
    if application is not None and application.reference:
        references["application"] = application.reference
    for name, value in context.items():
        _collect(name, value, dates, amounts, references)
    for source in _SOURCES:
        obj = context.get(source)
        if obj is None:
            continue
        table = getattr(obj, "__table__", None)  # a model, or a plain object of the same facts
        names = table.columns.keys() if table is not None else vars(obj).keys()
        for column in names:
            if column.endswith(("_on", "_cents")) or column.endswith("_date"):
                _collect(f"{source}_{column}", getattr(obj, column), dates, amounts, references)
    data = {
        "kind": kind.value,
        "references": references,
        "dates": dates,
        "respond_by": respond_by.isoformat() if respond_by else None,
        "amounts": amounts,
        "person": {"name": person_name, "v_number": v_number} if person_name else None,
    }
    if isinstance(context.get("granted"), bool):
        data["granted"] = context["granted"]
    return data
