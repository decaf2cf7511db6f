"""Command line: ``python -m gridmap demo | info | import | export | open311 | users | plans | check-config | bench | hotspots | brief``.

``--as USER`` runs a command with that user's role and jurisdiction, exactly as the
app would; without it, the command acts as the operator (full rights over the county).

Every command takes ``--db URL`` (default: ``GRIDMAP_DB`` or the embedded SQLite
file). Errors are printed as one clear line and exit with status 2, never as a
traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import runpy
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from gridmap.access import Session
from gridmap.domain import LAYERS, Role, Scope
from gridmap.store import StoreError, default_url, open_store

DEFAULT_COUNTY = "330327"
HOTSPOT_LAYERS = ("inspections", "issues")  # = gridmap.hotspots.batch.BATCH_LAYERS (a test checks)
HOTSPOT_LEVELS = ("micro", "grid", "village", "town")  # = gridmap.hotspots.batch.BATCH_LEVELS


class Progress:
    """A one-line progress bar on stderr: ``progress(label, fraction)``."""

    def __init__(self, stream=sys.stderr, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.started = time.perf_counter()
        self._last = ""

    def __call__(self, label: str, fraction: float) -> None:
        fraction = min(max(fraction, 0.0), 1.0)
        done = int(self.width * fraction)
        line = (f"\r[{'#' * done}{'.' * (self.width - done)}] {fraction:4.0%} "
                f"{time.perf_counter() - self.started:6.1f}s  {label}")
        if line != self._last:
            self.stream.write(line.ljust(len(self._last)))
            self.stream.flush()
            self._last = line

    def close(self) -> None:
        if self._last:
            self.stream.write("\n")
            self.stream.flush()


def _cmd_demo(args: argparse.Namespace) -> int:
    from gridmap.demo import load_demo

    store = open_store(args.db)
    scope = Scope.county(DEFAULT_COUNTY)
    if args.if_empty and store.count("units", scope) > 0:
        print(f"store {store.url} already holds data; demo not loaded")
        return 0
    progress = Progress()
    started = time.perf_counter()
    try:
        counts = load_demo(store, args.scale, seed=args.seed, progress=progress, today=args.today)
    finally:
        progress.close()
    elapsed = time.perf_counter() - started
    print(f"demo county ({args.scale}, seed {args.seed}) loaded into {store.url} in {elapsed:.1f} s")
    for name, n in counts.items():
        print(f"  {name:18s} {n:>9,d}")
    return 0


def _cmd_info(args: argparse.Namespace) -> int:
    from gridmap.summary import layer_counts

    info = layer_counts(_session(args, Scope.county(args.county)))
    if args.json:
        print(json.dumps(info, ensure_ascii=False, indent=2, default=str))
    else:
        for key, value in info.items():
            print(f"{key}: {value}")
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    """Import a file; the report (or the refusal) in ``--lang``, else Chinese then English line by line."""
    from gridmap.io import ImportRejected, import_layer

    session = _session(args, Scope.county(args.county))
    progress = Progress()
    refused: ImportRejected | None = None
    try:
        report = import_layer(session, args.layer, Path(args.file), crs=args.crs, source_crs=args.source_crs,
                              mode=args.mode, progress=progress, max_vertices=args.max_vertices,
                              max_extent_deg=args.max_extent_deg, service_map=_service_map(args.service),
                              unknown_category=args.unknown_category)
    except ImportRejected as exc:
        refused = exc
    finally:
        progress.close()
    if refused is not None:
        print(refused.text(args.lang) if args.lang else str(refused), file=sys.stderr)
        return 2
    print(report.text(args.lang) if args.lang else str(report))
    return 0


def _service_map(pairs: list[str] | None) -> dict[str, str]:
    """``--service CODE=CATEGORY`` options as a mapping (Open311 imports)."""
    out: dict[str, str] = {}
    for pair in pairs or []:
        code, sep, category = pair.partition("=")
        if not sep or not code.strip() or not category.strip():
            raise ValueError(f"--service {pair!r}: write it as CODE=CATEGORY, e.g. 006=municipal")
        out[code.strip()] = category.strip()
    return out


def _cmd_open311(args: argparse.Namespace) -> int:
    """``open311 services`` / ``open311 requests``: GeoReport v2 JSON to a file (or stdout)."""
    from gridmap.io import open311

    if args.what == "services":
        records = open311.export_services(args.lang)
    else:
        records = open311.export_requests(_session(args, Scope.county(args.county)), lang=args.lang,
                                          status=args.status)
    data = open311.dumps(records)
    if args.output in (None, "-"):
        sys.stdout.write(data.decode("utf-8") + "\n")
    else:
        Path(args.output).write_bytes(data)
        print(f"exported {len(records)} Open311 {args.what} to {args.output}")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from gridmap.io import export_layer

    n, written = export_layer(_session(args, Scope.county(args.county)), args.layer, Path(args.output),
                              fmt=args.format)
    print(f"exported {n} rows of {args.layer} to {written}")
    return 0


def _session(args: argparse.Namespace, scope: Scope) -> Session:
    """Who the command acts as: ``--as USER`` (their role and jurisdiction), or the operator.

    Without ``--as`` the command runs with the operator's full rights over the county:
    whoever can run it can read the database file or server anyway. With ``--as`` it
    gets exactly what that user gets in the app.
    """
    from gridmap.auth import current_user

    store = open_store(args.db)
    name = getattr(args, "as_user", None)
    if not name:
        return Session.system(store, scope, actor=getattr(args, "actor", None) or "cli")
    user = current_user(store, name)
    if user is None:
        raise StoreError(f"--as {name}: no such active user")
    return Session(store, user)


def _cmd_users(args: argparse.Namespace) -> int:
    from gridmap import auth

    session = _session(args, Scope.county(args.county))
    if args.action == "list":
        users = auth.list_users(session)
        if users.empty:
            print("no user accounts in this jurisdiction")
        for row in users.itertuples():
            state = "disabled" if row.disabled else ("locked" if row.locked_until is not None
                                                     and str(row.locked_until) not in ("NaT", "None") else "active")
            dept = f" [{row.department}]" if isinstance(row.department, str) and row.department else ""
            # Hidden characters are shown as <U+XXXX>, so an old look-alike account stands out.
            print(f"{auth.visible_name(row.id):20s} {row.role:12s} {row.unit_code:18s} {state:8s} "
                  f"{row.display_name}{dept}")
        return 0
    if args.action == "disable":
        auth.disable_user(session, args.username, not args.enable)
        print(f"{args.username}: {'enabled' if args.enable else 'disabled'}")
        return 0
    password = _read_password(args)
    if args.action == "add":
        user = auth.add_user(session, args.username, password, role=args.role, unit_code=args.unit,
                             display_name=args.name, department=args.department)
        print(f"added {user.username} ({user.role.value}, jurisdiction {user.unit_code})")
        if user.username != args.username.strip():
            print(_both("auth.username_normalised", typed=args.username.strip(), username=user.username))
    else:
        auth.set_password(session, args.username, password)
        print(f"{args.username}: password changed; open sessions must sign in again")
    return 0


def _both(key: str, **params: object) -> str:
    """A message in Chinese and English, as the CLI's errors are printed."""
    from gridmap.i18n import t

    return f"{t(key, 'zh', **params)} / {t(key, 'en', **params)}"


