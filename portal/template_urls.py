"""`url_for` in templates, remembered for the links that are the same on every request (issue 20).

The layout builds some twenty links per page (navigation, footer, language links, stylesheets
and scripts), and building one walks Werkzeug's URL map. A link with no arguments, or a static
file's, is the same for every request to the same mount point (the script root), so each app
keeps it after building it once. Links with other arguments (an id, `next=`, `_external`) are
built every time, as is any link outside a request.
"""

from flask import Flask, has_request_context, request


def init_app(app: Flask) -> None:
    build = app.url_for
    built: dict[tuple, str] = {}

    def url_for(endpoint: str, **values) -> str:
        if (values and (endpoint != "static" or len(values) != 1 or "filename" not in values)) or (
            not has_request_context()
        ):
            return build(endpoint, **values)
        key = (request.script_root, endpoint, values.get("filename"))
        url = built.get(key)
        if url is None:
            url = built[key] = build(endpoint, **values)
        return url

    app.jinja_env.globals["url_for"] = url_for
