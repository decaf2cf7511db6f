"""Defect 7 of issue 8: import and check messages were Chinese literals in gridmap/io.

Now every problem, repair and note is an i18n key with values (``gridmap.i18n.io``),
rendered in a language on demand: with English selected, an import problem reads in
English and still names the feature. The command line prints Chinese then English, or
one language with ``--lang``.
"""

from __future__ import annotations

import ast
import re
import string
import zipfile
from pathlib import Path

import pytest

import gridmap.io.geometry as geometry_module
from gridmap.__main__ import main
from gridmap.access import Session
from gridmap.i18n import MESSAGES
from gridmap.i18n import io as io_texts
from gridmap.io import ImportRejected, import_layer, read_layer_file, write_frame
from gridmap.store import open_store
from gridmap.uploads import UploadRejected, accept_upload
from tests.fixtures.io.builders import household, point, write_geojson
from tests.store_fixtures import SCOPE, tiny_units

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [*sorted((ROOT / "gridmap" / "io").glob("*.py")), ROOT / "gridmap" / "uploads.py"]
HAN = re.compile(r"[\u4e00-\u9fff]")
KEY = re.compile(r"""["'](?P<key>(?:io|upload)\.[a-z0-9_.]*[a-z0-9_])["']""")
PREFIX = re.compile(r"""f["'](?P<prefix>(?:io|upload)\.[a-z0-9_.]*\.)\{""")
# Families of keys built at run time, by their prefix: every member must exist.
FAMILIES: dict[str, list[str]] = {
    "io.geos.": [*geometry_module._GEOS_REASONS.values(), "invalid"],
    "io.mode.": ["append", "replace"],
    "io.delimiter.": ["comma", "tab", "semicolon", "bar"],
    "io.json.top.": ["list", "string", "number", "literal"],
}
# Chinese that is data, not a message: words the readers accept in files.
DATA_WORDS = {"是", "真", "对", "否", "假", "错", "年", "月", "日", "时", "点", "分", "秒", "经度", "纬度", "几何"}


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _keys_in_code() -> tuple[set[str], set[str]]:
    literal: set[str] = set()
    prefixes: set[str] = set()
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        literal |= {m["key"] for m in KEY.finditer(text)}
        prefixes |= {m["prefix"] for m in PREFIX.finditer(text)}
    return literal, prefixes


def test_every_message_key_exists_in_both_languages_with_the_same_placeholders() -> None:
    literal, prefixes = _keys_in_code()
    assert prefixes == set(FAMILIES), "a key family built at run time is not listed in FAMILIES"
    used = literal | {prefix + member for prefix, members in FAMILIES.items() for member in members}
    assert len(used) > 130
    for key in sorted(used):
        assert key in MESSAGES["zh"] and key in MESSAGES["en"], f"{key} is used but not defined"
        assert _placeholders(MESSAGES["zh"][key]) == _placeholders(MESSAGES["en"][key]), key
        assert MESSAGES["zh"][key] != MESSAGES["en"][key] or key in ("io.size.mib", "io.json.top.literal"), key


def test_no_io_key_is_dead_text() -> None:
    literal, _ = _keys_in_code()
    used = literal | {prefix + member for prefix, members in FAMILIES.items() for member in members}
    assert set(io_texts.TEXTS) - used == set()


def test_no_chinese_message_literal_is_left_in_the_code() -> None:
    """Chinese in gridmap/io and uploads.py is only in docstrings, comments and the accepted data words."""
    found: dict[str, set[str]] = {}
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
                      and node.body and isinstance(node.body[0], ast.Expr)
                      and isinstance(node.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
                    and HAN.search(node.value) and node.value not in DATA_WORDS):
                found.setdefault(path.name, set()).add(node.value)
    assert found == {}


def _bad_households(tmp: Path) -> Path:
    return write_geojson(tmp / "households.geojson", [
        household(n=1, id="h1"),
        household(n=2, id="h2", residents="many"),
        household(point(27.515, 120.405), n=3, id="h3"),
    ])


def test_a_real_bad_file_reads_in_english_naming_the_features(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path}/t.db")
    try:
        session = Session.system(store, SCOPE, "tester")
        import_layer(session, "units", write_frame(tiny_units(), tmp_path / "units.gpkg", "gpkg", "units"))
        with pytest.raises(ImportRejected) as caught:
            import_layer(session, "households", _bad_households(tmp_path))
        assert store.count("households", SCOPE) == 0
    finally:
        store.close()
    english = caught.value.text("en")
    assert english.startswith("Import refused, nothing was written: 2 problem(s) found")
    assert "Feature 2 (h2): the value 'many' of the field residents is not a whole number" in english
    assert "Feature 3 (h3): the coordinate (27.515, 120.405)" in english and "swapped" in english
    assert not HAN.search(english), english
    chinese = caught.value.text("zh")
    assert "第 2 个要素（h2）：字段 residents 的值 'many' 不是整数" in chinese
    assert [p.text("en").split(":")[0] for p in caught.value.problems] == ["Feature 2 (h2)", "Feature 3 (h3)"]
    assert str(caught.value).splitlines()[:2] == [caught.value.text("zh").splitlines()[0], english.splitlines()[0]]


def test_notes_and_repairs_read_in_english(tmp_path: Path) -> None:
    path = write_geojson(tmp_path / "h.geojson", [household(point(120.405, 27.515, 9.0), n=1, extra="x")])
    result = read_layer_file("households", path)
    assert [p.text("en") for p in result.repaired] == [
        "Feature 1: had height (Z/M) values; they were dropped and only the plane coordinates kept"]
    assert [n.text("en") for n in result.notes] == [
        "These columns are not part of the households layer and were ignored: extra"]


def test_cli_prints_chinese_then_english_or_the_language_asked(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path}/cli.db"
    units = write_frame(tiny_units(), tmp_path / "units.gpkg", "gpkg", "units")
    assert main(["import", "units", str(units), "--db", url, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "units: 9 read, 9 written (appended), 0 repaired, 0 in no micro-grid" in out and not HAN.search(out)

    bad = _bad_households(tmp_path)
    assert main(["import", "households", str(bad), "--db", url, "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "Feature 2 (h2)" in err and not HAN.search(err.replace(str(tmp_path), ""))
    assert "Traceback" not in err

    assert main(["import", "households", str(bad), "--db", url]) == 2
    err = capsys.readouterr().err
    zh, en = err.index("第 2 个要素（h2）"), err.index("Feature 2 (h2)")
    assert zh < en  # Chinese first, then English, line by line


def test_upload_archive_refusal_details_follow_the_language(tmp_path: Path) -> None:
    """The detail of a refused zip came from a Chinese problem text even in English."""
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../evil.csv", "lon,lat\n1,2\n")
    with pytest.raises(UploadRejected) as caught:
        accept_upload(archive.read_bytes(), "a.zip", "data")
    assert caught.value.key == "upload.bad_archive"
    assert "'../evil.csv'" in caught.value.text("en") and not HAN.search(caught.value.text("en"))
    assert "指向解压目录之外" in caught.value.text("zh")
