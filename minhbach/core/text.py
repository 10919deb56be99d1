"""Vietnamese text helpers shared by search and imports."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, diacritic-free, single-spaced form of ``text`` for searching.

    Citizens type on phones without diacritics ("dang ky khai sinh"); "đ" is a letter of its
    own in Unicode, not a "d" with a mark, so it is mapped explicitly.
    """
    if not text:
        return ""
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    cleaned = re.sub(r"[^\w]+", " ", stripped.lower())
    return _SPACES.sub(" ", cleaned).strip()
