"""A town's brief as one A4 page: HTML with inline SVG, then PDF (WeasyPrint) or PNG.

- :func:`brief_html` -- the page: title, KPI tiles, the map (units shaded by their ranking
  score, numbered by rank, overdue issues as red dots, stations as squares), weekly trend
  charts, the most overdue issues, the ranking and the stations not visited. The map and
  charts are SVG drawn here from the data (no tiles, no browser, no internet).
- :func:`brief_pdf` -- the same page as PDF bytes. The font is Noto Sans CJK (Debian's
  ``fonts-noto-cjk``), embedded as a subset by WeasyPrint, so the PDF shows Chinese on a
  machine without the font.
- :func:`brief_png` -- the page as a PNG, a screenshot of the same HTML by headless
  Chromium (Playwright driving Debian's ``/usr/bin/chromium``): neither pdftoppm nor
  pypdfium2 is installed to rasterise the PDF itself.

Every stored text (unit names, categories) passes :func:`gridmap.text.escape_html`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd
import shapely

from gridmap.brief.rankings import level_criteria
from gridmap.brief.town import BriefData
from gridmap.i18n import label, t
from gridmap.maps.style import BOUNDARY_COLOUR, NO_DATA_COLOUR, SEQUENTIAL
from gridmap.text import escape_html

FONT_FAMILY = "'Noto Sans CJK SC', 'Noto Sans CJK', 'Noto Sans SC', sans-serif"
PAGE_WIDTH_PX = 794  # A4 at 96 dpi, the width Chromium lays the page out in for the PNG
MAP_W, MAP_H = 330, 300
CHART_W, CHART_H = 330, 120
RANKED_ROWS = 10
Projector = Callable[[float, float], tuple[float, float]]
REPORTED_COLOUR, CLOSED_COLOUR, HAZARD_COLOUR = "#1C7ED6", "#2B8A3E", "#E8590C"


def brief_html(data: BriefData, lang: str = "zh", *, with_map: bool = True) -> str:
    """The brief as a complete HTML document (``with_map=False``: the map left out, the
    benchmark's baseline)."""
    k = data.kpis
    title = t("brief.title", lang, name=escape_html(data.name))
    place = escape_html(data.county_name or "")
    subtitle = t("brief.subtitle", lang, county=place, as_of=data.now.strftime("%Y-%m-%d %H:%M"),
                 date_from=k.date_from.isoformat(), date_to=k.date_to.isoformat())
    parts = [
        f"<header><h1>{title}</h1><p class='sub'>{subtitle}</p></header>",
        _kpi_tiles(data, lang),
        "<table class='two'><tr>",
        f"<td><h2>{t('brief.map', lang)}</h2>{_map_svg(data, lang) if with_map else ''}"
        f"<p class='note'>{t('brief.map_note', lang)}</p></td>",
        f"<td><h2>{t('brief.trend_issues', lang)}</h2>{_bar_chart(data.weeks, ['reported', 'closed'], lang)}"
        f"<h2>{t('brief.trend_hazards', lang)}</h2>{_bar_chart(data.weeks, ['hazards'], lang)}"
        f"<p class='note'>{t('brief.weeks_note', lang)}</p></td>",
        "</tr></table>",
        "<table class='two'><tr>",
        f"<td><h2>{t('brief.overdue', lang)}</h2>{_overdue_table(data, lang)}</td>",
        f"<td><h2>{t('brief.ranking', lang)}</h2>{_ranking_table(data, lang)}</td>",
        "</tr></table>",
        f"<h2>{t('brief.stations', lang)}</h2><p>{_stations_text(data, lang)}</p>",
        f"<footer>{t('brief.footer', lang)}</footer>",
    ]
    return (f"<!DOCTYPE html><html lang='{'zh-CN' if lang == 'zh' else 'en'}'><head><meta charset='utf-8'>"
            f"<title>{title}</title><style>{_CSS}</style></head><body>{''.join(parts)}</body></html>")


def brief_pdf(data: BriefData, lang: str = "zh", *, html: str | None = None) -> bytes:
    """The brief as PDF bytes (one A4 page, CJK font embedded)."""
    return bytes(_weasyprint_html()(string=html or brief_html(data, lang)).write_pdf())


def _weasyprint_html() -> Any:
    """WeasyPrint's ``HTML``, imported on first use. Its import switches on Pillow's
    process-wide "load truncated images" (for its own images); switch it back, or every
    upload check in this server would accept cut-off photos (:mod:`gridmap.uploads`)."""
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    from weasyprint import HTML

    ImageFile.LOAD_TRUNCATED_IMAGES = before
    return HTML


def brief_png(data: BriefData, lang: str = "zh", *, html: str | None = None,
              chromium: str = "/usr/bin/chromium", scale: float = 2.0) -> bytes:
    """The brief as a PNG: headless Chromium's screenshot of :func:`brief_html`.

    Raises:
        RuntimeError: Chromium cannot be started (the message names the path).
    """
    from playwright.sync_api import Error, sync_playwright

    page_html = html or brief_html(data, lang)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, headless=True,
                                        args=["--headless", "--no-sandbox", "--disable-gpu",
                                              "--disable-background-networking"])
            try:
                page = browser.new_page(viewport={"width": PAGE_WIDTH_PX, "height": 1123},
                                        device_scale_factor=scale)
                page.route("**/*", lambda route: route.abort() if not route.request.url.startswith(("data:", "about:"))
                           else route.continue_())
                page.set_content(page_html, wait_until="load")
                return bytes(page.screenshot(full_page=True, type="png"))
            finally:
                browser.close()
    except Error as exc:
        raise RuntimeError(f"cannot render the PNG with Chromium at {chromium}: {exc}") from exc


