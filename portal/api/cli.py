"""`flask webhooks deliver`: send the webhook deliveries that are due (issue 18).

Without a queue (REDIS_URL unset) this is how webhooks go out: run it from cron every minute
(`* * * * * flask webhooks deliver`). With a queue it picks up whatever the queue missed."""

import click
from flask.cli import with_appcontext

webhooks_cli = click.Group("webhooks", help="Webhook deliveries of API clients.")


@webhooks_cli.command("deliver")
@with_appcontext
def deliver() -> None:
    """Attempt every delivery that is due; failed ones wait for their next attempt."""
    from portal.api import delivery

    attempted = delivery.deliver_due()
    click.echo(f"Attempted {attempted} webhook delivery(ies).")
