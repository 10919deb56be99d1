"""The committed ``openapi.yaml`` is what the code generates (drift check).

Regenerate after changing an endpoint, a serializer or a filter:

    DJANGO_DEBUG=1 .venv/bin/python manage.py spectacular --file openapi.yaml
"""

from __future__ import annotations

import difflib

from django.conf import settings
from django.utils import translation
from drf_spectacular.renderers import OpenApiYamlRenderer
from drf_spectacular.settings import spectacular_settings

REGENERATE = "DJANGO_DEBUG=1 .venv/bin/python manage.py spectacular --file openapi.yaml"


def generate() -> str:
    """The schema exactly as ``manage.py spectacular`` writes it (same generator, same renderer,
    the default language, which a management command runs in)."""
    generator = spectacular_settings.DEFAULT_GENERATOR_CLASS()
    with translation.override(settings.LANGUAGE_CODE):
        schema = generator.get_schema(request=None, public=True)
    return OpenApiYamlRenderer().render(schema, renderer_context={}).decode("utf-8")


def test_committed_schema_matches_the_code():
    committed_path = settings.BASE_DIR / "openapi.yaml"
    assert committed_path.is_file(), f"openapi.yaml is missing; generate it with: {REGENERATE}"
    committed = committed_path.read_text(encoding="utf-8")
    generated = generate()
    if generated != committed:
        diff = "".join(
            list(
                difflib.unified_diff(
                    committed.splitlines(keepends=True),
                    generated.splitlines(keepends=True),
                    "openapi.yaml (committed)",
                    "openapi.yaml (from the code)",
                )
            )[:60]
        )
        raise AssertionError(
            f"openapi.yaml is out of date. Regenerate and commit it:\n    {REGENERATE}\n\n{diff}"
        )


def test_public_endpoints_are_documented_without_authentication():
    text = generate()
    for path in ("/api/v1/public/procedures/:", "/api/v1/public/procedures/{code}/:"):
        assert path in text
    section = text[text.index("/api/v1/public/procedures/:") : text.index("/api/v1/public/schema/:")]
    assert "cookieAuth" not in section and "basicAuth" not in section
