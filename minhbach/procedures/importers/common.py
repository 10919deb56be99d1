"""Text helpers shared by the parsers of national procedure records.

The national database (*CSDL quốc gia về TTHC*) pages were crawled with their tables flattened
to text, with non-breaking spaces, stray tabs and decomposed accents. Every parser first runs
:func:`clean`, so that its regular expressions see one spelling of each word.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[ \t\u00a0\u2007\u202f\u200b]+")
_BLANK_LINES = re.compile(r"\s*\n\s*")

# What the portal prints in an empty cell. Compared after ``clean`` and case-folding.
NO_INFO = frozenset({"", "không có thông tin", "không có", "không", "--", "-"})


def clean(text: str | None) -> str:
    """NFC-normalised text with runs of spaces collapsed and line breaks kept (but trimmed)."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", str(text))
    text = _SPACES.sub(" ", text)
    return _BLANK_LINES.sub("\n", text).strip()


def one_line(text: str | None) -> str:
    """:func:`clean`, with line breaks turned into spaces (for names and labels)."""
    return clean(text).replace("\n", " ")


def is_no_info(text: str | None) -> bool:
    """True for the portal's ways of saying "nothing here" ("Không có thông tin", "--", …)."""
    return clean(text).rstrip(".").casefold() in NO_INFO


def or_empty(text: str | None) -> str:
    """The cleaned text, or "" when it only says that there is no information."""
    return "" if is_no_info(text) else clean(text)


class RecordError(Exception):
    """A record that must not be imported at all; the message (Vietnamese) goes in the report.

    Raised for input the importer must refuse rather than flag: a missing key field, an unknown
    field, an absurd value. The record is skipped and nothing of it is written.
    """


class AbsurdValue(RecordError):
    """A value that parses but cannot be true (a 100,000-day time limit, a negative fee)."""
