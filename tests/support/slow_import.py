"""`python -m tests.support.slow_import flask jobs work` (or `… rq worker …`): the command, with
each chunk of a student import slowed down by SLOW_CHUNK_SECONDS and the process killing itself
(SIGKILL) as it is about to store chunk DIE_AT_CHUNK — a worker that dies in the middle of an
import, with the chunks before it committed, whatever the machine's load. Test-only: the worker
started again afterwards is the real command."""

import os
import signal
import sys
import time

from portal.bulk import storing

_store_chunk = storing.store_chunk
_stored = 0


def _store_or_die(*args, **kwargs):
    global _stored
    _stored += 1
    if _stored == int(os.environ.get("DIE_AT_CHUNK", "0")):
        os.kill(os.getpid(), signal.SIGKILL)  # RQ: its work horse, the process running the job
    time.sleep(float(os.environ.get("SLOW_CHUNK_SECONDS", "0.3")))
    return _store_chunk(*args, **kwargs)


# An API batch stores chunk by chunk as it checks them (portal/bulk/one_pass.py).
storing.store_chunk = _store_or_die

if __name__ == "__main__":
    program, *arguments = sys.argv[1:]
    sys.argv = [program, *arguments]
    if program == "flask":
        from flask.cli import main
    else:
        from rq.cli import main
    main()
