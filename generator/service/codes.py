"""Access codes: unguessable, easy to type, stored only as a keyed hash.

A code is 8 characters from 32 that cannot be confused (no 0/O, 1/I): 40 bits from
``secrets``. Server-side lockout allows a handful of tries per 工号 and per address, so guessing
online is hopeless. The database keeps ``HMAC-SHA256(EXAM_CODE_KEY, exam id, 工号, code)``
(a key of its own, not Django's SECRET_KEY, which may be rotated): a
copied database or backup does not reveal a code without the key file, and checking a code
costs microseconds, so 1,000 people logging in at 8:00 do not queue behind a deliberately slow
password hash (Django's PBKDF2, right for trainers' chosen passwords, spends ~0.5 s per check).
"""

from __future__ import annotations

import hmac
import re
import secrets

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 8
_SALT = "qinglian.exam.access-code"


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def shown(code: str) -> str:
    """ABCD EFGH: two groups of four, as printed on the slip."""
    return f"{code[:4]} {code[4:]}"


def normalise(typed: str) -> str:
    """What a person types (spaces, dashes, lower case, full-width) → the code's characters."""
    text = "".join(chr(ord(c) - 0xFEE0) if "！" <= c <= "～" else c for c in str(typed))
    return re.sub(r"[^0-9A-Z]", "", text.upper())


def code_hash(exam_id: str, staff_id: str, code: str) -> str:
    from django.conf import settings
    from django.utils.crypto import salted_hmac

    return salted_hmac(
        _SALT,
        f"{exam_id}\0{staff_id}\0{code}",
        secret=settings.EXAM_CODE_KEY,
        algorithm="sha256",
    ).hexdigest()


def matches(stored: str, exam_id: str, staff_id: str, typed: str) -> bool:
    return hmac.compare_digest(stored, code_hash(exam_id, staff_id, normalise(typed)))


def normalise_id(typed: object) -> str:
    """A typed 工号: folded (full-width digits → ASCII) and trimmed, as the roster reader does."""
    from ..model.answers import fold

    return fold(typed) if isinstance(typed, str | int) else ""
