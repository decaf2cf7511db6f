"""The rankings page's widgets (量化比评): scope, level, weights, the table, the formula, exports.

The numbers come from the command map's shared snapshot (:func:`gridmap.ui.command.shared_snapshot`,
cached under the session's ``cache_key()``), so the page costs what the ranking costs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd
import streamlit as st

from gridmap.access import Session
from gridmap.brief import (
    CRITERIA,
    DEFAULT_WEIGHTS,
    Rankings,
    available_criteria,
    level_criteria,
    rank_units,
    table_bytes,
)
from gridmap.brief.export import MEDIA_TYPES
from gridmap.command import Filters, Snapshot
from gridmap.domain import Level
from gridmap.i18n import label, t
from gridmap.text import escape_markdown
from gridmap.ui.command import shared_snapshot
from gridmap.ui.period import period_picker

WEIGHT_MAX = 5.0
UNIT_KEY = "rank_unit"
UNIT_WIDTH = 120  # pixels: a village name of five or six characters, not cut


def unit_and_level(snapshot: Snapshot, lang: str) -> tuple[str, Level]:
    """The unit to compare inside (home unit, its towns and villages) and the level compared."""
    units = snapshot.units
    home = snapshot.home_code
    home_level = Level(units.at[home, "level"]) if home in units.index else Level.COUNTY
    wanted = [lvl.value for lvl in Level if home_level.depth <= lvl.depth < Level.GRID.depth]
    choices = [home, *[c for c in units.index[units["level"].isin(wanted)] if c != home]]
    c1, c2 = st.columns(2)
    code = str(c1.selectbox(t("rank.unit", lang), choices, key=UNIT_KEY,
                            format_func=lambda c: _unit_label(snapshot, c, lang)))
    level = Level(units.at[code, "level"]) if code in units.index else Level.COUNTY
    below = [lvl for lvl in Level if lvl.depth > level.depth] or [Level.MICRO]
    chosen = c2.selectbox(t("rank.level", lang), [lvl.value for lvl in below], key="rank_level",
                          format_func=lambda v: label("level", v, lang))
    return code, Level(chosen)


def weight_sliders(snapshot: Snapshot, lang: str) -> dict[str, float]:
    """One slider per criterion this role can compute, default :data:`DEFAULT_WEIGHTS`."""
    names = available_criteria(snapshot)
    st.markdown(f"**{t('rank.weights', lang)}**")
    columns = st.columns(len(names))
    return {name: float(col.slider(t(f"rank.crit.{name}", lang), 0.0, WEIGHT_MAX, DEFAULT_WEIGHTS[name], 0.5,
                                   key=f"rank_w_{name}", help=t("rank.weights_help", lang)))
            for name, col in zip(names, columns, strict=True)}


def shown_table(ranked: Rankings, lang: str, *, raw: bool) -> pd.DataFrame:
    """The ranking as the page shows and exports it: rank, unit, score, households, each
    criterion smoothed (and raw when asked)."""
    table = ranked.table
    out = pd.DataFrame({
        t("rank.col.rank", lang): [None if pd.isna(r) else int(r) for r in table["rank"]],
        t("rank.col.unit", lang): table["name"].astype(str).to_numpy(),
        t("rank.col.score", lang): table["score"].round(1).to_numpy(),
        t("rank.col.households", lang): table["households"].to_numpy(),
    })
    for name in CRITERIA:
        if f"{name}_smoothed" not in table:
            continue
        crit = t(f"rank.short.{name}", lang)
        scale = 1.0 if CRITERIA[name].per == 100 else 100.0  # shares shown as percentages
        if raw:
            out[t("rank.col.raw", lang, name=crit)] = (table[f"{name}_raw"] * scale).round(2).to_numpy()
        out[t("rank.col.smoothed", lang, name=crit)] = (table[f"{name}_smoothed"] * scale).round(2).to_numpy()
    return out


def formula_words(weights: Mapping[str, float], lang: str) -> str:
    """The score's formula in words, with the weights used."""
    used = "、".join(f"{t(f'rank.crit.{n}', lang)} {w:g}" for n, w in weights.items()) if lang == "zh" else \
        ", ".join(f"{t(f'rank.crit.{n}', lang)} {w:g}" for n, w in weights.items())
    return t("rank.formula", lang, weights=used)


def level_notes(ranked: Rankings, lang: str) -> list[str]:
    """A line naming the weighted criteria on which smoothing left every unit equal
    (:func:`gridmap.brief.level_criteria`), with their values: why those columns hold one
    number each. Empty when there are none."""
    level = level_criteria(ranked)
    if not level:
        return []
    sep = "、" if lang == "zh" else ", "
    values = [f"{v * 100:.2f}%" if CRITERIA[n].per != 100 else f"{v:.2f}" for n, v in level.items()]
    return [t("rank.level_note", lang, names=sep.join(t(f"rank.crit.{n}", lang) for n in level),
              values=sep.join(values))]


def rankings_page(session: Session, lang: str, interval: int, now: dt.datetime) -> None:
    """The whole page below its title."""
    snapshot, _ = shared_snapshot(session, interval)
    st.caption(t("rank.intro", lang))
    code, level = unit_and_level(snapshot, lang)
    date_from, date_to = period_picker(t("command.dates", lang), "rank_dates", lang, now.date())
    weights = weight_sliders(snapshot, lang)
    if not any(w > 0 for w in weights.values()):
        st.warning(t("rank.no_weight", lang), icon=":material/warning:")
        return
    ranked = rank_units(snapshot, code, level, Filters(date_from=date_from, date_to=date_to), now, weights)
    if ranked.table.empty:
        st.info(t("rank.nothing", lang), icon=":material/info:")
        return
    with st.expander(t("rank.formula_title", lang), expanded=True, icon=":material/function:"):
        st.markdown(escape_markdown(formula_words(ranked.weights, lang)))
        for line in level_notes(ranked, lang):
            st.caption(line)
        st.caption(t("rank.period", lang, date_from=date_from.isoformat(), date_to=date_to.isoformat()))
    raw = st.toggle(t("rank.show_raw", lang), value=True, key="rank_raw")
    st.caption(t("rank.table_units", lang))
    table = shown_table(ranked, lang, raw=raw)
    pinned = {t("rank.col.rank", lang): st.column_config.Column(pinned=True, width="small"),  # names stay in view
              t("rank.col.unit", lang): st.column_config.Column(pinned=True, width=UNIT_WIDTH)}
    st.dataframe(table, hide_index=True, width="stretch", height=min(600, 38 + 35 * len(table)),
                 column_config=pinned)
    stem = f"ranking_{code}_{level.value}_{now:%Y%m%d}"
    c1, c2, _ = st.columns([1, 1, 4])
    c1.download_button(t("rank.download_csv", lang), table_bytes(table, "csv"), f"{stem}.csv", MEDIA_TYPES["csv"],
                       key="rank_csv", icon=":material/download:", on_click="ignore")
    c2.download_button(t("rank.download_xlsx", lang), lambda: table_bytes(table, "xlsx"), f"{stem}.xlsx",
                       MEDIA_TYPES["xlsx"], key="rank_xlsx", icon=":material/download:", on_click="ignore")


def _unit_label(snapshot: Snapshot, code: str, lang: str) -> str:
    units = snapshot.units
    if code not in units.index:
        return code
    return f"{units.at[code, 'name']}（{label('level', str(units.at[code, 'level']), lang)}）"
