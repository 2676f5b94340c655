"""The organisation's fees: open and paid, with a CSV export."""

from flask import Response, g, render_template
from flask_babel import gettext as _
from flask_login import current_user

from portal import audit, clock, reference
from portal.audit import AuditAction
from portal.blueprints.organisation import bp
from portal.csv_io import write_csv
from portal.extensions import db
from portal.fees import records as fee_records
from portal.labels import APPLICATION_KIND, CATEGORY, FEE_STATE
from portal.permissions import Permission, requires


def _rows():
    today = clock.today()
    return today, fee_records.fees_of_organisation(g.organisation.id, g.context.in_scope, today)


@bp.get("/fees")
@requires(Permission.APPLICATION_READ)
def fees():
    today, rows = _rows()
    return render_template(
        "organisation/fees.html",
        open_rows=[row for row in rows if not row.state.is_paid],
        paid_rows=[row for row in rows if row.state.is_paid],
        bank_account=reference.ind_bank_account(today),
        today=today,
    )


def _iso(value) -> str:
    return value.isoformat() if value else ""


def _euros(cents) -> str:
    return "" if cents is None else f"{cents // 100}.{cents % 100:02d}"


def _what(application) -> str:
    kind = str(APPLICATION_KIND[application.kind])
    return kind if application.kind.is_residence else f"{kind}: {CATEGORY[application.category]}"


@bp.get("/fees.csv")
@requires(Permission.APPLICATION_READ)
def fees_export():
    _today, rows = _rows()
    header = [
        _("Payment reference"),
        _("Application"),
        _("Amount (EUR)"),
        _("Received (EUR)"),
        _("Status"),
        _("Pay by"),
        _("Paid on"),
    ]
    data = [
        [
            row.application.reference,
            _what(row.application),
            _euros(row.fee.amount_cents),
            _euros(row.fee.received_cents),
            str(FEE_STATE[row.state.code]),
            _iso(row.state.due_on),
            _iso(row.state.paid_on),
        ]
        for row in rows
    ]
    audit.record(
        AuditAction.EXPORT_FEES,
        actor=current_user,
        organisation=g.organisation,
        details={"rows": len(data)},
    )
    db.session.commit()
    return Response(
        "".join(write_csv(header, data)),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="fees.csv"'},
    )
