"""Reading a bank statement of the IND's account: ISO 20022 camt.053 (parsed with defusedxml,
which refuses entity declarations, external entities and XML bombs) or MT940 (`mt-940`).

`read_statement(data)` returns the account and its transactions, or raises StatementRefused
with a code for the message: not_statement, malformed, unsafe, too_big, too_many, wrong_account,
not_positive, currency. Nothing is stored here (portal/fees/reconcile.py does that).
"""

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import ParseError  # noqa: S405 - only the exception type

import mt940
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from portal.models import StatementFormat

MAX_BYTES = 5 * 2**20  # a day's statement of the fee account is far smaller
# Each booked credit renders its "payment received" letter (a PDF) in the import's transaction,
# so the letter exists when the payment is booked: about 65 ms per credit (bench/
# statement_import.py: 200 credits in 13 s on SQLite at load 4.9). Bounded, as bulk submit is.
MAX_TRANSACTIONS = 500
CAMT053 = "urn:iso:std:iso:20022:tech:xsd:camt.053"


class StatementRefused(ValueError):
    def __init__(self, code: str, detail: str = ""):
        super().__init__(code, detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Transaction:
    key: str  # AcctSvcrRef, or a hash for MT940
    booked_on: date
    cents: int
    credit: bool
    reversal: bool
    reference: str  # structured reference and free text, as given


@dataclass(frozen=True)
class Statement:
    format: StatementFormat
    iban: str
    transactions: tuple[Transaction, ...]


def _cents(text: str) -> int:
    try:
        amount = Decimal(text.strip().replace(",", "."))
    except InvalidOperation as error:
        raise StatementRefused("malformed", text) from error
    if amount <= 0:
        raise StatementRefused("not_positive", text)
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise StatementRefused("malformed", text)
    return int(cents)


def _iban(text: str) -> str:
    return re.sub(r"\s+", "", text or "").upper()


def read_statement(data: bytes) -> Statement:
    if len(data) > MAX_BYTES:
        raise StatementRefused("too_big")
    head = data[:200].lstrip()
    if head.startswith(b"<"):
        statement = _camt053(data)
    elif b":20:" in data[:2000] and b":25:" in data[:4000]:
        statement = _mt940(data)
    else:
        raise StatementRefused("not_statement")
    if len(statement.transactions) > MAX_TRANSACTIONS:
        raise StatementRefused("too_many", str(len(statement.transactions)))
    return statement


def _camt053(data: bytes) -> Statement:
    try:
        root = fromstring(data, forbid_dtd=True)
    except DefusedXmlException as error:
        raise StatementRefused("unsafe", type(error).__name__) from error
    except ParseError as error:
        raise StatementRefused("malformed", str(error)) from error
    namespace = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if not namespace.startswith(CAMT053):
        raise StatementRefused("not_statement")
    ns = {"c": namespace}
    statement = root.find("c:BkToCstmrStmt/c:Stmt", ns)
    if statement is None:
        raise StatementRefused("not_statement")
    iban = _iban(statement.findtext("c:Acct/c:Id/c:IBAN", "", ns))
    transactions = []
    for entry in statement.findall("c:Ntry", ns):
        credit = entry.findtext("c:CdtDbtInd", "", ns) == "CRDT"
        # A reversal of a credit (a fee payment turned back) is a debit with RvslInd true.
        reversal = entry.findtext("c:RvslInd", "false", ns).strip().lower() == "true"
        reversal = reversal and not credit
        booked = (
            entry.findtext("c:BookgDt/c:Dt", "", ns)
            or entry.findtext("c:BookgDt/c:DtTm", "", ns)[:10]
        )
        try:
            booked_on = date.fromisoformat(booked)
        except ValueError as error:
            raise StatementRefused("malformed", booked) from error
        details = entry.findall("c:NtryDtls/c:TxDtls", ns) or [entry]
        for index, detail in enumerate(details):
            amount = detail.find("c:Amt", ns)
            if amount is None:
                amount = detail.find("c:AmtDtls/c:TxAmt/c:Amt", ns)
            if amount is None:
                amount = entry.find("c:Amt", ns)
            if amount is None:
                raise StatementRefused("malformed", "Amt")
            if amount.get("Ccy") != "EUR":
                raise StatementRefused("currency", amount.get("Ccy") or "")
            key = detail.findtext("c:Refs/c:AcctSvcrRef", "", ns) or entry.findtext(
                "c:AcctSvcrRef", "", ns
            )
            if not key:
                raise StatementRefused("malformed", "AcctSvcrRef")
            if len(details) > 1 and not detail.findtext("c:Refs/c:AcctSvcrRef", "", ns):
                key = f"{key}/{index}"
            parts = [
                detail.findtext("c:RmtInf/c:Strd/c:CdtrRefInf/c:Ref", "", ns),
                *[u.text or "" for u in detail.findall("c:RmtInf/c:Ustrd", ns)],
            ]
            transactions.append(
                Transaction(
                    key=key[:120],
                    booked_on=booked_on,
                    cents=_cents(amount.text or ""),
                    credit=credit,
                    reversal=reversal,
                    reference=" ".join(p for p in parts if p).strip()[:500],
                )
            )
    return Statement(StatementFormat.CAMT053, iban, tuple(transactions))


def _mt940(data: bytes) -> Statement:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    try:
        parsed = mt940.models.Transactions()
        parsed.parse(text)
    except Exception as error:  # noqa: BLE001 - the library raises many kinds on bad input
        raise StatementRefused("malformed", str(error)[:200]) from error
    iban = _iban(str(parsed.data.get("account_identification", "")).split("/")[0])
    if not iban:
        raise StatementRefused("not_statement")
    transactions = []
    for line, transaction in enumerate(parsed):
        values = transaction.data
        amount = values.get("amount")
        if amount is None:
            raise StatementRefused("malformed", "amount")
        if amount.currency != "EUR":
            raise StatementRefused("currency", amount.currency)
        status = values.get("status", "")
        cents = _cents(str(abs(amount.amount)) if amount.amount < 0 else str(amount.amount))
        reference = " ".join(
            str(values.get(k) or "")
            for k in ("customer_reference", "transaction_details", "extra_details")
        )
        booked_on = values.get("date")
        key = hashlib.sha256(f"{booked_on}|{cents}|{reference}|{line}".encode()).hexdigest()
        transactions.append(
            Transaction(
                key=f"mt940:{key}",
                booked_on=booked_on,
                cents=cents,
                credit=status in ("C", "RD"),
                reversal=status == "RC",  # reversal of a credit
                reference=re.sub(r"\s+", " ", reference).strip()[:500],
            )
        )
    return Statement(StatementFormat.MT940, iban, tuple(transactions))
