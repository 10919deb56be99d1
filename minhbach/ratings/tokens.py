"""Single-use rating tokens printed in the receipt's QR code (DOMAIN.md §7.4).

Same approach as ``dossiers.links``: a ``django.core.signing`` signature of the dossier code with
its own salt, so a lookup token never rates and a rating token never opens the lookup. The token
alone proves nothing about a person; that it was spent is recorded in ``RatingTokenUse``.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core import signing

SALT = "minhbach.ratings"
RATING_PATH = "/danh-gia/{code}/"  # the route ``ratings:rate`` must match it (printed on receipts)


def rating_token(code: str) -> str:
    return signing.Signer(salt=SALT).sign(code).split(":", 1)[1]


def token_matches(code: str, token: str) -> bool:
    if not token:
        return False
    try:
        return signing.Signer(salt=SALT).unsign(f"{code}:{token}") == code
    except signing.BadSignature:
        return False


def digest(token: str) -> str:
    return hashlib.sha256(f"{SALT}:{token}".encode()).hexdigest()


def rating_url(code: str) -> str:
    """Absolute URL for the receipt's rating QR (stable: receipts outlive deployments)."""
    return f"{settings.PUBLIC_BASE_URL}{RATING_PATH.format(code=code)}?t={rating_token(code)}"
