"""User-facing words, Chinese first, English second.

- :func:`t` -- the text of a message key in a language, with ``{placeholders}`` filled.
- :func:`label` -- the label of a domain code (an enum value, a category, a layer).
- :data:`LANGUAGES`, :data:`DEFAULT_LANGUAGE` -- the languages offered.

Every string a user sees is looked up here; code and stored data use English codes.
The words live in one module per area (:mod:`gridmap.i18n.frame`, ``.command``,
``.access``, ``.uploads``, ``.io``, ``.check``, ``.codes``, ``.maps``, ``.workflow``, the
planner's ``.plan_*``, ``.photos``), each a ``TEXTS``
table that writes a key once as ``key: (Chinese, English)``; a new page adds its
words in one module of its own and lists it in :data:`AREAS`.
Domain codes are keyed ``<kind>.<code>`` (``issue_status.reported``); the kinds are
listed in :data:`LABEL_KINDS`, each tied to the enum or table in :mod:`gridmap.domain`
it labels, so a test can check that no code is left without a label.

Example::

    t("overview.title", "en")                 # 'Overview'
    label("level", "micro")                   # '微网格'
    label(IssueStatus.RESOLVED, lang="en")    # 'Resolved'
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from types import ModuleType
from typing import Any

from gridmap import domain
from gridmap.i18n import (
    access,
    check,
    codes,
    command,
    frame,
    hotspots,
    io,
    maps,
    photos,
    plan_checks,
    plan_edit,
    plan_page,
    plan_partition,
    plan_versions,
    uploads,
    workflow,
)

LANGUAGES: tuple[str, ...] = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
LANGUAGE_NAMES: dict[str, str] = {"zh": "中文", "en": "English"}

# The code sets labelled here, by kind. A kind's keys are ``<kind>.<code>``.
LABEL_KINDS: dict[str, tuple[str, ...]] = {
    "level": tuple(domain.Level),
    "risk": tuple(domain.RiskColour),
    "risk_meaning": tuple(domain.RiskColour),
    "station": tuple(domain.StationType),
    "hazard": tuple(domain.HazardType),
    "place": tuple(domain.PlaceType),
    "severity": tuple(domain.Severity),
    "hazard_status": tuple(domain.HazardStatus),
    "issue_status": tuple(domain.IssueStatus),
    "category": tuple(domain.CATEGORIES),
    "department": domain.DEPARTMENTS,
    "channel": tuple(domain.Channel),
    "layer": tuple(domain.LAYERS),
    "role": tuple(domain.Role),
}

# Which kind labels the members of each enum, for ``label(SomeEnum.MEMBER)``.
_ENUM_KINDS: dict[type[enum.Enum], str] = {
    domain.Level: "level",
    domain.RiskColour: "risk",
    domain.StationType: "station",
    domain.HazardType: "hazard",
    domain.PlaceType: "place",
    domain.Severity: "severity",
    domain.HazardStatus: "hazard_status",
    domain.IssueStatus: "issue_status",
    domain.Channel: "channel",
    domain.Role: "role",
}

# The area modules, each a ``TEXTS`` table of ``key: (zh, en)``.
AREAS: tuple[ModuleType, ...] = (frame, command, access, uploads, io, check, codes, maps, workflow,
                                 plan_edit, plan_checks, plan_versions, plan_partition, plan_page, photos)
AREAS += (hotspots,)  # the hot-spot statistics (issue 11)


def _merge(areas: Iterable[ModuleType]) -> tuple[dict[str, str], dict[str, str]]:
    """The Chinese and English tables of all areas; a key defined twice is an error."""
    zh: dict[str, str] = {}
    en: dict[str, str] = {}
    owner: dict[str, str] = {}
    for area in areas:
        for key, (zh_text, en_text) in area.TEXTS.items():
            if key in owner:
                raise ValueError(f"i18n key {key!r} is defined in both {owner[key]} and {area.__name__}")
            owner[key] = area.__name__
            zh[key] = zh_text
            en[key] = en_text
    return zh, en


_ZH, _EN = _merge(AREAS)
MESSAGES: dict[str, Mapping[str, str]] = {"zh": _ZH, "en": _EN}


def normalise_language(lang: str | None) -> str:
    """A supported language code for ``lang``: ``zh-CN`` -> ``zh``; unknown -> default."""
    if not lang:
        return DEFAULT_LANGUAGE
    short = lang.split("-")[0].split("_")[0].lower()
    return short if short in MESSAGES else DEFAULT_LANGUAGE


def t(key: str, lang: str | None = DEFAULT_LANGUAGE, /, **values: Any) -> str:
    """The text of ``key`` in ``lang``, with ``{name}`` placeholders filled from ``values``.

    A key missing in ``lang`` falls back to Chinese (tests keep English complete).

    Args:
        key: A message key such as ``"overview.title"``.
        lang: ``"zh"`` (default) or ``"en"``; regional forms like ``"zh-CN"`` are accepted.
        **values: Values for the placeholders in the message.

    Returns:
        The message text.

    Raises:
        KeyError: ``key`` is not a known message key in any language (a programming error).
    """
    text = MESSAGES[normalise_language(lang)].get(key)
    if text is None:
        text = _ZH.get(key)
    if text is None:
        raise KeyError(f"unknown i18n key {key!r}; add it to the area module of gridmap/i18n/")
    return text.format(**values) if values else text


def label(kind_or_value: str | enum.Enum, code: str | None = None, lang: str | None = DEFAULT_LANGUAGE) -> str:
    """The label of a domain code.

    Either ``label("issue_status", "reported", lang)`` with a kind from
    :data:`LABEL_KINDS`, or ``label(IssueStatus.REPORTED, lang=lang)`` with an enum
    member of :mod:`gridmap.domain`. An unknown code is returned unchanged, so data
    imported with a new code still shows something readable.

    Args:
        kind_or_value: A kind name, or an enum member (then leave ``code`` out).
        code: The code to label, when ``kind_or_value`` is a kind name.
        lang: The language.

    Returns:
        The label, or the code itself when it has none.

    Raises:
        ValueError: The kind, or the enum type, is not one this module labels.
    """
    if isinstance(kind_or_value, enum.Enum):
        kind = _ENUM_KINDS.get(type(kind_or_value))
        if kind is None:
            raise ValueError(f"no labels for {type(kind_or_value).__name__}; known: "
                             f"{', '.join(cls.__name__ for cls in _ENUM_KINDS)}")
        code = str(kind_or_value.value)
    else:
        kind = kind_or_value
        if kind not in LABEL_KINDS:
            raise ValueError(f"unknown label kind {kind!r}; known kinds: {', '.join(LABEL_KINDS)}")
        if code is None:
            raise ValueError(f"label({kind!r}) needs a code")
    key = f"{kind}.{code}"
    if key in _ZH:
        return t(key, lang)
    return str(code)


def labels(kind: str, lang: str | None = DEFAULT_LANGUAGE, codes: Iterable[str] | None = None) -> dict[str, str]:
    """Code -> label for every code of ``kind`` (or for ``codes``), in domain order.

    Handy for ``st.selectbox(..., format_func=labels(...).get)``.
    """
    if kind not in LABEL_KINDS:
        raise ValueError(f"unknown label kind {kind!r}; known kinds: {', '.join(LABEL_KINDS)}")
    return {str(c): label(kind, str(c), lang) for c in (codes if codes is not None else LABEL_KINDS[kind])}


def keys(lang: str = DEFAULT_LANGUAGE) -> frozenset[str]:
    """Every message key defined for ``lang``."""
    return frozenset(MESSAGES[normalise_language(lang)])


__all__ = [
    "AREAS",
    "DEFAULT_LANGUAGE",
    "LABEL_KINDS",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "MESSAGES",
    "keys",
    "label",
    "labels",
    "normalise_language",
    "t",
]
