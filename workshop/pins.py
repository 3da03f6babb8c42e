"""A turn-taker's PIN: what lets someone who drafted at the shared screen, and nobody else (the
facilitator included), open their draft there again before the reveal.

Kept as a salted, slow hash: the database never holds a PIN anyone could read back."""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets

PIN_DIGITS = (4, 8)
# Wrong PINs in a row after which the draft stays covered until the reveal: four digits are
# ten thousand PINs, so trying them one by one never gets there.
MAX_MISSES = 10
_ROUNDS = 60_000
_PIN = re.compile(rf"[0-9]{{{PIN_DIGITS[0]},{PIN_DIGITS[1]}}}")


def pin_problem(pin: str) -> str | None:
    """Why `pin` cannot be a PIN, or None."""
    if not _PIN.fullmatch(pin or ""):
        return f"A PIN is {PIN_DIGITS[0]} to {PIN_DIGITS[1]} digits, nothing else."
    return None


def hashed(pin: str) -> str:
    salt = secrets.token_hex(16)
    return f"pbkdf2-sha256${_ROUNDS}${salt}${_digest(pin, salt, _ROUNDS)}"


def matches(pin: str | None, stored: str | None) -> bool:
    """Whether `pin` is the one `stored` was made from; a stored value in any other shape
    (a hand-edited row) matches nothing."""
    if not pin or not stored:
        return False
    parts = stored.split("$")
    if len(parts) != 4 or parts[0] != "pbkdf2-sha256" or not parts[1].isdigit() \
            or not 1_000 <= int(parts[1]) <= 1_000_000:
        return False
    return hmac.compare_digest(_digest(pin, parts[2], int(parts[1])), parts[3])


def _digest(pin: str, salt: str, rounds: int) -> str:
    return hashlib.pbkdf2_hmac("sha256", pin.encode(), salt.encode(), rounds).hex()
