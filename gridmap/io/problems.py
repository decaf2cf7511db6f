"""What an import found: problems, repairs, the refusal, and the results handed back.

Every message is a Chinese sentence for the person who made the file, and names the
feature (its 1-based number in the file, plus its code or id when it has one), the
field, the offending value and what was expected, e.g.
``第 12 个要素（330327100001）：面自相交，已修复（make_valid）``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import geopandas as gpd
import pandas as pd

Severity = Literal["error", "repaired"]

# How many problems the text of an ImportRejected lists before "and N more".
SHOWN_PROBLEMS = 20


@dataclass(frozen=True)
class Problem:
    """One finding about an input file.

    Attributes:
        feature: the 1-based feature number in the file, a unit code (for nesting
            checks), or None when the problem concerns the whole file.
        field: the field (column) concerned, or None for the geometry or the file.
        message: the full sentence shown to the user, location first.
        severity: ``"error"`` (the import is refused) or ``"repaired"`` (the data was
            changed safely, and the change is reported).
    """

    feature: int | str | None
    field: str | None
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        return self.message


def where(feature: int | str | None, key: str | None = None) -> str:
    """The location words that start a message: ``第 3 个要素（330327100001）``, ``单元 …``, ``文件``."""
    if feature is None:
        return "文件"
    if isinstance(feature, str):
        return f"单元 {feature}"
    return f"第 {feature} 个要素（{key}）" if key else f"第 {feature} 个要素"


def problem(feature: int | str | None, detail: str, *, field: str | None = None,
            key: str | None = None, severity: Severity = "error") -> Problem:
    """A :class:`Problem` whose message is ``<where>：<detail>`` (numpy integers become int)."""
    if feature is not None and not isinstance(feature, str):
        feature = int(feature)
    return Problem(feature, field, f"{where(feature, key)}：{detail}", severity)


class ImportRejected(ValueError):
    """The file was refused; nothing was written. ``problems`` lists every error found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__(self._text())

    def _text(self) -> str:
        shown = self.problems[:SHOWN_PROBLEMS]
        lines = [f"导入被拒绝，未写入任何数据：发现 {len(self.problems)} 个问题"]
        lines += [f"  - {p.message}" for p in shown]
        if len(self.problems) > len(shown):
            lines.append(f"  ……另有 {len(self.problems) - len(shown)} 个问题")
        return "\n".join(lines)


def reject(detail: str, *, field: str | None = None) -> ImportRejected:
    """An :class:`ImportRejected` with one whole-file problem (for ``raise reject(...)``)."""
    return ImportRejected([problem(None, detail, field=field)])


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
    notes: list[str] = field(default_factory=list)


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
        repairs: the repair messages.
        notes: file-level notes (encoding, CRS conversion, ignored columns).
    """

    layer: str
    read: int
    written: int
    repaired: int
    outside: int
    mode: str = "append"
    repairs: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        lines = [f"{self.layer}：读取 {self.read} 条，写入 {self.written} 条"
                 f"（{'替换' if self.mode == 'replace' else '追加'}），修复 {self.repaired} 条，"
                 f"不在任何微网格内 {self.outside} 条"]
        lines += [f"  说明：{n}" for n in self.notes]
        shown = self.repairs[:SHOWN_PROBLEMS]
        lines += [f"  修复：{p.message}" for p in shown]
        if len(self.repairs) > len(shown):
            lines.append(f"  ……另有 {len(self.repairs) - len(shown)} 条修复")
        return "\n".join(lines)


def repaired_features(repairs: Iterable[Problem]) -> int:
    """The number of distinct features among ``repairs``."""
    return len({p.feature for p in repairs if p.feature is not None})
