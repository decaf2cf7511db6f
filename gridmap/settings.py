"""gridmap's settings: every environment variable the code reads, parsed once, in one place.

- :class:`Settings` -- a frozen record of every setting, with its default. Each field
  names its environment variable(s) in its metadata (``env``); :func:`variables` lists
  them all, and ``tests/test_docs.py`` checks that the README documents each one.
- :func:`load_settings` -- parse an environment (default: the process environment)
  and the Streamlit configuration files. Library functions take a :class:`Settings`
  (or one of its fields) as an argument, so a test passes its own.
- :func:`get_settings` -- the process's settings, read once and cached;
  :func:`reset_settings` forgets them (tests that change the environment).
- :class:`UploadLimits` and the size defaults, shared with :mod:`gridmap.uploads` and
  :mod:`gridmap.config` (which both import this module; it imports no gridmap module).

One rule for a value that cannot be used: the default is used instead, and the
variable, its value and the default are recorded in :attr:`Settings.invalid`, which
``python -m gridmap check-config`` reports. Numbers must be positive whole numbers
(``GRIDMAP_SESSION_IDLE_MINUTES=0`` is refused, not "sign out at once"); switches take
``1/true/yes/on`` or ``0/false/no/off``. The tile variables are kept as written:
:func:`gridmap.maps.tiles.tile_source` turns them into a tile source or a
:class:`~gridmap.maps.tiles.TileConfigError` naming the problem.
"""

from __future__ import annotations

import functools
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

MIB = 2**20
DEFAULT_IMAGE_BYTES = 10 * MIB
DEFAULT_DATA_BYTES = 50 * MIB  # .streamlit/config.toml: server.maxUploadSize = 50
DEFAULT_UNPACKED_BYTES = 200 * MIB  # a zip's content, as gridmap.io.read.DEFAULT_MAX_BYTES
# 64 million pixels holds a 50 MP phone photo (8160 x 6144); decoding it takes ~200 MB.
DEFAULT_MAX_PIXELS = 64_000_000

DEFAULT_ENV = "development"
PRODUCTION = "production"
DEFAULT_DATA_DIR = Path("data")
IDLE_MINUTES_DEFAULT = 30
MAX_SESSION_HOURS_DEFAULT = 12
DEFAULT_LIVE_SECONDS = 30
DEFAULT_DUPLICATE_METRES = 50  # issue 12: duplicate suggestions, how near
DEFAULT_DUPLICATE_DAYS = 7  # ... and how recent
DEFAULT_STATIC_URL = "/app/static"
DEFAULT_PUBLIC_URL = "http://localhost:8501"  # what `make run` serves
# Service stations (gridmap.stations): a supervision visit recorded farther than this from
# the station is flagged; households within the walking distance of a station are covered.
DEFAULT_VISIT_FAR_M = 200
DEFAULT_WALK_M = 500

# Streamlit's own defaults (1.67) for the options gridmap checks, and their types.
STREAMLIT_DEFAULTS: dict[str, Any] = {
    "global.developmentMode": False,  # True only when Streamlit runs from a source checkout
    "client.showErrorDetails": "full",
    "server.enableXsrfProtection": True,
    "server.enableCORS": True,
    "browser.gatherUsageStats": True,
    "server.maxUploadSize": 200,
    "server.sslCertFile": None,
    "server.enableStaticServing": False,
    "server.address": None,
}
_BOOL_OPTIONS = frozenset({"global.developmentMode", "server.enableXsrfProtection", "server.enableCORS",
                           "browser.gatherUsageStats", "server.enableStaticServing"})
_INT_OPTIONS = frozenset({"server.maxUploadSize"})
_TRUE = frozenset({"true", "1", "yes", "y", "on", "t"})
_FALSE = frozenset({"false", "0", "no", "n", "off", "f"})


@dataclass(frozen=True)
class UploadLimits:
    """What an upload may weigh.

    Attributes:
        image_bytes: the largest photo, in bytes.
        data_bytes: the largest data file (as uploaded), in bytes. Keep Streamlit's
            ``server.maxUploadSize`` (MB) at or below it: Streamlit holds the whole
            upload in memory before gridmap sees it.
        unpacked_bytes: the largest total uncompressed content of a zip.
        max_pixels: the largest picture (width x height), checked from the header
            before decoding. Pillow refuses above twice ``Image.MAX_IMAGE_PIXELS``
            (~179 million) whatever this says; gridmap never changes that global.
    """

    image_bytes: int = DEFAULT_IMAGE_BYTES
    data_bytes: int = DEFAULT_DATA_BYTES
    unpacked_bytes: int = DEFAULT_UNPACKED_BYTES
    max_pixels: int = DEFAULT_MAX_PIXELS

    def max_bytes(self, kind: Literal["image", "data"]) -> int:
        """The size limit for ``kind``."""
        return self.image_bytes if kind == "image" else self.data_bytes


