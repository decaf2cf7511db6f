"""``python -m gridmap hotspots``: the CSV an analyst scripts against, and clear refusals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gridmap.__main__ import main
from gridmap.access import Session
from gridmap.domain import Scope
from gridmap.hotspots import hotspots_by_unit, warm_up
from gridmap.hotspots.batch import BatchFilter, filter_points
from gridmap.store import open_store
from tests.conftest import run_cli


def test_cli_writes_the_same_result_as_the_library(demo_db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "hot.csv"
    proc = run_cli("hotspots", "--db", demo_db_url, "--hazard", "flying_wire", "--from", "2026-06-01",
                   "--to", "2026-11-30", "--permutations", "199", "-o", str(out), timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "Getis-Ord" in proc.stdout and "199 random permutations" in proc.stdout
    table = pd.read_csv(out, encoding="utf-8-sig", dtype={"code": str})
    assert list(table.columns) == ["code", "name", "count", "households", "rate", "rate_eb", "z", "p", "p_sim",
                                   "significant", "bin"]
    session = Session.system(open_store(demo_db_url), Scope.county("330327"))
    micro = session.read("units", where={"level": "micro"})
    assert sorted(table["code"]) == sorted(micro["code"])
    points = filter_points(session.read("inspections"), "inspections",
                           BatchFilter(start=pd.Timestamp("2026-06-01").date(), end=pd.Timestamp("2026-11-30").date(),
                                       hazard_types=("flying_wire",)))
    warm_up()
    expect = hotspots_by_unit(micro, points, permutations=199, seed=0).frame.set_index("code")
    got = table.set_index("code").loc[expect.index]
    np.testing.assert_array_equal(got["count"], expect["count"])
    np.testing.assert_allclose(got["z"], expect["z"], rtol=1e-9)
    np.testing.assert_allclose(got["p_sim"], expect["p_sim"], rtol=1e-9)
    assert (got["significant"] == expect["significant"]).all() and (got["bin"] == expect["bin"]).all()
    assert got["count"].sum() == int(points["micro_code"].notna().sum())
    assert f"{int((expect['significant'] & (expect['z'] > 0)).sum())} hot" in proc.stdout


def test_cli_h3_and_issues_in_process(demo_db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cells.xlsx"
    assert main(["hotspots", "--db", demo_db_url, "--h3", "8", "--permutations", "0", "--lang", "zh",
                 "-o", str(out)]) == 0
    said = capsys.readouterr().out
    assert "六边形（H3 第 8 级）" in said and "解析法" in said
    from openpyxl import load_workbook

    ws = load_workbook(out).active
    assert [c.value for c in ws[1]][:3] == ["code", "name", "count"] and ws.max_row > 10
    out2 = tmp_path / "issues.csv"
    assert main(["hotspots", "--db", demo_db_url, "--layer", "issues", "--level", "grid", "--permutations", "0",
                 "--variable", "count", "-o", str(out2)]) == 0
    grid = pd.read_csv(out2, encoding="utf-8-sig")
    assert len(grid) == 52 and grid["count"].sum() > 0


@pytest.mark.parametrize(("args", "message"), [
    (["--h3", "4"], "outside 5-12"),
    (["--h3", "ten"], "not a whole number"),
    (["--alpha", "0.9"], "between 0 and 0.5"),
    (["--permutations", "-1"], "from 0 to 99999"),
    (["--from", "2026-13-01"], "not a date"),
    (["--level", "house"], "invalid choice"),
    (["--h3", "9", "--level", "grid"], "not allowed with argument"),
])
def test_bad_arguments_stop_argparse_with_a_reason(args: list[str], message: str, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["hotspots", "--db", f"sqlite:///{tmp_path / 'none.db'}", *args, "-o", str(tmp_path / "x.csv")])
    assert stop.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(("args", "message"), [
    (["--hazard", "ghosts"], "unknown hazard type 'ghosts'"),
    (["--status", "closed"], "unknown status 'closed'"),
    (["--layer", "issues", "--severity", "high"], "apply to inspections, not to issues"),
    (["--category", "noise"], "applies to issues"),
    (["--from", "2026-11-01", "--to", "2026-10-01"], "starts (2026-11-01) after it ends (2026-10-01)"),
])
def test_bad_filters_get_one_clear_line(args: list[str], message: str, demo_db_url: str, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.csv"
    assert main(["hotspots", "--db", demo_db_url, *args, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not out.exists()


def test_bad_output_is_refused_before_work(demo_db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hotspots", "--db", demo_db_url, "-o", str(tmp_path / "x.txt")]) == 2
    assert ".csv or .xlsx" in capsys.readouterr().err
    assert main(["hotspots", "--db", demo_db_url, "-o", str(tmp_path / "no" / "x.csv")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_empty_jurisdiction_is_a_message(empty_db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hotspots", "--db", empty_db_url, "--permutations", "0", "-o", str(tmp_path / "x.csv")]) == 2
    assert "no micro units in this jurisdiction" in capsys.readouterr().err


def test_as_user_sees_only_their_jurisdiction(demo_db_url: str, tmp_path: Path) -> None:
    # The demo's grid worker has one grid (33032710300101): the run covers its micro-grids only.
    out = tmp_path / "mine.csv"
    assert main(["hotspots", "--db", demo_db_url, "--as", "gridworker", "--permutations", "0", "--variable", "count",
                 "-o", str(out)]) == 0
    table = pd.read_csv(out, encoding="utf-8-sig", dtype={"code": str})
    assert len(table) > 0 and table["code"].str.startswith("33032710300101").all()
    session = Session.system(open_store(demo_db_url), Scope.county("330327"))
    inspections = session.read("inspections")
    mine = inspections["micro_code"].astype(str).str.startswith("33032710300101")
    assert table["count"].sum() == int(mine.sum())


def test_unknown_user_is_one_line(demo_db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hotspots", "--db", demo_db_url, "--as", "nobody", "-o", str(tmp_path / "x.csv")]) == 2
    assert "--as nobody: no such active user" in capsys.readouterr().err


def test_cli_choices_are_the_batch_module_s() -> None:
    import subprocess
    import sys

    from gridmap.__main__ import HOTSPOT_LAYERS, HOTSPOT_LEVELS
    from gridmap.hotspots.batch import BATCH_LAYERS, BATCH_LEVELS
    from tests.conftest import REPO_ROOT

    assert tuple(BATCH_LAYERS) == HOTSPOT_LAYERS and BATCH_LEVELS == HOTSPOT_LEVELS
    # Building the parser (every command does) does not load the statistics (esda).
    probe = "import sys; from gridmap.__main__ import build_parser; build_parser(); print('esda' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
