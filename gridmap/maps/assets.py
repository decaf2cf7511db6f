"""Leaflet and plugin files served by gridmap itself, so the map works with no internet.

folium loads every script and stylesheet from public CDNs by default. gridmap serves
its own copies instead, under Streamlit's static route (``./static/`` is served at
``/app/static/``):

- ``make assets`` runs ``npm ci`` in ``web/`` (exact versions pinned by
  ``web/package-lock.json``; the npm registry is needed at install time only) and then
  :func:`install_assets`, which copies the files listed in :data:`ASSETS` to
  ``static/vendor/``. Two files come from the installed ``folium`` wheel itself
  (folium's patched ``leaflet.heat``).
- :func:`use_local_assets` points ``default_js`` / ``default_css`` of folium's
  :class:`~folium.Map` and of the plugins gridmap uses (:data:`PLUGINS`) at those
  copies. It is idempotent and raises :class:`AssetsMissing` (naming ``make assets``)
  when a file is not installed.
- :func:`offsite_assets` lists what still points off-site: for the classes gridmap
  uses, or for a built map (walking its elements the way ``st_folium`` does).

Two stylesheets of folium's default list are deliberately not served: Bootstrap 3
glyphicons and folium's marker-rotation CSS. gridmap's markers use Font Awesome icons
(``prefix="fa"``) without rotation, so neither is needed.

Never put jurisdiction data under ``static/``: it is served without sign-in.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import branca.colormap
import branca.element
import folium
import folium.plugins
from folium.elements import JSCSSMixin

from gridmap.settings import Settings, get_settings

REPO_ROOT = Path(__file__).resolve().parents[2]
VENDOR = "vendor"
MAKE_HINT = "run `make assets` (it needs npm once, at install time; never at run time)"


class AssetsMissing(FileNotFoundError):
    """Leaflet/plugin files are not installed under ``static/vendor``."""


@dataclass(frozen=True)
class Asset:
    """One served file.

    Attributes:
        name: folium's resource name (the first item of a ``default_js`` pair).
        path: where it lives under ``static/vendor/``.
        source: ``"npm:<path under web/node_modules>"`` or ``"folium:<path in the
            folium package>"``.
        kind: ``"js"`` or ``"css"``.
        extras: files or folders next to the source that it references relatively
            (images, webfonts, source maps), copied to the same place beside ``path``.
    """

    name: str
    path: str
    source: str
    kind: str
    extras: tuple[str, ...] = ()


def _npm(name: str, package: str, file: str, kind: str, extras: tuple[str, ...] = ()) -> Asset:
    vendor_dir = package.split("/")[-1]  # "@fortawesome/fontawesome-free" -> "fontawesome-free"
    return Asset(name, f"{vendor_dir}/{file}", f"npm:{package}/{file}", kind, extras)


# Map's own assets, in folium's order (jQuery before Bootstrap, Leaflet before plugins).
_MAP_JS = (
    _npm("leaflet", "leaflet", "dist/leaflet.js", "js", ("leaflet.js.map",)),
    _npm("jquery", "jquery", "dist/jquery.min.js", "js"),
    _npm("bootstrap", "bootstrap", "dist/js/bootstrap.bundle.min.js", "js", ("bootstrap.bundle.min.js.map",)),
    _npm("awesome_markers", "leaflet.awesome-markers", "dist/leaflet.awesome-markers.js", "js"),
)
_MAP_CSS = (
    _npm("leaflet_css", "leaflet", "dist/leaflet.css", "css", ("images",)),
    _npm("bootstrap_css", "bootstrap", "dist/css/bootstrap.min.css", "css", ("bootstrap.min.css.map",)),
    _npm("awesome_markers_font_css", "@fortawesome/fontawesome-free", "css/all.min.css", "css", ("../webfonts",)),
    _npm("awesome_markers_css", "leaflet.awesome-markers", "dist/leaflet.awesome-markers.css", "css", ("images",)),
)
_CLUSTER_JS = (
    _npm("markerclusterjs", "leaflet.markercluster", "dist/leaflet.markercluster.js", "js",
         ("leaflet.markercluster.js.map",)),
)
_CLUSTER_CSS = (
    _npm("markerclustercss", "leaflet.markercluster", "dist/MarkerCluster.css", "css"),
    _npm("markerclusterdefaultcss", "leaflet.markercluster", "dist/MarkerCluster.Default.css", "css"),
)
_HEAT_JS = (Asset("leaflet-heat.js", "folium/leaflet_heat.min.js", "folium:templates/leaflet_heat.min.js", "js"),)
_DRAW_JS = (_npm("leaflet_draw_js", "leaflet-draw", "dist/leaflet.draw.js", "js"),)
_DRAW_CSS = (_npm("leaflet_draw_css", "leaflet-draw", "dist/leaflet.draw.css", "css", ("images",)),)

# The classes gridmap uses and the files each needs. Subclasses that do not set their
# own lists (FastMarkerCluster under MarkerCluster) inherit the override.
PLUGINS: dict[type[JSCSSMixin], tuple[tuple[Asset, ...], tuple[Asset, ...]]] = {
    folium.Map: (_MAP_JS, _MAP_CSS),
    folium.plugins.MarkerCluster: (_CLUSTER_JS, _CLUSTER_CSS),
    folium.plugins.HeatMap: (_HEAT_JS, ()),
    folium.plugins.Draw: (_DRAW_JS, _DRAW_CSS),
}

ASSETS: tuple[Asset, ...] = tuple(a for js, css in PLUGINS.values() for a in (*js, *css))


# --------------------------------------------------------------------------- locations


def static_dir(settings: Settings | None = None) -> Path:
    """The directory Streamlit serves at ``/app/static/`` (``$GRIDMAP_STATIC_DIR`` or the repository's ``static/``).

    Args:
        settings: default :func:`gridmap.settings.get_settings`.
    """
    configured = (settings or get_settings()).static_dir
    return configured if configured is not None else REPO_ROOT / "static"


def static_url(settings: Settings | None = None) -> str:
    """The URL path of the static route (``$GRIDMAP_STATIC_URL``, default ``/app/static``).

    Set it when Streamlit runs under ``server.baseUrlPath`` (e.g. ``/gridmap/app/static``).

    Args:
        settings: default :func:`gridmap.settings.get_settings`.
    """
    return (settings or get_settings()).static_url


def vendor_url(asset: Asset, url_prefix: str | None = None) -> str:
    """The URL the browser loads ``asset`` from."""
    return f"{(url_prefix if url_prefix is not None else static_url()).rstrip('/')}/{VENDOR}/{asset.path}"


def missing_assets(root: Path | None = None) -> list[str]:
    """Vendor paths (relative to ``static/vendor``) of needed files that are not installed."""
    vendor = (root or static_dir()) / VENDOR
    missing = []
    for asset in ASSETS:
        target = vendor / asset.path
        if not target.is_file():
            missing.append(asset.path)
            continue
        for extra in asset.extras:
            if not (target.parent / extra).exists():
                missing.append(str(Path(asset.path).parent / extra))
    return missing


# --------------------------------------------------------------------------- override


def use_local_assets(*, check: bool = True, root: Path | None = None, url_prefix: str | None = None) -> None:
    """Point folium's Map and the plugins in :data:`PLUGINS` at the served copies.

    Safe to call any number of times (each call sets the same lists). Changes the
    classes, so it affects every map built afterwards in this process.

    Args:
        check: Raise :class:`AssetsMissing` when a file is not installed.
        root: The static directory (default :func:`static_dir`).
        url_prefix: The static URL path (default :func:`static_url`).

    Raises:
        AssetsMissing: ``check`` is set and some file is missing; the message names
            the files and ``make assets``.
    """
    if check:
        missing = missing_assets(root)
        if missing:
            shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
            raise AssetsMissing(f"map assets are not installed under {(root or static_dir()) / VENDOR} "
                                f"(missing: {shown}); {MAKE_HINT}")
    for cls, (js, css) in PLUGINS.items():
        cls.default_js = [(a.name, vendor_url(a, url_prefix)) for a in js]
        cls.default_css = [(a.name, vendor_url(a, url_prefix)) for a in css]


def is_offsite(url: str) -> bool:
    """True for a URL the browser would fetch from another host (``http:``, ``https:``, ``//``)."""
    u = url.strip().lower()
    return u.startswith(("http://", "https://", "//"))


def offsite_assets(where: branca.element.Element | Iterable[type] | None = None) -> list[tuple[str, str, str]]:
    """Scripts and stylesheets that still load from another host.

    Args:
        where: None for the classes in :data:`PLUGINS` and their subclasses; a list of
            classes; or a built map (any element): then its element tree is walked as
            ``st_folium`` walks it, including the d3 scripts ``st_folium`` adds for a
            branca colormap.

    Returns:
        ``(owner, resource name, url)`` for every off-site asset; empty when all is local.
    """
    found: list[tuple[str, str, str]] = []
    if isinstance(where, branca.element.Element):
        for element in _walk(where):
            owner = type(element).__name__
            if isinstance(element, branca.colormap.ColorMap):
                found.append((owner, "d3 (added by st_folium for colormaps)", "https://d3js.org/d3.v4.min.js"))
            found += [(owner, n, u) for n, u in _links(element) if is_offsite(u)]
        return found
    classes = list(where) if where is not None else list(_with_subclasses(PLUGINS))
    for cls in classes:
        found += [(cls.__name__, n, u) for n, u in _links(cls) if is_offsite(u)]
    return found


def _links(obj: object) -> list[tuple[str, str]]:
    return [*getattr(obj, "default_js", []), *getattr(obj, "default_css", [])]


def _walk(element: branca.element.Element) -> Iterator[branca.element.Element]:
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def _with_subclasses(classes: Iterable[type]) -> Iterator[type]:
    seen: set[type] = set()
    stack = list(classes)
    while stack:
        cls = stack.pop()
        if cls in seen:
            continue
        seen.add(cls)
        yield cls
        stack.extend(cls.__subclasses__())


# --------------------------------------------------------------------------- install


def install_assets(node_modules: Path | None = None, root: Path | None = None) -> list[Path]:
    """Copy the files in :data:`ASSETS` to ``static/vendor/`` (what ``make assets`` runs).

    The vendor directory is emptied first, so files of an older version never linger.

    Args:
        node_modules: ``web/node_modules`` after ``npm ci`` (the default).
        root: The static directory (default :func:`static_dir`).

    Returns:
        The files and folders written.

    Raises:
        AssetsMissing: a source file is missing (``npm ci`` did not run or failed).
    """
    node_modules = node_modules or REPO_ROOT / "web" / "node_modules"
    vendor = (root or static_dir()) / VENDOR
    folium_dir = Path(str(resources.files("folium")))
    sources = [(a, _source(a, node_modules, folium_dir)) for a in ASSETS]
    absent = [str(src) for _, src in sources if not src.is_file()]
    if absent:
        raise AssetsMissing(f"cannot find {', '.join(absent[:3])}; run `npm ci` in web/ first ({MAKE_HINT})")
    if vendor.exists():
        shutil.rmtree(vendor)
    written: list[Path] = []
    for asset, src in sources:
        target = vendor / asset.path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, target)
        written.append(target)
        for extra in asset.extras:
            extra_src, extra_dst = src.parent / extra, target.parent / extra
            if extra_src.is_dir():
                shutil.copytree(extra_src, extra_dst, dirs_exist_ok=True)
            elif extra_src.is_file():
                extra_dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(extra_src, extra_dst)
            else:
                raise AssetsMissing(f"cannot find {extra_src} (referenced by {asset.path})")
            written.append(extra_dst)
    return written


def _source(asset: Asset, node_modules: Path, folium_dir: Path) -> Path:
    kind, _, rel = asset.source.partition(":")
    if kind == "npm":
        return node_modules / rel
    if kind == "folium":
        return folium_dir / rel
    raise ValueError(f"unknown asset source {asset.source!r}")


__all__ = [
    "ASSETS",
    "PLUGINS",
    "Asset",
    "AssetsMissing",
    "install_assets",
    "is_offsite",
    "missing_assets",
    "offsite_assets",
    "static_dir",
    "static_url",
    "use_local_assets",
    "vendor_url",
]