@dataclass(frozen=True)
class StreamlitConfig:
    """The Streamlit options checked by :mod:`gridmap.config`, as Streamlit will see them.

    Attributes:
        values: options set explicitly (config files, then environment variables).
        sources: where each of ``values`` was set: a file path or an environment variable.
        files: the config files that were read.
        unreadable: (file, reason) for config files that are not valid TOML.
    """

    values: Mapping[str, Any] = field(default_factory=dict)
    sources: Mapping[str, str] = field(default_factory=dict)
    files: tuple[Path, ...] = ()
    unreadable: tuple[tuple[Path, str], ...] = ()

    def get(self, option: str) -> Any:
        """The value of ``option`` (``"server.enableCORS"``): set explicitly, else Streamlit's default."""
        return self.values.get(option, STREAMLIT_DEFAULTS.get(option))

    def source(self, option: str) -> str | None:
        """Where ``option`` was set, or None when it has Streamlit's default."""
        return self.sources.get(option)


@dataclass(frozen=True)
class InvalidSetting:
    """An environment variable whose value could not be used; the default was used instead.

    Attributes:
        variable: the environment variable.
        value: its value as set.
        default: the value used instead.
        expected: ``"number"`` (a positive whole number) or ``"switch"`` (on/off).
    """

    variable: str
    value: str
    default: Any
    expected: Literal["number", "switch"] = "number"


def _env(*names: str) -> dict[str, tuple[str, ...]]:
    return {"env": names}


