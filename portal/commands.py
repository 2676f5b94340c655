"""CLI commands: `flask staff create …`, `flask demo load`, `flask sanctions lift-expired`,
`flask reminders send`, `flask todo digest`, `flask notices bounce`, `flask fees sample-statement`,
`flask fees send-reminders`, `flask batches work`."""

import click
import pyotp
from flask.cli import with_appcontext

from portal.extensions import db
from portal.identity import accounts
from portal.identity.passwords import weakness
from portal.models import StaffRole

staff_cli = click.Group("staff", help="Manage IND staff accounts.")
demo_cli = click.Group("demo", help="Demo data for local use (never in production).")


@staff_cli.command("create")
@click.option("--email", required=True, help="E-mail address the staff member signs in with.")
@click.option("--name", required=True, help="Full name.")
@click.option(
    "--role",
    type=click.Choice([r.value for r in StaffRole]),
    default=StaffRole.REVIEWER.value,
    show_default=True,
)
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Asked for when not given.",
)
@with_appcontext
def create_staff(email: str, name: str, role: str, password: str) -> None:
    """Create a staff account with a TOTP second factor; prints the enrolment URI once."""
    reason = weakness(password)
    if reason:
        raise click.BadParameter(f"password is too weak ({reason})", param_hint="--password")
    secret = pyotp.random_base32()
    try:
        user = accounts.create_staff(email, name, StaffRole(role), password, secret)
    except accounts.EmailTaken as taken:
        raise click.ClickException(f"{email} is already in use") from taken
    db.session.commit()
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name="IND Sponsor Portal")
    click.echo(f"Created {role} {user.email}.")
    click.echo("Add this to an authenticator app (shown once):")
    click.echo(f"  {uri}")


@demo_cli.command("load")
@with_appcontext
def load_demo() -> None:
    """Load the demo organisations, users and cases. Safe to run again."""
    from portal.demo import load, print_sign_ins

    created = load()
    db.session.commit()
    click.echo("Demo data loaded." if created else "Demo data already present.")
    print_sign_ins(click.echo)


inbox_cli = click.Group("inbox", help="Inbox maintenance.")


@inbox_cli.command("recount")
@click.option("--check", is_flag=True, help="Only report counters that differ; change nothing.")
@with_appcontext
def recount_unread(check: bool) -> None:
    """Rebuild the unread counters from the letters and read marks (after a bulk load)."""
    from portal.letters import unread

    differences = unread.drift()
    click.echo(f"{len(differences)} unread counters differ from the letters.")
    if check:
        raise SystemExit(1 if differences else 0)
    rows = unread.recount()
    db.session.commit()
    click.echo(f"Recounted: {rows} counters.")


sanctions_cli = click.Group("sanctions", help="Sanctions against sponsors.")


@sanctions_cli.command("lift-expired")
@with_appcontext
def lift_expired() -> None:
    """Record the end of every suspension whose last day has passed, with its letter.

    Not needed for the rules to work (every check uses dates); it keeps the records and the
    organisations' letters up to date. Safe to run daily and again."""
    from portal.oversight import sanctions

    ended = sanctions.lift_expired()
    db.session.commit()
    click.echo(f"Recorded the end of {len(ended)} suspension(s).")


reminders_cli = click.Group("reminders", help="Reminder letters to sponsors.")


@reminders_cli.command("send")
@with_appcontext
def send_reminders() -> None:
    """Issue the extension reminders and overdue-report reminders that are due.

    Run daily. Safe to run again: each reminder goes out once per permit."""
    from portal.duties import reminders

    sent = reminders.send_due()
    db.session.commit()
    extension = sum(1 for r in sent if r.kind.value == "extension_reminder")
    click.echo(
        f"Sent {extension} extension reminder(s) and {len(sent) - extension} "
        "overdue-report reminder(s)."
    )


todo_cli = click.Group("todo", help="The to-do list and its e-mail digest.")


@todo_cli.command("digest")
@with_appcontext
def send_digest() -> None:
    """Send today's digest of to-do items coming due to everyone who gets notices.

    Run daily (cron: `0 7 * * * flask todo digest`). Safe to run again the same day: each
    address gets at most one digest per organisation and day."""
    from portal.jobs.schedule import todo_digest

    sent, bounced = todo_digest()
    click.echo(f"Sent {sent} digest(s); {bounced} address(es) bounced.")


notices_cli = click.Group("notices", help="E-mail notices.")


@notices_cli.command("bounce")
@click.argument("address")
@click.option("--reason", default="bounced", show_default=True, help="The bounce's reason.")
@with_appcontext
def record_bounce(address: str, reason: str) -> None:
    """Mark an address whose mail came back (for the mail system's bounce handler)."""
    from portal.notices import bounces

    bounces.record(address, reason)
    click.echo(f"Marked {bounces.normalise(address)} as bouncing.")


fees_cli = click.Group("fees", help="Fees: reminders, and a sample bank statement for the demo.")


@fees_cli.command("sample-statement")
@click.argument("path", type=click.Path(dir_okay=False, writable=True), default="statement.xml")
@with_appcontext
def sample_statement(path: str) -> None:
    """Write a camt.053 statement paying every open fee, to import in the back office."""
    from portal.fees import sample

    count = len(sample.open_fees())
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(sample.sample_statement())
    click.echo(f"Wrote {path}: {count} transfer(s) paying the open fees.")


@fees_cli.command("send-reminders")
@with_appcontext
def send_fee_reminders() -> None:
    """Remind each fee not paid within its term, once (run daily)."""
    from portal.fees import reminders

    sent = reminders.send_reminders()
    db.session.commit()
    click.echo(f"{sent} fee reminder(s) sent.")


batches_cli = click.Group("batches", help="Student registration batches sent over the API.")


@batches_cli.command("work")
@with_appcontext
def work_batches() -> None:
    """Check and store every queued API batch, then stop.

    Without REDIS_URL this is how batches run: from cron every minute (`* * * * * flask
    batches work`) or a supervisor loop. Two at once do no harm: each batch is claimed once."""
    from portal.api import batches

    click.echo(f"Ran {batches.work()} batch(es).")
