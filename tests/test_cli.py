"""The command line as an operator uses it: demo, info, export, import, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gridmap.__main__ import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'demo.db'}"
    assert main(["demo", "--scale", "small", "--db", url]) == 0
    return url


def test_demo_then_info_json(demo_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["info", "--json", "--db", demo_db]) == 0
    info = json.loads(capsys.readouterr().out)
    assert (info["county_code"], info["county_name"]) == ("330327", "苍南县")
    assert info["levels"]["town"] == 1 and info["levels"]["village"] == 35  # 宜山镇 and its 35 villages
    assert info["levels"]["micro"] > info["levels"]["grid"] > info["levels"]["village"]
    for layer_name in ("households", "issues", "inspections", "stations", "zero_reports"):
        assert info["layers"][layer_name] > 0, layer_name


def test_demo_if_empty_leaves_existing_data(demo_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--scale", "small", "--if-empty", "--db", demo_db]) == 0
    assert "already holds data" in capsys.readouterr().out


@pytest.mark.parametrize("fmt", ["gpkg", "geojson", "shp", "csv"])
def test_export_import_round_trip(demo_db: str, tmp_path: Path, fmt: str,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    suffix = {"shp": "zip"}.get(fmt, fmt)
    out = tmp_path / f"stations.{suffix}"
    assert main(["export", "stations", "--format", fmt, "-o", str(out), "--db", demo_db]) == 0
    assert out.stat().st_size > 0
    assert str(out) in capsys.readouterr().out
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert main(["export", "units", "--format", "gpkg", "-o", str(tmp_path / "u.gpkg"), "--db", demo_db]) == 0
    assert main(["import", "units", str(tmp_path / "u.gpkg"), "--db", fresh]) == 0
    assert main(["import", "stations", str(out), "--db", fresh]) == 0


def test_bad_store_url_is_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info", "--db", "mysql://nowhere"]) == 2
    err = capsys.readouterr().err
    assert "unknown store URL" in err and "Traceback" not in err


def test_import_of_a_missing_file_is_explained(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert main(["import", "households", str(tmp_path / "nope.geojson"), "--db", url]) == 2
    err = capsys.readouterr().err
    assert "nope.geojson" in err and "Traceback" not in err


def test_module_entry_point_runs() -> None:
    done = subprocess.run([sys.executable, "-m", "gridmap", "--help"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0
    for command in ("demo", "info", "import", "export", "bench"):
        assert command in done.stdout


def test_shapefile_export_names_the_zip_it_wrote(demo_db: str, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "stations", "--format", "shp", "-o", str(tmp_path / "s.shp"), "--db", demo_db]) == 0
    printed = capsys.readouterr().out.strip().rsplit(" to ", 1)[1]
    assert Path(printed).exists() and printed.endswith(".zip")


def test_import_vertex_limit_is_a_cli_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ring = [[120.4, 27.5], [120.41, 27.5], [120.41, 27.51], [120.405, 27.512], [120.4, 27.51], [120.4, 27.5]]
    path = tmp_path / "village.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"code": "330327000000", "name": "苍南县", "level": "county"},
        "geometry": {"type": "Polygon", "coordinates": [ring]}}]}), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'g.db'}"
    assert main(["import", "units", str(path), "--db", url, "--max-vertices", "3", "--lang", "en"]) == 2
    assert "6 vertices, above the limit of 3" in capsys.readouterr().err
    assert main(["import", "units", str(path), "--db", url]) == 0
    with pytest.raises(SystemExit):
        main(["import", "units", str(path), "--db", url, "--max-vertices", "0"])
    assert "must be more than 0" in capsys.readouterr().err
