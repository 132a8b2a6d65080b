"""Removal of API keys from URLs and log lines.

LeadSquared's recommended setup puts the key in the query string (``x_api_key=ck_…``), so
every place that stores or prints a request URL passes it through ``redact_url`` first.
"""
import logging
import re

# A query parameter that carries a key, as it appears in a URL or a request line.
_KEY_PARAMETER = re.compile(r"(?i)((?:^|[?&\s;])(?:x_api_key|x-api-key|api_key|apikey)=)[^&\s\"']*")
# A bare product key anywhere in a message, for keys that reach a log some other way.
_BARE_KEY = re.compile(r"\bck_[A-Za-z0-9_-]{8,}")

REDACTED = "[redacted]"


def redact_url(text: str) -> str:
    """Return ``text`` with every API key value replaced by ``[redacted]``."""
    if not text:
        return text
    text = _KEY_PARAMETER.sub(lambda match: match.group(1) + REDACTED, text)
    return _BARE_KEY.sub(REDACTED, text)


class RedactKeysFilter(logging.Filter):
    """Logging filter that removes API keys from the message and its arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact_url(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        return True
