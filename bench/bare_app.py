"""The ceiling for bench/web.py: a bare Flask route under the same gunicorn as the portal."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def ok():
    return "ok"
