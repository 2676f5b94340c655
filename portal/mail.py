"""The e-mail boundary: SMTP when MAIL_SERVER is set, the console otherwise (development).

Messages carry no letter content, only that something happened and a link.
"""

import logging
import smtplib
import sys
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
OUTBOX_KEY = "portal.mail.outbox"
DOMAIN = "sponsorportal.ind.example"


def build_message(to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id()
    message.set_content(body)
    return message


def message_id() -> str:
    """In a job, the same id at every attempt (a receiver sees a resent message as one)."""
    from portal.jobs.worker import current_job

    job_id = current_job.get()
    if job_id is not None:
        return f"<job-{job_id}@{DOMAIN}>"
    return make_msgid(domain=DOMAIN)


def send_mail(to: str, subject: str, body: str) -> EmailMessage:
    """Send one plain-text message; raises smtplib/OSError when the server refuses."""
    message = build_message(to, subject, body)
    config = current_app.config
    server = config.get("MAIL_SERVER")
    if not server:
        print(f"--- e-mail (MAIL_SERVER not set) ---\n{message}", file=sys.stdout, flush=True)
        return message
    with smtplib.SMTP(server, int(config.get("MAIL_PORT", 25)), timeout=10) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
        smtp.send_message(message)
    return message


def send_after_commit(to: str, subject: str, body: str, via=None) -> None:
    """Send when the current transaction commits (a job when a worker runs them, written in
    this transaction; else right after the commit); nothing when it rolls back. A failing mail
    server loses neither the change nor the request: the failure is logged. `via`: a function
    sending (to, subject, body) in place of send_mail (notices use portal/notices/bounces.send,
    which marks refused addresses)."""
    from portal.extensions import db
    from portal.jobs import outbox

    if outbox.deferred():  # a job in this transaction: sent by a worker once committed
        outbox.enqueue(via or send_mail, to, subject, body)
        return
    db.session.info.setdefault(OUTBOX_KEY, []).append((via or send_mail, to, subject, body))


def after_commit(session: Session) -> None:
    # A released savepoint (begin_nested) also fires after_commit: nothing is committed until
    # the outer transaction is.
    if session.in_nested_transaction():
        return
    for via, to, subject, body in session.info.pop(OUTBOX_KEY, None) or ():
        try:
            via(to, subject, body)
        except Exception:  # any mail failure: the change is kept, the request goes on
            log.exception("an e-mail could not be sent")  # no address: logs hold no personal data


def after_rollback(session: Session) -> None:
    session.info.pop(OUTBOX_KEY, None)
