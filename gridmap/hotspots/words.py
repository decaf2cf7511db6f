"""The sentences the hazard page shows: what was computed, in the user's language.

Every word comes from :mod:`gridmap.i18n.hotspots`; these functions only put them
together from a :class:`~gridmap.hotspots.analysis.Method` (or the emerging, ranking and
route results).
"""

from __future__ import annotations

from gridmap.hotspots.analysis import Method
from gridmap.hotspots.emerging import NONE, EmergingMethod
from gridmap.hotspots.ranking import RankingMethod
from gridmap.hotspots.route import Route
from gridmap.i18n import t

__all__ = ["bin_label", "describe_emerging", "describe_method", "describe_ranking", "describe_route",
           "pattern_help", "pattern_label"]


def _neighbours(kind: str, k: int, lang: str) -> str:
    return t("hotspots.neighbours.h3", lang, k=k) if kind == "h3" else t("hotspots.neighbours.queen", lang)


def describe_method(method: Method, lang: str) -> str:
    """One sentence: variable, neighbours, permutations (or analytic), correction, confidence."""
    inference = (t("hotspots.inference.permutations", lang, permutations=method.permutations)
                 if method.permutations else t("hotspots.inference.analytic", lang))
    where = (t("hotspots.where.h3", lang, resolution=method.resolution) if method.neighbour_kind == "h3"
             else t("hotspots.where.units", lang))
    confidence = f"{100 * (1 - method.alpha):g}"
    return t("hotspots.method", lang, variable=t(f"hotspots.variable.{method.variable}", lang),
             neighbours=_neighbours(method.neighbour_kind, method.k, lang), inference=inference,
             correction=t(f"hotspots.correction.{method.correction}", lang), confidence=confidence,
             units=method.units, where=where)


def describe_emerging(method: EmergingMethod, lang: str) -> str:
    """One sentence on the emerging-hot-spot analysis."""
    kind = "h3" if method.neighbours.startswith("h3") else "queen"
    return t("hotspots.emerging.method", lang, weeks=method.weeks, neighbours=_neighbours(kind, 1, lang),
             window=method.time_window, correction=t(f"hotspots.correction.{method.correction}", lang))


def bin_label(value: int, lang: str) -> str:
    """``3`` -> "Hot spot, 99 % confidence", ..., ``0`` -> "Not significant"."""
    return t(f"hotspots.bin.{max(-3, min(3, int(value)))}", lang)


def pattern_label(pattern: str, direction: str, lang: str) -> str:
    """``("new", "hot")`` -> "New hot spot"; ``"none"`` -> "No pattern detected"."""
    if pattern == NONE or direction not in ("hot", "cold"):
        return t("hotspots.pattern.none", lang)
    return t(f"hotspots.pattern.{pattern}.{direction}", lang)


def pattern_help(pattern: str, lang: str) -> str:
    """What a pattern means (the hot version; a cold one mirrors it)."""
    return t(f"hotspots.pattern_help.{pattern}", lang)


def describe_ranking(method: RankingMethod, lang: str) -> str:
    """How the ranking was made, with the overall rate the smoothing pulls towards."""
    return t("hotspots.ranking.method", lang, by=t(f"hotspots.rank_by.{method.by}", lang),
             overall=f"{method.overall_rate:.1f}")


def describe_route(route: Route, lang: str) -> str:
    """Stops and length, and that the distances are straight lines."""
    return t("hotspots.route.method", lang, stops=len(route.frame), km=f"{route.length_m / 1000:.1f}")
