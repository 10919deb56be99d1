"""Public addresses of a dossier: what the receipt's QR code opens.

The QR carries the dossier code and a signed token, so that scanning the receipt opens the
dossier's public status without typing the last digits of the phone number, while a code alone
(guessable: agency, date, sequence) never does (DOMAIN.md §5.4 Mẫu 01; TT 01/2018 Điều 19 k2).
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing

SALT = "minhbach.dossiers.lookup"


def lookup_token(code: str) -> str:
    return signing.Signer(salt=SALT).sign(code).split(":", 1)[1]


def token_matches(code: str, token: str) -> bool:
    try:
        return signing.Signer(salt=SALT).unsign(f"{code}:{token}") == code
    except signing.BadSignature:
        return False


LOOKUP_PATH = "/ho-so/tra-cuu/{code}/"  # the route ``dossiers-public:lookup-code`` must match it


def lookup_url(code: str) -> str:
    """Absolute URL printed as the receipt's QR code (stable: receipts outlive deployments)."""
    return f"{settings.PUBLIC_BASE_URL}{LOOKUP_PATH.format(code=code)}?t={lookup_token(code)}"
