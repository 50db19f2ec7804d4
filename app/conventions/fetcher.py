"""The only resources WeasyPrint may load: the application's own static files, read from disk.

A convention is printed from data that users typed (names, titles, amounts). Autoescape keeps
that data as text; this fetcher is the second lock: whatever URL reaches WeasyPrint (a template
mistake, an `<img>` or `@import` slipped through), it answers only for files under the static
folder, addressed as `jalons-static:///css/x.css`. No http(s), no file://, no data: URI, so a
PDF can neither call the network (SSRF) nor embed a file of the server.
"""
import mimetypes
import os
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse
from werkzeug.security import safe_join

SCHEME = "jalons-static"

CONTENT_TYPES = {".css": "text/css", ".woff2": "font/woff2", ".woff": "font/woff"}


def static_url(path: str) -> str:
    """`css/x.css` → `jalons-static:///css/x.css`, the address the fetcher answers."""
    return f"{SCHEME}:///{path.lstrip('/')}"


class FetchRefused(ValueError):
    """WeasyPrint asked for something else than a static file of the application."""


class StaticOnlyFetcher(URLFetcher):
    """Serves `jalons-static:///<path>` from `static_folder`; refuses every other URL.

    `served` and `refused` list the URLs asked, for the log and the tests.
    """

    def __init__(self, static_folder: str):
        super().__init__(allowed_protocols=(SCHEME,), allow_redirects=False)
        self.root = os.path.realpath(static_folder)
        self.served: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        try:
            path = self._resolve(url)
        except FetchRefused:
            self.refused.append(url)
            raise
        with open(path, "rb") as handle:
            body = handle.read()
        self.served.append(url)
        extension = os.path.splitext(path)[1].lower()
        content_type = CONTENT_TYPES.get(extension) or (
            mimetypes.guess_type(path)[0] or "application/octet-stream"
        )
        return URLFetcherResponse(url, body, {"Content-Type": content_type})

    def _resolve(self, url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme.lower() != SCHEME or parts.netloc or parts.query or parts.fragment:
            raise FetchRefused(f"Ressource refusée dans un PDF\u00a0: {url[:200]}")
        relative = unquote(parts.path).lstrip("/")
        joined = safe_join(self.root, relative) if relative else None
        # safe_join stops "..", realpath stops a symbolic link that leads out of the folder.
        real = os.path.realpath(joined) if joined else None
        if real is None or os.path.commonpath([real, self.root]) != self.root or not os.path.isfile(real):
            raise FetchRefused(f"Ressource refusée dans un PDF\u00a0: {url[:200]}")
        return real