@dataclass(frozen=True)
class Settings:
    """Every gridmap setting, from the environment and Streamlit's configuration.

    Each field's metadata ``env`` names the variable(s) it is read from; the defaults
    below are what an empty environment gives.

    Attributes:
        env: ``GRIDMAP_ENV``, lower case (default ``development``).
        data_dir: ``GRIDMAP_DATA`` (default ``data``): the embedded store's directory.
        db_url: ``GRIDMAP_DB``, else ``sqlite:///<data_dir>/gridmap.db``.
        session_idle_minutes: ``GRIDMAP_SESSION_IDLE_MINUTES`` (default 30).
        session_max_hours: ``GRIDMAP_SESSION_MAX_HOURS`` (default 12).
        session_secret: ``GRIDMAP_SECRET``: the key that signs the remembered-session
            cookie (at least 32 characters); empty means a random key kept in
            ``<data_dir>/session_secret`` (see :func:`gridmap.auth.session_secret`).
        upload_limits: ``GRIDMAP_UPLOAD_IMAGE_MB`` (default 10) and
            ``GRIDMAP_UPLOAD_DATA_MB`` (default 50).
        tiles: ``GRIDMAP_TILES``, lower case, ``-`` as ``_``; ``custom`` when unset and
            ``GRIDMAP_TILE_URL`` is set, else ``none``.
        tiles_raw: ``GRIDMAP_TILES`` as written (for messages).
        tianditu_key: ``GRIDMAP_TIANDITU_KEY`` (empty when unset).
        tile_url, tile_attribution, tile_crs, tile_subdomains, tile_max_zoom: the
            ``custom`` tile server (``GRIDMAP_TILE_URL``, ``GRIDMAP_TILE_ATTRIBUTION``,
            ``GRIDMAP_TILE_CRS``, ``GRIDMAP_TILE_SUBDOMAINS``, ``GRIDMAP_TILE_MAX_ZOOM``),
            stripped; checked by :func:`gridmap.maps.tiles.tile_source`.
        static_dir: ``GRIDMAP_STATIC_DIR``: the directory Streamlit serves at
            ``/app/static/``; None means the repository's ``static/``.
        static_url: ``GRIDMAP_STATIC_URL`` (default ``/app/static``), without a
            trailing ``/``.
        public_url: ``GRIDMAP_PUBLIC_URL`` (default ``http://localhost:8501``), without
            a trailing ``/``: the app's address as its users reach it (behind a reverse
            proxy, the proxy's); links the app hands out (an Open311 request's
            ``media_url``) start with it.
        live_seconds: ``GRIDMAP_LIVE_SECONDS`` (default 30): the command map's refresh.
        duplicate_metres, duplicate_days: ``GRIDMAP_DUPLICATE_METRES`` (default 50) and
            ``GRIDMAP_DUPLICATE_DAYS`` (default 7): how near and how recent an open
            report of the same category must be to be offered as a duplicate.
        live_trim: ``GRIDMAP_LIVE_TRIM`` (default on): bound the live map's layers
            against streamlit-folium's leak; off only to measure the leak.
        hotspots_warm: ``GRIDMAP_HOTSPOTS_WARM`` (default on): compile esda's permutation
            code (numba, 25-70 s of one core) in the background at server start; off keeps
            the hot-spot views analytic (they say so), e.g. for short-lived test servers.
        inspection_cycles: ``GRIDMAP_INSPECTION_CYCLES``: days between visits per place
            type, ``rental=30,shop=60`` (unlisted types keep the defaults of
            :data:`gridmap.hazards.DEFAULT_CYCLES`); parsed, and bad entries named, by
            :func:`gridmap.hazards.parse_cycles`.
        visit_far_m: ``GRIDMAP_VISIT_FAR_M`` (default 200): a supervision visit recorded
            farther than this many metres from its station is flagged.
        walk_m: ``GRIDMAP_WALK_M`` (default ``500``): the walking distance in metres that a
            station covers, for every type, optionally followed by per-type values
            (``500,happiness=300,governance_centre=1000``); as (type, metres) pairs, the
            default under ``"*"``.
        streamlit: the Streamlit options that matter for security.
        root: the directory holding ``.streamlit/`` and ``static/`` (Streamlit's
            working directory).
        invalid: variables whose values were unusable (their defaults were used).
    """

    env: str = field(default=DEFAULT_ENV, metadata=_env("GRIDMAP_ENV"))
    data_dir: Path = field(default=DEFAULT_DATA_DIR, metadata=_env("GRIDMAP_DATA"))
    db_url: str = field(default=f"sqlite:///{DEFAULT_DATA_DIR / 'gridmap.db'}", metadata=_env("GRIDMAP_DB"))
    session_idle_minutes: int = field(default=IDLE_MINUTES_DEFAULT, metadata=_env("GRIDMAP_SESSION_IDLE_MINUTES"))
    session_max_hours: int = field(default=MAX_SESSION_HOURS_DEFAULT, metadata=_env("GRIDMAP_SESSION_MAX_HOURS"))
    session_secret: str = field(default="", repr=False, metadata=_env("GRIDMAP_SECRET"))
    upload_limits: UploadLimits = field(default_factory=UploadLimits,
                                        metadata=_env("GRIDMAP_UPLOAD_IMAGE_MB", "GRIDMAP_UPLOAD_DATA_MB"))
    tiles: str = field(default="none", metadata=_env("GRIDMAP_TILES"))
    tiles_raw: str = field(default="", metadata=_env("GRIDMAP_TILES"))
    tianditu_key: str = field(default="", metadata=_env("GRIDMAP_TIANDITU_KEY"))
    tile_url: str = field(default="", metadata=_env("GRIDMAP_TILE_URL"))
    tile_attribution: str = field(default="", metadata=_env("GRIDMAP_TILE_ATTRIBUTION"))
    tile_crs: str = field(default="", metadata=_env("GRIDMAP_TILE_CRS"))
    tile_subdomains: str = field(default="", metadata=_env("GRIDMAP_TILE_SUBDOMAINS"))
    tile_max_zoom: str = field(default="", metadata=_env("GRIDMAP_TILE_MAX_ZOOM"))
    static_dir: Path | None = field(default=None, metadata=_env("GRIDMAP_STATIC_DIR"))
    static_url: str = field(default=DEFAULT_STATIC_URL, metadata=_env("GRIDMAP_STATIC_URL"))
    public_url: str = field(default=DEFAULT_PUBLIC_URL, metadata=_env("GRIDMAP_PUBLIC_URL"))
    live_seconds: int = field(default=DEFAULT_LIVE_SECONDS, metadata=_env("GRIDMAP_LIVE_SECONDS"))
    live_trim: bool = field(default=True, metadata=_env("GRIDMAP_LIVE_TRIM"))
    hotspots_warm: bool = field(default=True, metadata=_env("GRIDMAP_HOTSPOTS_WARM"))
    inspection_cycles: str = field(default="", metadata=_env("GRIDMAP_INSPECTION_CYCLES"))
    duplicate_metres: int = field(default=DEFAULT_DUPLICATE_METRES, metadata=_env("GRIDMAP_DUPLICATE_METRES"))
    duplicate_days: int = field(default=DEFAULT_DUPLICATE_DAYS, metadata=_env("GRIDMAP_DUPLICATE_DAYS"))
    visit_far_m: int = field(default=DEFAULT_VISIT_FAR_M, metadata=_env("GRIDMAP_VISIT_FAR_M"))
    walk_m: tuple[tuple[str, int], ...] = field(default=(("*", DEFAULT_WALK_M),), metadata=_env("GRIDMAP_WALK_M"))
    streamlit: StreamlitConfig = field(default_factory=StreamlitConfig)
    root: Path = field(default_factory=Path.cwd)
    invalid: tuple[InvalidSetting, ...] = ()

    @property
    def production(self) -> bool:
        """True when ``GRIDMAP_ENV=production``."""
        return self.env == PRODUCTION


