"""Ratings are deliberately not registered in the admin.

DOMAIN.md §7.4: nobody in the back office sees an individual rating or which dossier got it; the
admin would list exactly that. Aggregates are on ``/danh-gia/thong-ke/<agency>/``.
"""
