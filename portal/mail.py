"""The e-mail boundary: SMTP when MAIL_SERVER is set, the console otherwise (development).

Messages carry no letter content, only that something happened and a link.
"""

import smtplib
import sys
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app


def build_message(to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="sponsorportal.ind.example")
    message.set_content(body)
    return message


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
