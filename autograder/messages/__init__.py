"""Student- and TA-facing text, in Spanish (the course's language) and English.

Assignment-specific diagnoses live with their checks in ``reference/<assignment>/``; this
catalogue holds the generic ones every check can produce and the report wording. Text is
rendered only here, for a language the caller resolved once: :func:`text` for catalogue
entries, :meth:`Text.get` for text written in place (a case label, a mistake).
"""

from __future__ import annotations

from dataclasses import dataclass

from autograder.messages.catalogue import GRADING
from autograder.messages.catalogue import TITLES as _TITLES
from autograder.messages.reporting import REPORTING

LANGUAGES = ("es", "en")


def check_language(lang: str) -> str:
    """``lang`` itself when it is one of :data:`LANGUAGES`; raises ValueError otherwise."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: messages.LANGUAGES has {', '.join(LANGUAGES)}")
    return lang


@dataclass(frozen=True)
class Text:
    """A piece of student-facing text written in every language of :data:`LANGUAGES`."""

    es: str
    """Spanish, the course's language."""
    en: str
    """English."""

    def get(self, lang: str) -> str:
        """The text in ``lang``; raises ValueError for a language not in :data:`LANGUAGES`."""
        return {"es": self.es, "en": self.en}[check_language(lang)]


def localize(value: str | Text, lang: str) -> str:
    """``value`` in ``lang`` when it is a :class:`Text`; a plain string is the same in every language."""
    return value.get(lang) if isinstance(value, Text) else value


_CATALOGUE: dict[str, dict[str, str]] = {**GRADING, **REPORTING}
# Short names of the generic diagnoses, for tables (named mistakes use their own message).
TITLES: dict[str, Text] = {key: Text(**value) for key, value in _TITLES.items()}


def text(key: str, lang: str, **fields: object) -> str:
    """The catalogue entry ``key`` in ``lang`` with its fields filled in; raises KeyError for an
    unknown key and ValueError for a language not in :data:`LANGUAGES`."""
    return _CATALOGUE[key][check_language(lang)].format(**fields)
