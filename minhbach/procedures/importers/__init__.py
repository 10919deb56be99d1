"""Importers of procedure records from outside sources.

``national`` reads the national procedure database's JSON records; the parsers of its
flattened tables live in their own small modules (``channels``, ``timelimits``, ``fees``,
``documents``, ``results``, ``legal``, ``levels``, ``subjects``, ``decisions``), each with the
rules it applies and why. The decisions and the measured parse rates are in
``docs/adr/0005-procedure-import.md``.
"""

from minhbach.procedures.importers.national import ImportReport, ReportLine, import_paths, record_to_data

__all__ = ["ImportReport", "ReportLine", "import_paths", "record_to_data"]
