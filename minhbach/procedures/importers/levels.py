"""Cấp thực hiện: the levels of government that carry out a procedure (DOMAIN.md §4.2).

The national database lists them comma-separated ("Cấp bộ, Cấp tỉnh, Cấp xã"); "Cấp huyện"
appears in records announced before 1/7/2025, when the district level was abolished. An
unknown label is reported, never mapped to the nearest known one.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from minhbach.core.text import fold
from minhbach.procedures.importers.common import one_line
from minhbach.procedures.models import Level

# Keys are folded (diacritic-free, lower case), so "Cấp Tỉnh" and "cấp tỉnh" read the same.
LEVEL_BY_LABEL = {
    "cap bo": Level.MINISTRY,
    "cap tinh": Level.PROVINCE,
    "cap huyen": Level.DISTRICT,
    "cap xa": Level.COMMUNE,
    "co quan khac": Level.OTHER,
}


def parse_levels(text: str) -> tuple[list[str], list[str]]:
    """``"Cấp bộ, Cấp tỉnh"`` → (["ministry", "province"], notes); order of the source, no repeats."""
    levels: list[str] = []
    notes: list[str] = []
    for label in one_line(text).split(","):
        label = label.strip(" .;")
        if not label:
            continue
        level = LEVEL_BY_LABEL.get(fold(label))
        if level is None:
            notes.append(_("cấp thực hiện “%(label)s” không có trong danh mục") % {"label": label})
        elif level not in levels:
            levels.append(level)
    return levels, notes
