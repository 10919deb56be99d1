"""Đối tượng thực hiện: who may apply ("Công dân Việt Nam, Người nước ngoài, Doanh nghiệp").

The list is comma-separated, but some subjects contain commas themselves:
"Tổ chức (không bao gồm doanh nghiệp, HTX)" and "Cán bộ, công chức, viên chức". So commas
inside brackets do not split, and a part that starts in lower case continues the previous one
(every subject in the national list starts with a capital).
"""

from __future__ import annotations

from minhbach.procedures.importers.common import is_no_info, one_line


def parse_subjects(text: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    current = ""
    for ch in one_line(text):
        depth += (ch == "(") - (ch == ")")
        if ch == "," and depth <= 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    subjects: list[str] = []
    for part in (p.strip(" .;") for p in parts):
        if not part or is_no_info(part):
            continue
        if subjects and part[0].islower():
            subjects[-1] = f"{subjects[-1]}, {part}"
        elif part not in subjects:
            subjects.append(part)
    return subjects
