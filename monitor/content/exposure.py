"""One page's or attachment's personal data as an observation: counts per kind and a few masked samples."""

from __future__ import annotations

from monitor.content.privacy import NameVocabulary, find_personal_data, summarise
from monitor.observations import PrivacyExposure

MAX_SAMPLES = 5


def exposure(url: str, document: str, title: str, text: str, names: NameVocabulary,
             found_on: str = "") -> PrivacyExposure | None:
    """The personal data `text` shows (None when it shows none); every number in it already masked."""
    data = find_personal_data(text, names)
    if not data:
        return None
    return PrivacyExposure(
        url=url, document=document, title=title, found_on=found_on,
        counts=tuple(sorted(summarise(data).items())),
        samples=tuple((d.kind, d.masked, d.snippet) for d in data[:MAX_SAMPLES]),
    )