def variables() -> tuple[str, ...]:
    """Every environment variable :class:`Settings` is read from (``STREAMLIT_*`` aside), in field order."""
    names = [name for f in fields(Settings) for name in f.metadata.get("env", ())]
    return tuple(dict.fromkeys(names))


def load_settings(environ: Mapping[str, str] | None = None, *, root: Path | str | None = None,
                  home: Path | str | None = None) -> Settings:
    """Read the settings.

    Args:
        environ: environment variables (default: the process environment).
        root: the directory Streamlit starts in (``.streamlit/config.toml``,
            ``static/``); default the current directory, as Streamlit.
        home: the home directory holding the global ``.streamlit/config.toml``;
            default the user's home.

    Returns:
        The settings; unusable values fall back to their defaults and are listed in
        :attr:`Settings.invalid`.
    """
    env = os.environ if environ is None else environ
    root_dir = Path(root) if root is not None else Path.cwd()
    home_dir = Path(home) if home is not None else Path.home()
    invalid: list[InvalidSetting] = []

    def text(variable: str) -> str:
        return (env.get(variable) or "").strip()

    def number(variable: str, default: int) -> int:
        raw = text(variable)
        if not raw:
            return default
        try:
            value = int(raw)
        except ValueError:
            value = 0
        if value <= 0:
            invalid.append(InvalidSetting(variable, raw, default))
            return default
        return value

    def switch(variable: str, default: bool) -> bool:
        raw = text(variable)
        if not raw:
            return default
        if raw.lower() in _TRUE:
            return True
        if raw.lower() in _FALSE:
            return False
        invalid.append(InvalidSetting(variable, raw, "1" if default else "0", "switch"))
        return default

    data_dir = Path(text("GRIDMAP_DATA") or DEFAULT_DATA_DIR)
    tile_url = text("GRIDMAP_TILE_URL")
    tiles = text("GRIDMAP_TILES").lower().replace("-", "_") or ("custom" if tile_url else "none")
    limits = UploadLimits(image_bytes=number("GRIDMAP_UPLOAD_IMAGE_MB", DEFAULT_IMAGE_BYTES // MIB) * MIB,
                          data_bytes=number("GRIDMAP_UPLOAD_DATA_MB", DEFAULT_DATA_BYTES // MIB) * MIB)
    static_dir = text("GRIDMAP_STATIC_DIR")
    return Settings(
        env=text("GRIDMAP_ENV").lower() or DEFAULT_ENV,
        data_dir=data_dir,
        db_url=text("GRIDMAP_DB") or f"sqlite:///{data_dir / 'gridmap.db'}",
        session_idle_minutes=number("GRIDMAP_SESSION_IDLE_MINUTES", IDLE_MINUTES_DEFAULT),
        session_max_hours=number("GRIDMAP_SESSION_MAX_HOURS", MAX_SESSION_HOURS_DEFAULT),
        session_secret=text("GRIDMAP_SECRET"),
        upload_limits=limits,
        tiles=tiles,
        tiles_raw=env.get("GRIDMAP_TILES") or "",
        tianditu_key=text("GRIDMAP_TIANDITU_KEY"),
        tile_url=tile_url,
        tile_attribution=text("GRIDMAP_TILE_ATTRIBUTION"),
        tile_crs=text("GRIDMAP_TILE_CRS").lower(),
        tile_subdomains=text("GRIDMAP_TILE_SUBDOMAINS"),
        tile_max_zoom=text("GRIDMAP_TILE_MAX_ZOOM"),
        static_dir=Path(static_dir) if static_dir else None,
        static_url=(text("GRIDMAP_STATIC_URL") or DEFAULT_STATIC_URL).rstrip("/"),
        public_url=(text("GRIDMAP_PUBLIC_URL") or DEFAULT_PUBLIC_URL).rstrip("/"),
        live_seconds=number("GRIDMAP_LIVE_SECONDS", DEFAULT_LIVE_SECONDS),
        live_trim=switch("GRIDMAP_LIVE_TRIM", True),
        hotspots_warm=switch("GRIDMAP_HOTSPOTS_WARM", True),
        inspection_cycles=text("GRIDMAP_INSPECTION_CYCLES"),
        duplicate_metres=number("GRIDMAP_DUPLICATE_METRES", DEFAULT_DUPLICATE_METRES),
        duplicate_days=number("GRIDMAP_DUPLICATE_DAYS", DEFAULT_DUPLICATE_DAYS),
        visit_far_m=number("GRIDMAP_VISIT_FAR_M", DEFAULT_VISIT_FAR_M),
        walk_m=_walk_distances(text("GRIDMAP_WALK_M"), invalid),
        streamlit=read_streamlit_config(env, [home_dir / ".streamlit" / "config.toml",
                                              root_dir / ".streamlit" / "config.toml"]),
        root=root_dir,
        invalid=tuple(invalid),
    )


def _walk_distances(raw: str, invalid: list[InvalidSetting]) -> tuple[tuple[str, int], ...]:
    """``GRIDMAP_WALK_M``: ``"500"`` or ``"500,happiness=300"`` -> ``(("*", 500), ("happiness", 300))``.

    A type name is any lower-case code (the station types are checked where they are
    used, :func:`gridmap.stations.walk_distance`); a part that is not ``N`` or
    ``type=N`` with N a positive whole number makes the whole value unusable.
    """
    default = (("*", DEFAULT_WALK_M),)
    if not raw:
        return default
    pairs: dict[str, int] = {"*": DEFAULT_WALK_M}
    for part in (p.strip() for p in raw.split(",")):
        name, _, value = part.rpartition("=")
        name = name.strip() or "*"
        if not value.strip().isdigit() or int(value) <= 0 or not re.fullmatch(r"\*|[a-z][a-z0-9_]*", name):
            invalid.append(InvalidSetting("GRIDMAP_WALK_M", raw, str(DEFAULT_WALK_M)))
            return default
        pairs[name] = int(value)
    return tuple(pairs.items())


@functools.cache
def get_settings() -> Settings:
    """The process's settings: :func:`load_settings` of the process environment, read once."""
    return load_settings()


def reset_settings() -> None:
    """Forget the cached settings; the next :func:`get_settings` reads the environment again."""
    get_settings.cache_clear()


def read_streamlit_config(environ: Mapping[str, str], files: list[Path]) -> StreamlitConfig:
    """The options of :data:`STREAMLIT_DEFAULTS` set in ``files`` (later wins), then in ``environ``."""
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    read: list[Path] = []
    unreadable: list[tuple[Path, str]] = []
    for path in dict.fromkeys(files):
        if not path.is_file():
            continue
        try:
            document = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
            unreadable.append((path, str(exc)))
            continue
        read.append(path)
        for option in STREAMLIT_DEFAULTS:
            section, name = option.split(".", 1)
            table = document.get(section)
            if isinstance(table, dict) and name in table:
                raw = table[name]
                if isinstance(raw, str) and raw.startswith("env:"):  # Streamlit's "env:VAR" indirection
                    raw = environ.get(raw[4:], raw)
                values[option] = _typed(option, raw)
                sources[option] = str(path)
    for option in STREAMLIT_DEFAULTS:
        variable = streamlit_env_var(option)
        if variable in environ:
            values[option] = _typed(option, environ[variable])
            sources[option] = variable
    return StreamlitConfig(values, sources, tuple(read), tuple(unreadable))


def streamlit_env_var(option: str) -> str:
    """The environment variable Streamlit reads for ``option``: ``server.enableCORS`` -> ``STREAMLIT_SERVER_ENABLE_CORS``."""
    name = option.replace(".", "_")
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return "STREAMLIT_" + re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).upper()


def _typed(option: str, value: Any) -> Any:
    """``value`` as Streamlit would take it: booleans and numbers from text."""
    if isinstance(value, str):
        text = value.strip()
        if option in _BOOL_OPTIONS or option == "client.showErrorDetails":
            if text.lower() in _TRUE:
                return True
            if text.lower() in _FALSE:
                return False
        if option in _INT_OPTIONS:
            try:
                return float(text) if "." in text else int(text)
            except ValueError:
                return text
        return text
    return value


__all__ = [
    "DEFAULT_DATA_BYTES",
    "DEFAULT_IMAGE_BYTES",
    "IDLE_MINUTES_DEFAULT",
    "MAX_SESSION_HOURS_DEFAULT",
    "MIB",
    "PRODUCTION",
    "STREAMLIT_DEFAULTS",
    "InvalidSetting",
    "Settings",
    "StreamlitConfig",
    "UploadLimits",
    "get_settings",
    "load_settings",
    "read_streamlit_config",
    "reset_settings",
    "streamlit_env_var",
    "variables",
]