def _read_password(args: argparse.Namespace) -> str:
    """The new password: one line on stdin with ``--password-stdin``, else asked twice."""
    import getpass

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("new password / 新密码: ")
    if first != getpass.getpass("again / 再输一次: "):
        raise ValueError("the two passwords differ; nothing changed")
    return first


def _cmd_plans(args: argparse.Namespace) -> int:
    """``plans list`` (the county's plan versions) or ``plans activate`` (publish due scheduled plans)."""
    from gridmap.plan import versions

    session = _session(args, Scope.county(args.county))
    if args.action == "activate":
        now = dt.datetime.fromisoformat(args.now) if args.now else None
        done = (versions.activate_due(session.store, now) if not getattr(args, "as_user", None)
                else versions.activate_due(session, now))
        print(f"activated plan version(s): {', '.join(map(str, done))}" if done else "no scheduled plan is due")
        return 0
    plans = versions.list_plans(session)
    for row in plans.itertuples():
        when = "" if row.effective_at is None or str(row.effective_at) in ("NaT", "None") else f" {row.effective_at}"
        print(f"{row.version:>4d} {row.status:11s} rev {row.revision:<3d} {row.name}{when}")
    return 0


def _cmd_escalate(args: argparse.Namespace) -> int:
    """``escalate``: overdue issues put in front of the commander, once each (issue 12; cron)."""
    from gridmap.workflow import escalate_overdue

    session = _session(args, Scope.county(args.county))
    moment = dt.datetime.fromisoformat(args.now) if args.now else None
    done = escalate_overdue(session, moment)
    print(f"escalated {len(done)} overdue issue(s)" + (f": {', '.join(done[:20])}" if done else ""))
    return 0


