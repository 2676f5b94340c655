"""A camt.053 statement that pays the open fees (`flask fees sample-statement`): for a new
user to import in the back office and watch fees turn to paid."""

from datetime import date
from xml.sax.saxutils import escape

from sqlalchemy import select

from portal import clock, reference
from portal.extensions import db
from portal.fees.records import PAYABLE_STATUSES
from portal.models import Application, Fee

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"


def _amount(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def open_fees() -> list[tuple[Fee, Application]]:
    return db.session.execute(
        select(Fee, Application)
        .join(Application, Application.id == Fee.application_id)
        .where(
            Fee.paid_on.is_(None),
            Fee.amount_cents.is_not(None),
            Application.status.in_(PAYABLE_STATUSES),
        )
        .order_by(Fee.id)
    ).all()


def sample_statement(booked_on: date | None = None) -> str:
    booked_on = booked_on or clock.today()
    iban = reference.ind_bank_account(booked_on).iban.replace(" ", "")
    entries = []
    for fee, application in open_fees():
        cents = fee.amount_cents - fee.received_cents
        entries.append(
            f"""    <Ntry>
      <Amt Ccy="EUR">{_amount(cents)}</Amt>
      <CdtDbtInd>CRDT</CdtDbtInd>
      <Sts>BOOK</Sts>
      <BookgDt><Dt>{booked_on.isoformat()}</Dt></BookgDt>
      <AcctSvcrRef>SAMPLE-{booked_on:%Y%m%d}-{fee.id}</AcctSvcrRef>
      <NtryDtls><TxDtls>
        <Refs><AcctSvcrRef>SAMPLE-{booked_on:%Y%m%d}-{fee.id}</AcctSvcrRef></Refs>
        <AmtDtls><TxAmt><Amt Ccy="EUR">{_amount(cents)}</Amt></TxAmt></AmtDtls>
        <RmtInf><Strd><CdtrRefInf><Ref>{escape(application.reference)}</Ref></CdtrRefInf></Strd></RmtInf>
      </TxDtls></NtryDtls>
    </Ntry>"""
        )
    body = "\n".join(entries)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="{NAMESPACE}">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>SAMPLE-{booked_on:%Y%m%d}</MsgId><CreDtTm>{booked_on.isoformat()}T18:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>SAMPLE-{booked_on:%Y%m%d}</Id>
      <Acct><Id><IBAN>{iban}</IBAN></Id></Acct>
{body}
    </Stmt>
  </BkToCstmrStmt>
</Document>
"""
