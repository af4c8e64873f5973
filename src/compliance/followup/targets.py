"""Notification targets as they may be shown: an Apprise URL without its secrets.

Apprise URLs carry credentials in every part: ``mailto://user:password@host``, a Telegram bot
token as the "host" (``tgram://123456:AAE…/chat``), webhook tokens in the path
(``discord://id/token``, ``json://host/hook?token=…``). Printed or logged, only the scheme, a
real host name (one with a dot, an IP address or localhost) with its port, and the first few
characters of anything else are shown.
"""

from __future__ import annotations

import re

SHOWN = 3  # characters kept of a part that may be a token
_HOST = re.compile(
    r"^(localhost|\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]|([A-Za-z0-9-]+\.)+[A-Za-z]{2,})"
    r"(:\d{1,5})?$"
)


def _hint(text: str) -> str:
    return text[:SHOWN] + "…" if text else ""


def mask_url(url: str) -> str:
    """``scheme://`` + the host when it is a host + ``…`` for the rest; never a credential."""
    scheme, separator, rest = url.partition("://")
    if not separator:
        return _hint(url)
    authority, _slash, path = rest.partition("/")
    authority, _mark, query = authority.partition("?")
    _userinfo, at, host = authority.rpartition("@")
    shown = host if _HOST.match(host) else _hint(host)
    masked = f"{scheme}://" + ("***@" if at else "") + shown
    if path or query:
        masked += "/…"
    return masked


def mask_secrets(text: str, url: str) -> str:
    """``text`` (an error message, a log line) with ``url`` and its parts replaced by its mask."""
    masked = mask_url(url)
    text = text.replace(url, masked)
    _scheme, _sep, rest = url.partition("://")
    for part in re.split(r"[/:@?&=#]+", rest):
        if len(part) > SHOWN and not _HOST.match(part):
            text = text.replace(part, _hint(part))
    return text
