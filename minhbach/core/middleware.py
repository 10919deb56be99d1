"""Language selection: Vietnamese unless the visitor chose otherwise.

Django's ``LocaleMiddleware`` follows the browser's ``Accept-Language``; many phones in Vietnam
run an English interface, and a commune's portal must still open in Vietnamese. Only an
explicit choice (the language cookie set by the switcher) changes the language.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
