"""Tables out as CSV or XLSX, every text cell neutralised like the layer exports.

:func:`table_bytes` writes a shown table (the rankings) as a file a spreadsheet opens:
CSV in UTF-8 with BOM and CRLF, or XLSX (openpyxl). Each text cell passes
:func:`gridmap.io.write.neutralise_cell`, so a unit named ``=HYPERLINK(...)`` stays text in
Excel and WPS; numbers stay numbers.
"""

from __future__ import annotations

import io
from typing import Literal

import numpy as np
import pandas as pd

from gridmap.io.write import neutralise_cell

TableFormat = Literal["csv", "xlsx"]
MEDIA_TYPES: dict[str, str] = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def table_bytes(frame: pd.DataFrame, fmt: TableFormat, *, sheet: str = "ranking") -> bytes:
    """``frame`` (its index left out: put what matters in columns) as CSV or XLSX bytes.

    Raises:
        ValueError: an unknown format.
    """
    if fmt not in MEDIA_TYPES:
        raise ValueError(f"unknown table format {fmt!r}; use csv or xlsx")
    safe = frame.copy()
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]) or pd.api.types.is_bool_dtype(safe[column]):
            safe[column] = safe[column].astype(object).map(neutralise_cell)
    safe.columns = [str(neutralise_cell(str(c))) for c in safe.columns]
    if fmt == "csv":
        return safe.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
    return _xlsx(safe, sheet)


def _xlsx(frame: pd.DataFrame, sheet: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet[:31]
    ws.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        ws.append([_xlsx_value(v) for v in row])
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula, whatever it starts with
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_value(value: object) -> object:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float | np.floating) and not np.isfinite(value):
        return None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value