# --------------------------------------------------------------------------- parts


def _kpi_tiles(data: BriefData, lang: str) -> str:
    k = data.kpis

    def pct(v: float | None) -> str:
        return "—" if v is None else f"{v:.1%}"

    def num(v: int | None) -> str:
        return "—" if v is None else f"{v:,}"

    tiles = [("kpi.open_issues", num(k.open_issues)), ("kpi.overdue_issues", num(k.overdue_issues)),
             ("kpi.closure_rate", pct(k.closure_rate)), ("kpi.hazards_found", num(k.hazards_found)),
             ("kpi.hazards_rectified", num(k.hazards_rectified)), ("kpi.zero_report_rate", pct(k.zero_report_rate)),
             ("kpi.households", num(k.households)), ("kpi.stations", num(k.stations))]
    cells = "".join(f"<td><div class='v'>{v}</div><div class='k'>{t(key, lang)}</div></td>" for key, v in tiles)
    return f"<table class='kpis'><tr>{cells}</tr></table>"


def _projector(bounds: tuple[float, float, float, float], width: float, height: float,
               pad: float = 6) -> Projector:
    minx, miny, maxx, maxy = bounds
    kx = math.cos(math.radians((miny + maxy) / 2))
    span_x, span_y = max((maxx - minx) * kx, 1e-9), max(maxy - miny, 1e-9)
    scale = min((width - 2 * pad) / span_x, (height - 2 * pad) / span_y)
    off_x = (width - span_x * scale) / 2
    off_y = (height - span_y * scale) / 2

    def project(x: float, y: float) -> tuple[float, float]:
        return off_x + (x - minx) * kx * scale, height - off_y - (y - miny) * scale

    return project


def _path(geom: shapely.Geometry, project: Projector) -> str:
    out = []
    polygons = getattr(geom, "geoms", [geom])
    for polygon in polygons:
        for ring in [polygon.exterior, *polygon.interiors]:
            points = [project(x, y) for x, y in np.asarray(ring.coords)[:, :2]]
            out.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z")
    return "".join(out)


