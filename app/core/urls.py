"""Links that leave the application, in e-mails: built from BASE_URL, never from the request.

`url_for(..., _external=True)` takes the host from the request's Host header, which the
client chooses: a reset requested with `Host: evil.example` would mail a link to that host.
"""
from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values) -> str:
    """The absolute URL of `endpoint` under BASE_URL (its path prefix included), with or
    without a request."""
    base = urlsplit(current_app.config["BASE_URL"])
    urls = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    current_app.inject_url_defaults(endpoint, values)
    return urls.build(endpoint, values, force_external=True)
