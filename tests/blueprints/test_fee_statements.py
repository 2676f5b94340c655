"""Finance imports the fee account's statement (camt.053, MT940): each transfer matched by
reference and amount, everything else listed with its reason, reversals undone, whole or not
at all, once; every bad file gets its own message."""

from datetime import date, timedelta
from io import BytesIO

import pytest

from portal.extensions import db
from portal.fees import statements
from portal.fees.sample import sample_statement
from portal.models import (
    Application,
    ApplicationStatus,
    AuditEvent,
    BankStatement,
    Fee,
    Letter,
    LetterKind,
    StatementEntry,
)
from tests.support.auth import staff_sign_in
from tests.support.factories import ApplicationFactory, UserFactory
from tests.support.pages import Page, get_page

IBAN = "NL91ABNA0417164300"
NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def entry(
    key, amount, ref="", ustrd="", *, credit=True, reversal=False, booked="2026-12-01", ccy="EUR"
):
    strd = f"<Strd><CdtrRefInf><Ref>{ref}</Ref></CdtrRefInf></Strd>" if ref else ""
    free = f"<Ustrd>{ustrd}</Ustrd>" if ustrd else ""
    direction = "CRDT" if credit else "DBIT"
    rvsl = "<RvslInd>true</RvslInd>" if reversal else ""
    return f"""<Ntry><Amt Ccy="{ccy}">{amount}</Amt><CdtDbtInd>{direction}</CdtDbtInd>
    {rvsl}<Sts>BOOK</Sts><BookgDt><Dt>{booked}</Dt></BookgDt>
    <NtryDtls><TxDtls><Refs><AcctSvcrRef>{key}</AcctSvcrRef></Refs>
    <AmtDtls><TxAmt><Amt Ccy="{ccy}">{amount}</Amt></TxAmt></AmtDtls>
    <RmtInf>{strd}{free}</RmtInf></TxDtls></NtryDtls></Ntry>"""