def _map_svg(data: BriefData, lang: str) -> str:
    shapes = data.units if len(data.units) else data.outline
    if shapes is None or not len(shapes):
        return f"<p class='note'>{t('brief.no_map', lang)}</p>"
    simplified = shapely.simplify(shapes.geometry.to_numpy(), 0.0002)
    bounds = tuple(float(b) for b in shapely.total_bounds(simplified))
    minx, miny, maxx, maxy = bounds
    aspect = (maxy - miny) / max((maxx - minx) * math.cos(math.radians((miny + maxy) / 2)), 1e-9)
    height = int(min(MAP_H, max(120, MAP_W * aspect + 12)))
    project = _projector(bounds, MAP_W, height)  # type: ignore[arg-type]
    ranks: dict[str, int] = {}
    scores: dict[str, float] = {}
    if data.rankings is not None:
        table = data.rankings.table
        ranks = {str(c): int(r) for c, r in zip(table.index, table["rank"], strict=True) if not pd.isna(r)}
        scores = _score_classes(table["score"])
    body = []
    labels = []
    for code, name, geom in zip(shapes["code"].astype(str), shapes.get("name", shapes["code"]), simplified,
                                strict=True):
        fill = _score_colour(scores.get(code))
        body.append(f"<path d='{_path(geom, project)}' fill='{fill}' stroke='{BOUNDARY_COLOUR}' "
                    f"stroke-width='0.6'><title>{escape_html(name)}</title></path>")
        if code in ranks and ranks[code] <= RANKED_ROWS:
            x, y = project(*np.asarray(shapely.point_on_surface(geom).coords)[0][:2])
            labels.append(f"<text x='{x:.1f}' y='{y + 3:.1f}' class='rank'>{ranks[code]}</text>")
    for lon, lat in data.stations[["lon", "lat"]].to_numpy():
        x, y = project(lon, lat)
        body.append(f"<rect x='{x - 1.6:.1f}' y='{y - 1.6:.1f}' width='3.2' height='3.2' fill='#5F3DC4'/>")
    for lon, lat in data.overdue[["lon", "lat"]].to_numpy(dtype=float):
        if np.isfinite(lon) and np.isfinite(lat):
            x, y = project(lon, lat)
            body.append(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='3.2' fill='#C92A2A' stroke='white' stroke-width='0.8'/>")
    legend = _map_legend(lang, height)
    return (f"<svg xmlns='http://www.w3.org/2000/svg' width='{MAP_W}' height='{height + 30}' "
            f"viewBox='0 0 {MAP_W} {height + 30}'>{''.join(body)}{''.join(labels)}{legend}</svg>")


def _score_classes(scores: pd.Series) -> dict[str, float]:
    """Per unit, its class (0 = the lowest fifth of scores ... 4 = the highest), so the map
    separates the units even when all scores lie close together."""
    finite = scores[np.isfinite(scores.to_numpy(dtype=float))]
    if finite.empty:
        return {}
    ranks = finite.rank(method="average", pct=True).to_numpy()
    classes = np.minimum(len(SEQUENTIAL) - 1, np.floor((ranks - 1e-9) * len(SEQUENTIAL)))
    return {str(c): float(k) for c, k in zip(finite.index, classes, strict=True)}


def _score_colour(score_class: float | None) -> str:
    """The lowest scores (need attention) dark, the highest light, in the map's ramp."""
    if score_class is None:
        return NO_DATA_COLOUR
    return SEQUENTIAL[len(SEQUENTIAL) - 1 - int(score_class)]


def _map_legend(lang: str, height: int) -> str:
    y = height + 8
    boxes = "".join(f"<rect x='{6 + i * 16}' y='{y}' width='16' height='9' fill='{c}' stroke='#999' "
                    f"stroke-width='0.3'/>" for i, c in enumerate(SEQUENTIAL))
    return (f"{boxes}<text x='{6}' y='{y + 20}' class='lg'>{t('brief.legend_high', lang)}</text>"
            f"<text x='{6 + 16 * len(SEQUENTIAL)}' y='{y + 20}' class='lg' text-anchor='end'>"
            f"{t('brief.legend_low', lang)}</text>"
            f"<circle cx='{110}' cy='{y + 4}' r='3.2' fill='#C92A2A'/>"
            f"<text x='{117}' y='{y + 8}' class='lg'>{t('brief.legend_overdue', lang)}</text>"
            f"<rect x='{190}' y='{y + 1}' width='6' height='6' fill='#5F3DC4'/>"
            f"<text x='{200}' y='{y + 8}' class='lg'>{t('brief.legend_station', lang)}</text>")


def _bar_chart(weeks: pd.DataFrame, series: list[str], lang: str) -> str:
    colours = {"reported": REPORTED_COLOUR, "closed": CLOSED_COLOUR, "hazards": HAZARD_COLOUR}
    n = len(weeks)
    if not n:
        return ""
    top = max(1, int(max(weeks[s].max() for s in series)))
    left, bottom, right, head = 28, 18, 4, 14
    width, height = CHART_W - left - right, CHART_H - bottom - head
    slot = width / n
    bar = slot * 0.8 / len(series)
    out = []
    for tick in _ticks(top):
        y = head + height - tick / top * height
        out.append(f"<line x1='{left}' x2='{left + width}' y1='{y:.1f}' y2='{y:.1f}' stroke='#DEE2E6' "
                   f"stroke-width='0.5'/><text x='{left - 3}' y='{y + 3:.1f}' class='ax' text-anchor='end'>"
                   f"{tick}</text>")
    for i, row in enumerate(weeks.itertuples(index=False)):
        for j, name in enumerate(series):
            value = int(getattr(row, name))
            h = value / top * height
            x = left + i * slot + slot * 0.1 + j * bar
            out.append(f"<rect x='{x:.1f}' y='{head + height - h:.1f}' width='{bar:.1f}' height='{h:.1f}' "
                       f"fill='{colours[name]}'><title>{value}</title></rect>")
        week = row.last
        out.append(f"<text x='{left + (i + 0.5) * slot:.1f}' y='{head + height + 12}' class='ax' "
                   f"text-anchor='middle'>{week.month}/{week.day}</text>")
    legend = "".join(f"<rect x='{left + 90 * j}' y='2' width='8' height='8' fill='{colours[name]}'/>"
                     f"<text x='{left + 90 * j + 11}' y='9' class='lg'>{t(f'brief.series.{name}', lang)}</text>"
                     for j, name in enumerate(series))
    return (f"<svg xmlns='http://www.w3.org/2000/svg' width='{CHART_W}' height='{CHART_H}' "
            f"viewBox='0 0 {CHART_W} {CHART_H}'>{legend}{''.join(out)}</svg>")


def _ticks(top: int) -> Iterable[int]:
    step = max(1, 10 ** int(math.log10(top)) if top >= 10 else 1)
    while top / step > 5:
        step *= 2
    return range(0, top + 1, step)


def _overdue_table(data: BriefData, lang: str) -> str:
    if data.overdue.empty:
        return f"<p class='note'>{t('brief.no_overdue', lang)}</p>"
    head = "".join(f"<th>{t(k, lang)}</th>" for k in ("brief.col.category", "brief.col.unit", "brief.col.days"))
    rows = "".join(
        f"<tr><td>{escape_html(label('category', str(r.category), lang))}</td><td>{escape_html(r.unit)}</td>"
        f"<td class='n'>{float(r.days):.1f}</td></tr>"
        for r in data.overdue.itertuples(index=False))
    return f"<table class='list'><tr>{head}</tr>{rows}</table>"


def _ranking_table(data: BriefData, lang: str) -> str:
    if data.rankings is None or data.rankings.table.empty:
        return f"<p class='note'>{t('brief.no_ranking', lang)}</p>"
    table = data.rankings.table
    head = "".join(f"<th>{t(k, lang)}</th>" for k in ("brief.col.rank", "brief.col.unit", "brief.col.score",
                                                      "brief.col.issue_rate"))
    body = []
    shown = table.head(RANKED_ROWS)
    for _code, row in shown.iterrows():
        rank = "" if pd.isna(row["rank"]) else str(int(row["rank"]))
        score = "—" if not np.isfinite(row["score"]) else f"{row['score']:.0f}"
        raw, rate = row.get("issue_rate_raw", np.nan), row.get("issue_rate_smoothed", np.nan)
        rate_text = "—" if not np.isfinite(rate) else f"{raw:.1f} / {rate:.1f}"
        body.append(f"<tr><td class='n'>{rank}</td><td>{escape_html(row['name'])}</td><td class='n'>{score}</td>"
                    f"<td class='n'>{rate_text}</td></tr>")
    more = len(table) - len(shown)
    tail = f"<p class='note'>{t('brief.ranking_more', lang, n=more)}</p>" if more > 0 else ""
    level = level_criteria(data.rankings)
    sep = "、" if lang == "zh" else ", "
    names = sep.join(t(f"rank.crit.{n}", lang) for n in level)
    level_text = f"<p class='note'>{t('brief.ranking_level', lang, names=names)}</p>" if level else ""
    return (f"<table class='list'><tr>{head}</tr>{''.join(body)}</table>{tail}"
            f"<p class='note'>{t('brief.ranking_note', lang)}</p>{level_text}")


def _stations_text(data: BriefData, lang: str) -> str:
    if data.stations_not_visited is None:
        return t("brief.no_visits", lang, n=data.kpis.stations)
    if not data.stations_not_visited:
        return t("brief.all_visited", lang)
    names = "、".join(escape_html(n) for n in data.stations_not_visited[:30])
    more = len(data.stations_not_visited) - 30
    return t("brief.not_visited", lang, n=len(data.stations_not_visited), names=names) + \
        (t("brief.ranking_more", lang, n=more) if more > 0 else "")


_CSS = f"""
@page {{ size: A4; margin: 10mm 11mm; }}
@media screen {{ body {{ padding: 8mm 11mm; }} }}
html {{ font-family: {FONT_FAMILY}; font-size: 9.5pt; color: #212529; }}
body {{ margin: 0; width: 188mm; }}
header h1 {{ font-size: 17pt; margin: 0 0 1mm 0; }}
.sub {{ color: #495057; margin: 0 0 3mm 0; font-size: 9pt; }}
h2 {{ font-size: 10.5pt; margin: 2.5mm 0 1mm 0; border-left: 3px solid #1C7ED6; padding-left: 2mm; }}
table.kpis {{ width: 100%; border-collapse: separate; border-spacing: 1.5mm 0; }}
table.kpis td {{ background: #F1F3F5; border-radius: 2mm; padding: 1.5mm 1mm; text-align: center; width: 12.5%; }}
table.kpis .v {{ font-size: 13pt; font-weight: bold; }}
table.kpis .k {{ font-size: 7.5pt; color: #495057; }}
table.two {{ width: 100%; border-collapse: collapse; }}
table.two > tbody > tr > td, table.two > tr > td {{ width: 50%; vertical-align: top; padding-right: 3mm; }}
table.list {{ width: 100%; border-collapse: collapse; font-size: 8.5pt; }}
table.list th {{ text-align: left; border-bottom: 1px solid #ADB5BD; padding: 0.6mm 1mm; }}
table.list td {{ border-bottom: 1px solid #E9ECEF; padding: 0.6mm 1mm; }}
td.n {{ text-align: right; font-variant-numeric: tabular-nums; }}
.note {{ color: #868E96; font-size: 7.5pt; margin: 0.5mm 0; }}
svg text {{ font-family: {FONT_FAMILY}; }}
svg .rank {{ font-size: 8px; font-weight: bold; text-anchor: middle; fill: #212529; }}
svg .ax {{ font-size: 7px; fill: #495057; }}
svg .lg {{ font-size: 7.5px; fill: #212529; }}
footer {{ margin-top: 2mm; color: #868E96; font-size: 7pt; }}
"""
