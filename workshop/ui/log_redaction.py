"""Keys never reach a log: every log record of the server process is cleaned of anything shaped
like a key, a join link's or wall link's secret (256-bit URL-safe tokens) or a join code, before
any handler sees it.

Turned on by app.py. It matters as soon as someone runs the server with verbose logging: at
DEBUG, SQLAlchemy logs every row it reads and every statement's parameters, keys included.
"""
from __future__ import annotations

import logging
import re

from workshop import store

REDACTED = "[redacted]"
# store.new_token(): secrets.token_urlsafe(32), 43 characters of A-Z a-z 0-9 - _
_TOKEN = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])")
_CODE_CHAR = f"[{re.escape(store.CODE_ALPHABET)}]"
_HALF = store.CODE_LENGTH // 2
_JOIN_CODE = re.compile(rf"(?<![A-Za-z0-9]){_CODE_CHAR}{{{_HALF}}}-{_CODE_CHAR}{{{_HALF}}}"
                        r"(?![A-Za-z0-9])")


def redact(text: str) -> str:
    return _JOIN_CODE.sub(REDACTED, _TOKEN.sub(REDACTED, text))


def install() -> None:
    """Clean every log record from now on, whichever logger and handler (idempotent)."""
    make = logging.getLogRecordFactory()
    if getattr(make, "redacts_keys", False):
        return

    def clean_record(*args, **kwargs) -> logging.LogRecord:
        record = make(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is logging's to report, not ours
            return record
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
            trace = logging.Formatter().formatException(record.exc_info)
            if redact(trace) != trace:
                record.exc_text = redact(trace)
        return record

    clean_record.redacts_keys = True
    logging.setLogRecordFactory(clean_record)