def _cmd_check_config(args: argparse.Namespace) -> int:
    import dataclasses

    from gridmap.config import check_deployment, format_findings
    from gridmap.settings import get_settings, load_settings

    # The settings the app reads (gridmap.settings), for another directory with --root.
    settings = get_settings() if args.root is None else load_settings(root=args.root)
    if args.db:
        settings = dataclasses.replace(settings, db_url=args.db)
    findings = check_deployment(settings)
    if args.json:
        print(json.dumps({"findings": [f.as_dict() for f in findings],
                          "errors": sum(f.severity == "error" for f in findings)}, ensure_ascii=False, indent=2))
    else:
        print(format_findings(findings))
    return 1 if any(f.severity == "error" for f in findings) else 0


def _cmd_hotspots(args: argparse.Namespace) -> int:
    """Gi* hot spots of a layer as CSV (or XLSX): code, count, rate, z, p, significant, bin."""
    from gridmap.hotspots import describe_method, warm_up, write_csv, write_xlsx
    from gridmap.hotspots.batch import BatchFilter, batch_table, run_batch

    output = Path(args.output)
    if output.suffix.lower() not in (".csv", ".xlsx"):
        raise ValueError(f"--output {args.output}: write a .csv or .xlsx file")
    if not output.parent.is_dir():
        raise ValueError(f"--output {args.output}: the folder {output.parent} does not exist")
    flt = BatchFilter(start=args.start, end=args.end, hazard_types=tuple(args.hazard or ()),
                      statuses=tuple(args.status or ()), severities=tuple(args.severity or ()),
                      categories=tuple(args.category or ()))
    flt.check(args.layer)  # before the slow part
    session = _session(args, Scope.county(args.county))
    if args.permutations:
        warm_up()  # a batch run waits for the compilation: its p-values come from the permutations
    result = run_batch(session, layer=args.layer, level=args.level, h3_resolution=args.h3, flt=flt,
                       variable=args.variable, permutations=args.permutations, alpha=args.alpha,
                       fdr=not args.no_fdr, seed=args.seed)
    names = None
    if args.h3 is None:
        units = session.read("units", where={"level": args.level}, columns=["code", "name"])
        names = units.set_index("code")["name"]
    table = batch_table(result, names)
    (write_xlsx(table, output, sheet="hotspots") if output.suffix.lower() == ".xlsx" else write_csv(table, output))
    hot = int((result.frame["significant"] & (result.frame["z"] > 0)).sum())
    cold = int((result.frame["significant"] & (result.frame["z"] < 0)).sum())
    print(describe_method(result.method, args.lang))
    print(f"{len(table)} rows, {hot} hot and {cold} cold spots, written to {output}")
    return 0


BENCHMARKS_DIR = Path(__file__).resolve().parent.parent / "benchmarks"


def benchmark_names() -> list[str]:
    """The benchmarks ``bench`` can run: ``benchmarks/bench_NAME.py`` -> ``NAME``."""
    return sorted(path.stem.removeprefix("bench_") for path in BENCHMARKS_DIR.glob("bench_*.py"))


