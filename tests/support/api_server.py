"""A live portal for the example API client's test (`python -m tests.support.api_server`): a
fresh migrated database (TEST_DATABASE_URL), a recognised university with an API client, and
`flask batches work`'s function run every half second beside the server, as cron runs it.
The first line of stdout is JSON: the port, the KvK number, the client id and secret."""

import contextlib
import json
import sys
import threading
import time

from flask_migrate import upgrade
from werkzeug.serving import make_server

from portal import create_app
from portal.api import batches, clients
from portal.api.scopes import Scope
from portal.extensions import db
from portal.setup import MIGRATIONS_DIR
from tests.support.student_import import university


def _worker(app, stop: threading.Event) -> None:
    while not stop.is_set():
        with app.app_context():
            batches.work()
            db.session.remove()
        time.sleep(0.5)


def main() -> None:
    app = create_app("test")
    with app.app_context(), contextlib.redirect_stdout(sys.stderr):
        upgrade(directory=str(MIGRATIONS_DIR))
        user, org = university()
        scopes = [Scope.PEOPLE_READ, Scope.PEOPLE_WRITE]
        client, secret = clients.register(org, "Example client", scopes, [], user)
        db.session.commit()
        found = {"kvk": org.kvk_number, "client_id": client.client_id, "secret": secret}
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print(json.dumps({"port": server.server_port, **found}), flush=True)
    stop = threading.Event()
    threading.Thread(target=_worker, args=(app, stop), daemon=True).start()
    # Stop when the test process closes our stdin (or ends).
    threading.Thread(
        target=lambda: (sys.stdin.read(), stop.set(), server.shutdown()), daemon=True
    ).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
