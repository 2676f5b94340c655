"""`python -m tests.support.slow_import flask jobs work` (or `… rq worker …`): the command, with
each chunk of a student import slowed down by SLOW_CHUNK_SECONDS, so that the fault test can
kill the worker in the middle of storing whatever the machine's load. Test-only: the worker
started again afterwards is the real command."""

import os
import sys
import time

from portal.people import register

_create_people = register.create_people


def _slowly(*args, **kwargs):
    time.sleep(float(os.environ.get("SLOW_CHUNK_SECONDS", "0.3")))
    return _create_people(*args, **kwargs)


register.create_people = _slowly

if __name__ == "__main__":
    program, *arguments = sys.argv[1:]
    sys.argv = [program, *arguments]
    if program == "flask":
        from flask.cli import main
    else:
        from rq.cli import main
    main()
