"""The one rule for a web address that the product keeps as a link: every content reader and the
channel catalogue apply it."""

from __future__ import annotations

from urllib.parse import urlsplit


def web_url(url: str) -> str:
    """``url`` when it is a complete http(s) address, else "": every reader keeps an entry's
    address by this rule (a ``javascript:`` or ``data:`` address must never be served as a link).
    A broken "[IPv6]" host, which urllib refuses with an error, is no address either."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.netloc or any(ch.isspace() for ch in url):
        return ""
    return url
