"""The e-mail boundary delivers over a real SMTP connection."""

from portal.mail import send_mail


def test_mail_is_delivered_over_smtp(app, smtp_server):
    with app.app_context():
        send_mail("hr@example.org", "Something arrived", "Sign in to read it: https://x/inbox")
    (message,) = smtp_server.messages
    assert message["To"] == "hr@example.org"
    assert message["Subject"] == "Something arrived"
    assert "Sign in to read it" in message.get_content()


def test_without_a_server_mail_is_printed(app, capsys):
    with app.app_context():
        send_mail("a@example.org", "Hello", "Body text")
    assert "Body text" in capsys.readouterr().out
