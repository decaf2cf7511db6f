"""Files for analysts and inspectors: CSV and XLSX tables, GPX routes.

- :func:`write_csv` -- any table (hot spots, rankings, routes) through the export's CSV
  writer (:func:`gridmap.io.write.write_table_csv`): UTF-8 with BOM, formula cells
  neutralised.
- :func:`write_xlsx` -- the same table as an Excel workbook (openpyxl); text cells are
  neutralised the same way (a leading ``'``) **and** stored as text, so no cell is ever a
  formula.
- :func:`write_gpx` -- a :class:`~gridmap.hotspots.route.Route` as GPX 1.1: one waypoint
  per stop (in walking order) and a route through them; names and descriptions are
  XML-escaped, and characters XML 1.0 cannot hold (control characters) are dropped.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

from gridmap.hotspots.route import Route
from gridmap.io.write import safe_cell, write_table_csv
from gridmap.spatial.crs import STORE_CRS

__all__ = ["GPX_NAMESPACE", "write_csv", "write_gpx", "write_xlsx"]

GPX_NAMESPACE = "http://www.topografix.com/GPX/1/1"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def write_csv(table: pd.DataFrame, path: Path | str) -> Path:
    """``table`` as CSV (geometry dropped), cells neutralised as the layer export does."""
    return write_table_csv(table, path)


def _xlsx_value(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isinf(value):
        return None
    return safe_cell(value)


def write_xlsx(table: pd.DataFrame, path: Path | str, sheet: str = "gridmap",
               headers: Sequence[str] | None = None) -> Path:
    """``table`` as an XLSX workbook with one sheet (geometry dropped).

    Args:
        table: The rows; numbers stay numbers, text is neutralised and stored as text.
        path: The file to write.
        sheet: The sheet's name (cut to Excel's 31 characters, ``[]:*?/\\`` removed).
        headers: Column headings to show instead of the column names (same length).
    """
    from openpyxl import Workbook

    out = pd.DataFrame(table.drop(columns="geometry", errors="ignore"))
    names = list(headers) if headers is not None else [str(c) for c in out.columns]
    if len(names) != len(out.columns):
        raise ValueError(f"{len(names)} headings for {len(out.columns)} columns")
    book = Workbook()
    ws = book.active
    ws.title = re.sub(r"[\[\]:*?/\\]", "", sheet)[:31] or "gridmap"
    rows: list[list[Any]] = [[_xlsx_value(h) for h in names]]
    rows += [[_xlsx_value(v) for v in row] for row in out.itertuples(index=False, name=None)]
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text
    path = Path(path)
    book.save(path)
    return path


def _text(value: Any) -> str:
    return _NOT_XML.sub("", "" if value is None else str(value))


def write_gpx(route: Route, path: Path | str, *, name: str = "gridmap route",
              stop_name: Callable[[pd.Series], str] | None = None,
              stop_description: Callable[[pd.Series], str] | None = None) -> Path:
    """``route`` as GPX 1.1 (waypoints in walking order, then one ``rte``).

    Args:
        route: From :func:`~gridmap.hotspots.route.walking_route`.
        path: The ``.gpx`` file to write.
        name: The route's name (metadata and ``rte``).
        stop_name: A stop's name from its row (default ``"<stop>. <id>"`` or ``"<stop>"``).
        stop_description: A stop's description from its row (default: its address if any).
    """
    ET.register_namespace("", GPX_NAMESPACE)

    def q(tag: str) -> str:
        return f"{{{GPX_NAMESPACE}}}{tag}"

    def default_name(row: pd.Series) -> str:
        ident = row.get("id")
        return f"{row['stop']}. {ident}" if isinstance(ident, str) and ident else str(row["stop"])

    def default_description(row: pd.Series) -> str:
        address = row.get("address")
        return address if isinstance(address, str) else ""

    naming = stop_name or default_name
    describing = stop_description or default_description
    frame = route.frame
    if frame.crs is not None and not frame.crs.equals(STORE_CRS):
        frame = frame.to_crs(STORE_CRS)
    xy = shapely.get_coordinates(frame.geometry.to_numpy())
    root = ET.Element(q("gpx"), {"version": "1.1", "creator": "gridmap"})
    meta = ET.SubElement(root, q("metadata"))
    ET.SubElement(meta, q("name")).text = _text(name)
    stops: list[tuple[str, str, str, str]] = []
    for (lon, lat), (_, row) in zip(xy, frame.iterrows(), strict=True):
        lat_s, lon_s = f"{lat:.7f}", f"{lon:.7f}"
        stops.append((lat_s, lon_s, _text(naming(row)), _text(describing(row))))
    for lat_s, lon_s, title, desc in stops:
        wpt = ET.SubElement(root, q("wpt"), {"lat": lat_s, "lon": lon_s})
        ET.SubElement(wpt, q("name")).text = title
        if desc:
            ET.SubElement(wpt, q("desc")).text = desc
    rte = ET.SubElement(root, q("rte"))
    ET.SubElement(rte, q("name")).text = _text(name)
    for lat_s, lon_s, title, _ in stops:
        pt = ET.SubElement(rte, q("rtept"), {"lat": lat_s, "lon": lon_s})
        ET.SubElement(pt, q("name")).text = title
    path = Path(path)
    ET.ElementTree(root).write(path, encoding="UTF-8", xml_declaration=True)
    return path