def _cmd_bench(args: argparse.Namespace) -> int:
    names = benchmark_names()
    if args.what is None:
        print("benchmarks (python -m gridmap bench NAME [ARGS], see benchmarks/README.md):")
        for name in names:
            print(f"  {name}")
        return 0
    name = args.what.replace("-", "_")
    if name not in names:
        raise SystemExit(f"error: no benchmark {args.what!r}; there are: {', '.join(names)}")
    script = BENCHMARKS_DIR / f"bench_{name}.py"
    sys.argv = [str(script), *args.rest]
    try:
        runpy.run_path(str(script), run_name="__main__")
    except SystemExit as exc:  # the benchmark's own exit status
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD)") from None


def _positive(kind: type[int] | type[float]) -> Callable[[str], int | float]:
    def parse(text: str) -> int | float:
        try:
            value = kind(text.replace(",", "").replace("_", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be more than 0: {text!r}")
        return value
    return parse


def _ranged(kind: type[int] | type[float], low: float, high: float, why: str) -> Callable[[str], Any]:
    """An argparse type: ``kind`` parsed from the text and kept inside ``low..high``
    (an open interval for floats); ``why`` says what is wrong ({value}, {text})."""
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"not a whole number: {text!r}" if kind is int else f"not a number: {text!r}") from None
        inside = low <= value <= high if kind is int else low < value < high
        if not inside:
            raise argparse.ArgumentTypeError(why.format(value=value, text=repr(text)))
        return value
    return parse


_h3_resolution = _ranged(int, 5, 12, "H3 resolution {value} is outside 5-12 (10 is about 76 m per edge)")
_count = _ranged(int, 0, 99_999, "must be from 0 to 99999: {text}")
_alpha = _ranged(float, 0.0, 0.5, "must be between 0 and 0.5 (e.g. 0.05): {text}")


def _cmd_brief(args: argparse.Namespace) -> int:
    """Issue 13: one unit's one-page brief as PDF or PNG (gridmap.brief)."""
    from gridmap.brief.render import brief_pdf, brief_png
    from gridmap.brief.town import brief_data
    from gridmap.i18n import t

    out = Path(args.output)
    lang = args.lang
    if out.suffix.lower() not in (".pdf", ".png"):
        raise ValueError(t("brief.cli_suffix", lang, path=out))
    session = _session(args, Scope.county(args.unit[:6]))
    try:
        data = brief_data(session, args.unit)
    except ValueError as exc:
        raise ValueError(f"{t('brief.cli_not_unit', lang, code=args.unit)} ({exc})") from None
    body = brief_pdf(data, lang) if out.suffix.lower() == ".pdf" else brief_png(data, lang, chromium=args.chromium)
    out.write_bytes(body)
    print(t("brief.cli_written", lang, path=out))
    return 0


def build_parser() -> argparse.ArgumentParser:
    from gridmap.io.geometry import DEFAULT_MAX_EXTENT_DEG, DEFAULT_MAX_VERTICES

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=None, help=f"store URL (default: GRIDMAP_DB or {default_url()})")
    common.add_argument("--county", default=DEFAULT_COUNTY, help="county code (default 330327 苍南县)")
    common.add_argument("--as", dest="as_user", default=None, metavar="USER",
                        help="act as this user: their role and jurisdiction apply (default: the operator)")

    parser = argparse.ArgumentParser(prog="python -m gridmap", description="gridmap 网格一张图")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", parents=[common], help="generate and load the demo county")
    demo.add_argument("--scale", choices=["small", "county"], default="small")
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--if-empty", action="store_true", help="only when the store holds no units")
    demo.add_argument("--today", type=_date, default=None,
                      help="anchor the 12 months of data at this day (YYYY-MM-DD) instead of now: "
                           "with --seed, gives identical data on every run")
    demo.set_defaults(func=_cmd_demo)

    info = sub.add_parser("info", parents=[common], help="counts per level and per layer")
    info.add_argument("--json", action="store_true")
    info.set_defaults(func=_cmd_info)

    imp = sub.add_parser("import", parents=[common], help="import a layer from a file")
    imp.add_argument("layer", choices=[n for n, s in LAYERS.items() if s.importable])
    imp.add_argument("file")
    imp.add_argument("--crs", default=None, help="CRS of a file that has none (e.g. EPSG:4549)")
    imp.add_argument("--source-crs", choices=["wgs84", "gcj02"], default="wgs84",
                     help="gcj02 for coordinates taken from Gaode/Amap")
    imp.add_argument("--mode", choices=["append", "replace"], default="append")
    imp.add_argument("--actor", default="cli")
    imp.add_argument("--lang", choices=["zh", "en"], default=None,
                     help="language of the report and of the problems (default: Chinese, then English)")
    imp.add_argument("--max-vertices", type=_positive(int), default=DEFAULT_MAX_VERTICES,
                     help=f"the most vertices one feature may have (default {DEFAULT_MAX_VERTICES:,})")
    imp.add_argument("--max-extent-deg", type=_positive(float), default=DEFAULT_MAX_EXTENT_DEG,
                     help=f"the most degrees one polygon may span each way (default {DEFAULT_MAX_EXTENT_DEG:g})")
    imp.add_argument("--service", action="append", default=None, metavar="CODE=CATEGORY",
                     help="Open311 files: file this service code under an issue category (repeatable)")
    imp.add_argument("--unknown-category", default=None, metavar="CATEGORY",
                     help="Open311 files: the category for service codes that match none (default: refuse them)")
    imp.set_defaults(func=_cmd_import)

    o311 = sub.add_parser("open311", parents=[common], help="Open311 GeoReport v2 JSON out: services | requests")
    o311.add_argument("what", choices=["services", "requests"])
    o311.add_argument("-o", "--output", default=None, help="the JSON file (default: standard output)")
    o311.add_argument("--status", choices=["open", "closed"], default=None, help="requests of one kind only")
    o311.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of names and addresses")
    o311.set_defaults(func=_cmd_open311)

    exp = sub.add_parser("export", parents=[common], help="export a layer to a file")
    exp.add_argument("layer", choices=[n for n, s in LAYERS.items() if s.importable])
    exp.add_argument("--format", choices=["gpkg", "geojson", "shp", "csv"], required=True)
    exp.add_argument("-o", "--output", required=True)
    exp.set_defaults(func=_cmd_export)

    users = sub.add_parser("users", help="user accounts: add | list | set-password | disable")
    users_sub = users.add_subparsers(dest="action", required=True)
    add = users_sub.add_parser("add", parents=[common], help="create an account")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--unit", required=True, help="jurisdiction: a unit code at any level")
    add.add_argument("--name", default=None, help="display name (default: the user name)")
    add.add_argument("--department", default=None, help="department handlers: their department")
    listing = users_sub.add_parser("list", parents=[common], help="accounts in the jurisdiction")
    setpw = users_sub.add_parser("set-password", parents=[common], help="set a new password, lift a lock")
    setpw.add_argument("username")
    for p in (add, setpw):
        p.add_argument("--password-stdin", action="store_true", help="read the password from stdin (one line)")
    disable = users_sub.add_parser("disable", parents=[common], help="disable (or --enable) an account")
    disable.add_argument("username")
    disable.add_argument("--enable", action="store_true")
    for p in (add, listing, setpw, disable):
        p.set_defaults(func=_cmd_users)

    plans = sub.add_parser("plans", help="boundary plan versions: list | activate (publish due scheduled plans)")
    plans_sub = plans.add_subparsers(dest="action", required=True)
    plans_sub.add_parser("list", parents=[common], help="the county's plan versions and their status")
    activate = plans_sub.add_parser("activate", parents=[common],
                                    help="publish every scheduled plan whose effective time has come (cron)")
    activate.add_argument("--now", default=None, help="the clock, Beijing time YYYY-MM-DDTHH:MM (default: now)")
    for p in plans_sub.choices.values():
        p.set_defaults(func=_cmd_plans)

    escalate = sub.add_parser("escalate", parents=[common],
                              help="escalate every overdue issue not yet escalated to the commander (cron)")
    escalate.add_argument("--now", default=None, help="the clock, Beijing time YYYY-MM-DDTHH:MM (default: now)")
    escalate.set_defaults(func=_cmd_escalate)

    check = sub.add_parser("check-config", help="list insecure or risky settings; exit 1 if any is an error")
    check.add_argument("--db", default=None, help=f"store URL (default: GRIDMAP_DB or {default_url()})")
    check.add_argument("--root", default=None,
                       help="directory with .streamlit/ and static/ (default: the current one, as Streamlit)")
    check.add_argument("--json", action="store_true")
    check.set_defaults(func=_cmd_check_config)

    # --- hot spots (issue 11): Gi* of a layer as CSV
    # (choices spelled here: importing gridmap.hotspots would load esda for every command)
    from gridmap.domain import CATEGORIES, HazardStatus, HazardType, IssueStatus, Severity

    hot = sub.add_parser("hotspots", parents=[common],
                         help="Getis-Ord Gi* hot spots of inspections or issues per unit or H3 cell, as CSV")
    hot.add_argument("--layer", choices=list(HOTSPOT_LAYERS), default="inspections")
    where = hot.add_mutually_exclusive_group()
    where.add_argument("--level", choices=list(HOTSPOT_LEVELS), default="micro", help="unit level (default micro)")
    where.add_argument("--h3", type=_h3_resolution, default=None, metavar="RES",
                       help="H3 cells of this resolution (5-12) instead of units")
    hot.add_argument("--from", dest="start", type=_date, default=None, help="first day (YYYY-MM-DD), included")
    hot.add_argument("--to", dest="end", type=_date, default=None, help="last day (YYYY-MM-DD), included")
    hot.add_argument("--hazard", action="append", metavar="TYPE", help=f"hazard type (repeatable): "
                     f"{', '.join(str(h) for h in HazardType)}")
    hot.add_argument("--status", action="append", help="status (repeatable): inspections "
                     f"{', '.join(str(s) for s in HazardStatus)}; issues {', '.join(str(s) for s in IssueStatus)}")
    hot.add_argument("--severity", action="append", help=f"severity (repeatable): {', '.join(str(s) for s in Severity)}")
    hot.add_argument("--category", action="append", help=f"issue category (repeatable): {', '.join(CATEGORIES)}")
    hot.add_argument("--variable", choices=["count", "rate", "rate_eb"], default=None,
                     help="count, rate per 100 households, or rate_eb (smoothed; the default on units)")
    hot.add_argument("--permutations", type=_count, default=999, help="conditional permutations (0: analytic)")
    hot.add_argument("--alpha", type=_alpha, default=0.05, help="significance level (default 0.05)")
    hot.add_argument("--no-fdr", action="store_true", help="no false-discovery-rate correction")
    hot.add_argument("--seed", type=int, default=0, help="seed of the permutations")
    hot.add_argument("--lang", choices=["zh", "en"], default="en", help="language of the method line")
    hot.add_argument("-o", "--output", required=True, help="the .csv (or .xlsx) file to write")
    hot.set_defaults(func=_cmd_hotspots)

    bench = sub.add_parser("bench", help="run a benchmark from benchmarks/ (e.g. load); no name: list them")
    bench.add_argument("what", nargs="?", help="benchmarks/bench_NAME.py to run (NAME; - or _)")
    bench.add_argument("rest", nargs=argparse.REMAINDER)
    bench.set_defaults(func=_cmd_bench)

    # Issue 13: the commander's one-page brief of a town.
    brief = sub.add_parser("brief", parents=[common], help="one unit's one-page brief (a town) as PDF or PNG")
    brief.add_argument("--unit", required=True, help="the unit's code (a town: 330327100000)")
    brief.add_argument("-o", "--output", required=True, help="FILE.pdf or FILE.png")
    brief.add_argument("--lang", choices=["zh", "en"], default="zh")
    brief.add_argument("--chromium", default="/usr/bin/chromium", help="Chromium for the PNG (default Debian's)")
    brief.set_defaults(func=_cmd_brief)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except (StoreError, ValueError, OSError) as exc:  # gridmap.io.ImportRejected is a ValueError
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; nothing was written by the unfinished step", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
