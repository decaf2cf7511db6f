"""What an import found: problems, repairs, the refusal, and the results handed back.

Every finding is an i18n message key with its values (:class:`Message`, the words in
:mod:`gridmap.i18n.io`), rendered in a language on demand. A :class:`Problem` adds
where it is: the feature (its 1-based number in the file, plus its code or id when it
has one), a unit code, or the whole file, e.g.
``第 12 个要素（330327100001）：面自相交，已修复（make_valid）`` /
``Feature 12 (330327100001): self-intersection, repaired (make_valid)``.

``str()`` of a refusal or a report gives each line in Chinese and then in English
(what the command line prints); ``text(lang)`` gives one language for a page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import geopandas as gpd
import pandas as pd

from gridmap.i18n import DEFAULT_LANGUAGE, LANGUAGES, normalise_language, t

Severity = Literal["error", "repaired"]

# How many problems (and repairs) a refusal or a report lists before "and N more".
SHOWN_PROBLEMS = 20
# How the items of a list value are joined in a message, per language.
_LIST_SEPARATOR = {"zh": "、", "en": ", "}


@dataclass(frozen=True)
class Message:
    """An i18n message key with its placeholder values; :meth:`text` renders it.

    A value may itself be a :class:`Message` (rendered in the same language) or a list
    or tuple of values (joined with ``、`` in Chinese and ``, `` in English).
    """

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def text(self, lang: str | None = DEFAULT_LANGUAGE) -> str:
        """The message in ``lang`` (``"zh"`` or ``"en"``)."""
        lang = normalise_language(lang)
        return t(self.key, lang, **{name: _render(value, lang) for name, value in self.params.items()})

    def __str__(self) -> str:
        return self.text(DEFAULT_LANGUAGE)


def message(key: str, **params: Any) -> Message:
    """``Message(key, params)`` written as a call: ``message("io.geom.empty")``."""
    return Message(key, params)


def _render(value: Any, lang: str) -> Any:
    if isinstance(value, Message):
        return value.text(lang)
    if isinstance(value, list | tuple):
        return _LIST_SEPARATOR[lang].join(str(_render(v, lang)) for v in value)
    return value


@dataclass(frozen=True)
class Problem:
    """One finding about an input file.

    Attributes:
        feature: the 1-based feature number in the file, a unit code (for nesting
            checks), or None when the problem concerns the whole file.
        field: the field (column) concerned, or None for the geometry or the file.
        detail: what is wrong (or what was repaired), as a message key and values.
        severity: ``"error"`` (the import is refused) or ``"repaired"`` (the data was
            changed safely, and the change is reported).
        ref: the feature's code or id, shown next to its number.
        located: False for a problem whose detail names the file itself (upload
            refusals): then no location words are put in front of it.
    """

    feature: int | str | None
    field: str | None
    detail: Message
    severity: Severity = "error"
    ref: str | None = None
    located: bool = True

    def where(self, lang: str | None = DEFAULT_LANGUAGE) -> str:
        """The location words: ``第 3 个要素（330327100001）``, ``单元 …``, ``文件`` (or English)."""
        if self.feature is None:
            return t("io.where.file", lang)
        if isinstance(self.feature, str):
            return t("io.where.unit", lang, code=self.feature)
        if self.ref:
            return t("io.where.feature_ref", lang, n=self.feature, ref=self.ref)
        return t("io.where.feature", lang, n=self.feature)

    def text(self, lang: str | None = DEFAULT_LANGUAGE) -> str:
        """The whole sentence in ``lang``, location first."""
        if not self.located:
            return self.detail.text(lang)
        return t("io.located", lang, where=self.where(lang), detail=self.detail.text(lang))

    @property
    def key(self) -> str:
        """The i18n key of the detail, e.g. ``"io.geom.too_many_vertices"``."""
        return self.detail.key

    @property
    def message(self) -> str:
        """The sentence in Chinese (the default language)."""
        return self.text(DEFAULT_LANGUAGE)

    def __str__(self) -> str:
        return self.message


def problem(feature: int | str | None, key: str, *, field: str | None = None, ref: str | None = None,
            severity: Severity = "error", **params: Any) -> Problem:
    """A :class:`Problem` at ``feature`` whose detail is ``key`` with ``params`` (numpy integers become int)."""
    if feature is not None and not isinstance(feature, str):
        feature = int(feature)
    return Problem(feature, field, Message(key, params), severity, ref)


class ImportRejected(ValueError):
    """The file was refused; nothing was written.

    Attributes:
        problems: every error found.
        repairs: the repairs made while reading before the refusal (an unclosed ring
            closed, ...): reported with the errors so that the next attempt holds no
            surprise, but not written.

    ``str(exc)`` lists them in Chinese and English, line by line; :meth:`text` gives
    one language.
    """

    def __init__(self, problems: Sequence[Problem], repairs: Sequence[Problem] = ()) -> None:
        self.problems: list[Problem] = list(problems)
        self.repairs: list[Problem] = list(repairs)
        super().__init__(self._text())

    def text(self, lang: str | None = DEFAULT_LANGUAGE) -> str:
        """The refusal in ``lang``."""
        return _join(self._lines(normalise_language(lang)))

    def _lines(self, lang: str) -> list[tuple[int, str]]:
        lines = [(0, t("io.rejected.header", lang, count=len(self.problems)))]
        lines += _listed(self.problems, lang, "io.rejected.more")
        if self.repairs:
            lines.append((0, t("io.rejected.repairs", lang, count=len(self.repairs))))
            lines += _listed(self.repairs, lang, "io.report.more_repairs")
        return lines

    def _text(self) -> str:
        return bilingual(self._lines)


def reject(key: str, *, field: str | None = None, **params: Any) -> ImportRejected:
    """An :class:`ImportRejected` with one whole-file problem (for ``raise reject(...)``)."""
    return ImportRejected([problem(None, key, field=field, **params)])


@dataclass
class ImportResult:
    """A validated file, ready for assignment and writing.

    Attributes:
        frame: the rows in EPSG:4326 with the layer's own columns (``id``,
            ``county_code``, the fields, ``geometry``). Assignment columns of point
            layers (``town_code`` ... ``outside``) are NOT included: they come from
            :func:`gridmap.spatial.assign.assign`, so the store refuses the frame until
            it has been assigned. When ``problems`` is not empty (only possible with
            ``raise_on_error=False``) the frame holds just the rows without errors.
        problems: errors; empty unless ``raise_on_error=False`` was passed.
        repaired: per-feature changes that were safe to make, one per change.
        notes: facts about the whole file: the text encoding used, the CRS converted,
            columns ignored.
    """

    frame: gpd.GeoDataFrame | pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    repaired: list[Problem] = field(default_factory=list)
    notes: list[Message] = field(default_factory=list)


@dataclass
class ImportReport:
    """What :func:`gridmap.io.import_layer` did.

    Attributes:
        layer: the layer name.
        read: features read from the file.
        written: rows written to the store.
        repaired: features that were repaired (see ``repairs``).
        outside: points that lie in no micro-grid (kept, ``outside=True``).
        mode: ``"append"`` or ``"replace"``.
        repairs: the repairs, one per change.
        notes: file-level notes (encoding, CRS conversion, ignored columns).

    ``str(report)`` is Chinese then English, line by line; :meth:`text` gives one language.
    """

    layer: str
    read: int
    written: int
    repaired: int
    outside: int
    mode: str = "append"
    repairs: list[Problem] = field(default_factory=list)
    notes: list[Message] = field(default_factory=list)

    def text(self, lang: str | None = DEFAULT_LANGUAGE) -> str:
        """The report in ``lang``."""
        return _join(self._lines(normalise_language(lang)))

    def _lines(self, lang: str) -> list[tuple[int, str]]:
        summary = Message("io.report.summary", {
            "layer": self.layer, "read": self.read, "written": self.written, "repaired": self.repaired,
            "outside": self.outside, "mode": Message(f"io.mode.{self.mode}")})
        lines = [(0, summary.text(lang))]
        lines += [(1, t("io.report.note", lang, note=n.text(lang))) for n in self.notes]
        shown = self.repairs[:SHOWN_PROBLEMS]
        lines += [(1, t("io.report.repair", lang, repair=p.text(lang))) for p in shown]
        if len(self.repairs) > len(shown):
            lines.append((1, t("io.report.more_repairs", lang, count=len(self.repairs) - len(shown))))
        return lines

    def __str__(self) -> str:
        return bilingual(self._lines)


def repaired_features(repairs: Iterable[Problem]) -> int:
    """The number of distinct features among ``repairs``."""
    return len({p.feature for p in repairs if p.feature is not None})


def bilingual(lines_in: Any) -> str:
    """Text for a terminal: each line of ``lines_in(lang)`` in Chinese, then in English.

    ``lines_in`` returns ``(level, text)`` pairs, the same structure in every language;
    level 1 lines are list items. An English line that equals the Chinese one is not
    repeated.
    """
    zh, en = (lines_in(lang) for lang in LANGUAGES)
    out: list[str] = []
    for (level, zh_text), (_, en_text) in zip(zh, en, strict=True):
        out.append(_line(level, zh_text))
        if en_text != zh_text:
            out.append(_line(level, en_text, continued=True))
    return "\n".join(out)


def _listed(problems: list[Problem], lang: str, more_key: str) -> list[tuple[int, str]]:
    shown = problems[:SHOWN_PROBLEMS]
    lines = [(1, p.text(lang)) for p in shown]
    if len(problems) > len(shown):
        lines.append((1, t(more_key, lang, count=len(problems) - len(shown))))
    return lines


def _line(level: int, text: str, *, continued: bool = False) -> str:
    if level == 0:
        return text
    return ("    " if continued else "  - ") + text


def _join(lines: list[tuple[int, str]]) -> str:
    return "\n".join(_line(level, text) for level, text in lines)
