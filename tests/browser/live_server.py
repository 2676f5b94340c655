"""A live portal for the browser tests: a fresh migrated database with demo data (and the
long values of tests/browser/long_values.py), on 127.0.0.1.

Run as a subprocess (`python -m tests.browser.live_server`) so that it shares no state with the
test process (the suite swaps `db.session` for its rolled-back transaction). TEST_DATABASE_URL
names the throwaway database; the port is printed as the first line of stdout.
"""

import contextlib
import os
import sys
import threading

from flask_migrate import upgrade
from werkzeug.serving import make_server

from portal import create_app
from portal.extensions import db
from portal.setup import MIGRATIONS_DIR
from tests.browser import long_values, work_permit_data


def main() -> None:
    app = create_app("test")  # TESTING, StrictUndefined in templates, no sign-in rate limit
    # The first line of stdout is the port; e-mail printed while the data is made goes to stderr.
    with app.app_context(), contextlib.redirect_stdout(sys.stderr):
        upgrade(directory=str(MIGRATIONS_DIR))
        from portal.demo import load

        load()
        long_values.add()  # 200-character names, long e-mail addresses, IBANs (issue 19)
        work_permit_data.add()  # a paid GVVA case for issue 22's journey
        db.session.commit()
        db.session.remove()
    # LIVE_SERVER_PORT: a fixed port, where the address must be known before the start (the
    # payment journey's PUBLIC_BASE_URL); else any free port.
    port = int(os.environ.get("LIVE_SERVER_PORT", "0"))
    server = make_server("127.0.0.1", port, app, threaded=True)
    print(server.server_port, flush=True)
    # Stop when the test process closes our stdin (or ends).
    threading.Thread(target=lambda: (sys.stdin.read(), server.shutdown()), daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