def camt(*entries, iban=IBAN) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?><Document xmlns="{NS}"><BkToCstmrStmt>
    <GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-12-01T18:00:00</CreDtTm></GrpHdr>
    <Stmt><Id>S1</Id><Acct><Id><IBAN>{iban}</IBAN></Id></Acct>{"".join(entries)}</Stmt>
    </BkToCstmrStmt></Document>""".encode()


def upload(client, data: bytes, name="statement.xml"):
    page = get_page(client, "/backoffice/fees/statements")
    return client.post(
        "/backoffice/fees/statements",
        data={"csrf_token": page.csrf(), "statement": (BytesIO(data), name)},
        content_type="multipart/form-data",
    )


@pytest.fixture
def finance(client):
    staff_sign_in(client, UserFactory(supervisor=True))
    client.get("/language/en")


def unpaid(**values):
    return ApplicationFactory(submitted=True, fee=False, days_left=90, **values)


def fee_of(case) -> Fee:
    return db.session.scalar(db.select(Fee).where(Fee.application_id == case.id))


def test_reviewers_may_not_import_statements(client):
    staff_sign_in(client, UserFactory(reviewer=True))
    assert client.get("/backoffice/fees/statements").status_code == 403


def test_every_kind_of_entry_is_matched_listed_or_undone(client, finance):
    exact = unpaid()
    spaced = unpaid()
    partial = unpaid()
    paid = ApplicationFactory(submitted=True)
    decided = unpaid(status=ApplicationStatus.GRANTED)
    over = unpaid()
    reversed_case = unpaid()
    first, second = unpaid(), unpaid()
    statement = camt(
        entry("E1", "5080.00", ref=exact.reference),
        # In free text, with spaces and lower case.
        entry("E2", "5080.00", ustrd=f"leges {spaced.reference.lower().replace('-', ' - ')}"),
        entry("E3", "2000.00", ref=partial.reference),
        entry("E4", "3080.00", ref=partial.reference, booked="2026-12-02"),
        entry("E5", "5080.00", ref=paid.reference),
        entry("E6", "5080.00", ref=decided.reference),
        entry("E7", "6000.00", ref=over.reference),
        entry("E8", "5080.00", ustrd="ER-2026-999999-Z thanks"),
        entry("E9", "5080.00", ref=reversed_case.reference),
        entry(
            "E10",
            "5080.00",
            ref=reversed_case.reference,
            credit=False,
            reversal=True,
            booked="2026-12-03",
        ),
        entry("E11", "12.50", ustrd="bank costs", credit=False),
        # One transfer for two fees (one transfer pays one fee): listed, neither booked.
        entry("E13", "10160.00", ustrd=f"leges {first.reference} en {second.reference}"),
    )
    response = upload(client, statement)
    assert response.status_code == 302, Page(response).text[:800]
    assert fee_of(exact).paid_on == date(2026, 12, 1)
    assert fee_of(spaced).paid_on == date(2026, 12, 1)
    assert fee_of(partial).paid_on == date(2026, 12, 2)  # the second transfer completes it
    assert fee_of(decided).paid_on is None and fee_of(over).paid_on is None
    assert fee_of(reversed_case).paid_on is None and fee_of(reversed_case).received_cents == 0
    # The clock: from the payment day for the exact one, back to waiting for the reversed one.
    assert db.session.get(Application, exact.id).decision_deadline == date(2026, 12, 1) + (
        timedelta(days=90)
    )
    assert db.session.get(Application, reversed_case.id).decision_deadline is None
    reasons = {
        e.entry_key: (e.outcome.value, e.reason)
        for e in db.session.scalars(db.select(StatementEntry))
    }
    assert reasons == {
        "E1": ("paid", None),
        "E2": ("paid", None),
        "E3": ("part", "partial"),
        "E4": ("paid", None),
        "E5": ("manual", "already_paid"),
        "E6": ("manual", "case_closed"),
        "E7": ("manual", "overpaid"),
        "E8": ("manual", "unknown_reference"),
        "E9": ("paid", None),
        "E10": ("reversed", None),
        "E11": ("debit", None),
        "E13": ("manual", "combined"),
    }
    assert fee_of(first).received_cents == 0 and fee_of(second).received_cents == 0
    page = get_page(client, "/backoffice/fees/statements")
    listed = page.soup.select_one("#manual-matching").get_text(" ", strip=True)
    for says in (
        "The fee was paid already",
        "The case is decided or withdrawn",
        "More than the fee",
        "No case with this payment reference",
        "One transfer for several cases",
    ):
        assert says in listed
    letters = db.session.scalars(
        db.select(Letter).where(Letter.kind == LetterKind.PAYMENT_RECEIVED)
    ).all()
    assert len(letters) == 4  # exact, spaced, partial completed, reversed (before its reversal)
    actions = db.session.scalars(db.select(AuditEvent.action)).all()
    assert actions.count("fee.paid") == 5 and actions.count("fee.payment_undone") == 1
    assert "fee.statement_imported" in actions

    # The same statement again: refused as imported, nothing changes.
    response = upload(client, statement)
    assert response.status_code == 409
    assert "imported already" in Page(response).field_error("statement")
    assert db.session.scalar(db.select(db.func.count()).select_from(StatementEntry)) == 12
    # A new file with an entry seen before: the entry changes nothing.
    assert (
        upload(
            client,
            camt(
                entry("E1", "5080.00", ref=exact.reference), entry("E12", "1.00", ustrd="nothing")
            ),
        ).status_code
        == 302
    )
    assert db.session.scalar(db.select(db.func.count()).select_from(StatementEntry)) == 13


MT940 = """:20:STATEMENT1
:25:NL91ABNA0417164300
:28C:1/1
:60F:C261130EUR0,00
:61:2612011201C5080,00NTRFNONREF//B1
:86:LEGES {reference}
:61:2612011201D10,00NTRFNONREF//B2
:86:KOSTEN
:62F:C261201EUR5070,00
"""


def test_an_mt940_statement_pays_by_reference_in_the_text(client, finance):
    case = unpaid()
    text = MT940.format(reference=case.reference.lower())
    assert upload(client, text.encode(), "statement.sta").status_code == 302
    assert fee_of(case).paid_on == date(2026, 12, 1)
    assert upload(client, text.encode() + b"\n", "again.sta").status_code == 302  # keys seen
    assert db.session.scalar(db.select(db.func.count()).select_from(StatementEntry)) == 2


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"Just some text", "not a camt.053 or MT940"),
        (b'<?xml version="1.0"?><Document xmlns="urn:x"><a/></Document>', "not a camt.053"),
        (b'<?xml version="1.0"?><Document><unclosed>', "damaged or incomplete"),
        (
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
            b"<d>&b;</d>",
            "declares entities",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>',
            "declares entities",
        ),
        (camt(entry("Z1", "10.00", ustrd="x"), iban="NL02ABNA0123456789"), "another account"),
        (b"<" + b" " * 3000, "larger than 5 MB"),  # the limit is lowered to 2,000 bytes
        (
            camt(entry("Z5", "10.00", ustrd="x"), entry("Z6", "10.00", ustrd="y")),
            "too many transactions",
        ),
        (camt(entry("Z2", "0.00", ustrd="x")), "zero or less"),
        (camt(entry("Z3", "-5.00", ustrd="x")), "zero or less"),
        (camt(entry("Z4", "10.00", ustrd="x", ccy="USD")), "other than euro"),
    ],
    ids=[
        "text",
        "other-xml",
        "malformed",
        "bomb",
        "external-entity",
        "iban",
        "too-big",
        "too-many",  # the limit is lowered to 2 transactions (with the good one: 3)
        "zero",
        "negative",
        "currency",
    ],
)
def test_a_bad_statement_is_refused_with_its_own_message_and_nothing_stored(
    client, finance, monkeypatch, data, says
):
    if says.startswith("larger"):
        monkeypatch.setattr(statements, "MAX_BYTES", 2000)
    if says.startswith("too many"):
        monkeypatch.setattr(statements, "MAX_TRANSACTIONS", 2)
    case = unpaid()
    good = entry("G1", "5080.00", ref=case.reference)
    if data.startswith(b"<?xml") and b"Z" in data and b"<Stmt>" in data:
        data = data.replace(b"</Stmt>", good.encode() + b"</Stmt>")  # a good entry beside it
    response = upload(client, data)
    assert response.status_code == 400
    assert says in Page(response).field_error("statement")
    assert db.session.scalar(db.select(db.func.count()).select_from(BankStatement)) == 0
    assert fee_of(case).paid_on is None


def test_the_sample_statement_pays_the_open_fees(client, finance):
    case = unpaid()
    assert upload(client, sample_statement(date(2026, 12, 1)).encode()).status_code == 302
    assert fee_of(case).paid_on == date(2026, 12, 1)


def test_finance_books_a_listed_transfer_on_the_case_it_was_meant_for(client, finance):
    case = unpaid()
    assert (
        upload(client, camt(entry("H1", "5080.00", ustrd="fee for our recognition"))).status_code
        == 302
    )
    listed = db.session.scalar(db.select(StatementEntry))
    assert listed.reason == "unknown_reference"
    page = get_page(client, "/backoffice/fees/statements")
    action = f"/backoffice/fees/entries/{listed.id}/match"
    response = client.post(action, data={"csrf_token": page.csrf(), "reference": "ER-2026-1"})
    assert response.status_code == 400
    failed = Page(response)
    assert "Enter the reference of an existing case" in failed.field_error(f"reference-{listed.id}")
    assert failed.value(f"reference-{listed.id}") == "ER-2026-1"
    assert fee_of(case).paid_on is None
    response = client.post(
        action, data={"csrf_token": page.csrf(), "reference": case.reference.lower()}
    )
    assert response.status_code == 302
    assert fee_of(case).paid_on == date(2026, 12, 1)
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "fee.paid")).one()
    assert event.details["by_hand"] is True and event.actor_id is not None
    # Booked once: a second try is refused with its reason.
    response = client.post(action, data={"csrf_token": page.csrf(), "reference": case.reference})
    assert response.status_code == 400
