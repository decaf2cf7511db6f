"""Every uploaded file passes through here first: :func:`accept_upload`.

A page hands over the bytes, the name the browser sent and what it expects -- an
``"image"`` (issue and inspection photos) or ``"data"`` (GeoPackage, GeoJSON, zipped
Shapefile, CSV for the importer) -- and gets back an :class:`Upload` or an
:class:`UploadRejected` whose message names the file and what was expected, in
Chinese and English.

The recipe:

1. Refuse an empty file, and one above the size limit of its kind (:class:`UploadLimits`).
2. Tell the type from the content (:func:`detect_format`), never from the name or the
   browser's MIME type. HTML, SVG and XML are always refused: they can carry script.
   A name whose suffix disagrees with the content is refused too, unless the caller
   passes ``allow_misnamed=True``; either way the returned name gets the right suffix.
3. Images (JPEG, PNG, WebP): the pixel count is read from the header and checked
   before anything is decoded (decompression bombs); the GPS position is read from
   EXIF; the picture is turned upright (EXIF orientation), converted to sRGB when it
   carries another colour profile, and re-encoded with no metadata at all: no EXIF
   (GPS, camera, owner), no XMP, no comments, no ICC profile.
4. Data: a zip is unpacked into a temporary directory by
   :func:`gridmap.io.archive.safe_extract` (member count, total size, ratio, path
   traversal, symbolic links) and must hold a data file whose content matches its
   suffix; GeoPackage must be a GeoPackage, not any SQLite file; text (CSV, GeoJSON)
   must decode as UTF-8 or GB18030 (:mod:`gridmap.io.sources` decides, as for
   imports). GeoJSON must parse (nested at most :data:`gridmap.io.jsontext.MAX_JSON_DEPTH`
   levels, measured before parsing) and be GeoJSON or Open311 GeoReport v2 service
   requests (accepted as ``fmt="open311"``, imported as issues); JSON of another format
   is named. GB18030 GeoJSON is
   re-encoded as UTF-8 (RFC 7946; GDAL reads nothing else). In a zip, a ``.txt`` counts
   as data only when its first line names coordinate or WKT columns
   (:func:`gridmap.io.sources.data_files`, as for imports).

EXIF positions are taken as WGS84 (EPSG:4326, what phone GNSS records), the CRS the
store keeps; nothing here converts them.
"""

from __future__ import annotations

import io
import json
import math
import re
import struct
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from PIL import ExifTags, Image, ImageFile, ImageOps

from gridmap.i18n import DEFAULT_LANGUAGE
from gridmap.io import jsontext
from gridmap.io.archive import safe_extract
from gridmap.io.problems import ImportRejected, Message, Problem
from gridmap.io.sources import SUFFIX_FORMATS, _decode_text, data_files
from gridmap.settings import MIB, UploadLimits, get_settings

Kind = Literal["image", "data"]

IMAGE_FORMATS: tuple[str, ...] = ("jpeg", "png", "webp")
DATA_FORMATS: tuple[str, ...] = ("gpkg", "geojson", "zip", "csv")
# Suffixes a file of each accepted format may carry; the first is the one given to it.
SUFFIXES: dict[str, tuple[str, ...]] = {
    "jpeg": (".jpg", ".jpeg", ".jpe", ".jfif"),
    "png": (".png",),
    "webp": (".webp",),
    "gpkg": (".gpkg",),
    "geojson": (".geojson", ".json"),
    "zip": (".zip",),
    "csv": (".csv", ".txt"),
    "open311": (".json",),  # Open311 GeoReport v2 requests: JSON, told from GeoJSON by its content
}
MEDIA_TYPES: dict[str, str] = {
    "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp",
    "gpkg": "application/geopackage+sqlite3", "geojson": "application/geo+json",
    "zip": "application/zip", "csv": "text/csv", "open311": "application/json",
}
# How a detected format is named in messages (the same words in both languages).
FORMAT_NAMES: dict[str, str] = {
    "jpeg": "JPEG", "png": "PNG", "webp": "WebP", "gif": "GIF", "bmp": "BMP", "tiff": "TIFF",
    "heic": "HEIC/HEIF", "avif": "AVIF", "pdf": "PDF", "zip": "ZIP", "gzip": "gzip", "7z": "7z",
    "rar": "RAR", "xlsx": "Excel (.xlsx)", "docx": "Word (.docx)", "ole": "Office 97-2003 (.xls/.doc)",
    "sqlite": "SQLite", "gpkg": "GeoPackage", "shp": "Shapefile (.shp)", "svg": "SVG", "html": "HTML",
    "xml": "XML", "geojson": "GeoJSON", "csv": "CSV/TXT", "utf16": "UTF-16 text",
    "open311": "Open311 GeoReport v2 JSON",
}
_MARKUP = ("svg", "html", "xml")
_PIL_FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}
_GPKG_APPLICATION_IDS = (b"GPKG", b"GP10", b"GP11")
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"%PDF-", "pdf"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),  # an empty zip
    (b"SQLite format 3\x00", "sqlite"),
    (b"\x00\x00\x27\x0a", "shp"),  # shapefile main file: big-endian file code 9994
    (b"\x1f\x8b", "gzip"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"Rar!\x1a\x07", "rar"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
)
_SNIFF_BYTES = 4096
_STEM_UNSAFE = re.compile(r"[^\w\-]+")
_MAX_STEM = 80
_JPEG_QUALITY = 90
_GPS_IFD = ExifTags.IFD.GPSInfo


# --------------------------------------------------------------------------- results

# Message (an i18n key with its values) is gridmap.io.problems.Message, used here as well.


class UploadRejected(ImportRejected):
    """An uploaded file was refused; nothing was kept.

    ``str(exc)`` is the Chinese sentence and then the English one; :meth:`text` gives
    one language for a page. Like every :class:`~gridmap.io.ImportRejected`,
    ``problems`` holds the refusal as one whole-file :class:`~gridmap.io.Problem`.

    Attributes:
        reason: the message key (``upload.*`` in :mod:`gridmap.i18n`) and its values.
    """

    def __init__(self, key: str, **params: Any) -> None:
        self.reason = Message(key, params)
        super().__init__([Problem(None, None, self.reason, located=False)])

    @property
    def key(self) -> str:
        """The i18n key of the refusal, e.g. ``"upload.name_mismatch"``."""
        return self.reason.key

    def text(self, lang: str | None = DEFAULT_LANGUAGE) -> str:
        """The refusal in ``lang``."""
        return self.reason.text(lang)

    def _text(self) -> str:
        return f"{self.reason.text('zh')}\n{self.reason.text('en')}"


@dataclass(frozen=True)
class GpsPosition:
    """Where a photo was taken, from its EXIF GPS tags.

    Attributes:
        lat: latitude in decimal degrees, north positive (WGS84).
        lon: longitude in decimal degrees, east positive (WGS84).
        altitude_m: metres above sea level (negative below), when recorded.
        datum: the ``GPSMapDatum`` tag as written (e.g. ``"WGS-84"``), when recorded.
    """

    lat: float
    lon: float
    altitude_m: float | None = None
    datum: str | None = None


@dataclass(frozen=True)
class Upload:
    """A file that passed every check.

    Attributes:
        kind: ``"image"`` or ``"data"``.
        fmt: what the content is: ``jpeg``/``png``/``webp`` or ``gpkg``/``geojson``/``zip``/``csv``.
        data: the bytes to keep. Images: re-encoded, without any metadata. Data: as
            uploaded, except GeoJSON re-encoded from GB18030 to UTF-8.
        filename: a safe name: the uploaded name's stem with anything but letters,
            digits, ``_`` and ``-`` replaced, and the suffix of ``fmt``.
        original_name: the name the browser sent (for display and audit only).
        width: picture width in pixels after turning it upright (images only).
        height: picture height in pixels (images only).
        gps: where the photo was taken, when its EXIF says so; offer it to the user,
            never apply it silently.
        members: the files inside a zip.
        notes: what was done or found, as messages for the page (``upload.note.*``).
    """

    kind: Kind
    fmt: str
    data: bytes
    filename: str
    original_name: str
    width: int | None = None
    height: int | None = None
    gps: GpsPosition | None = None
    members: tuple[str, ...] = ()
    notes: tuple[Message, ...] = ()

    @property
    def size(self) -> int:
        """The size of :attr:`data` in bytes."""
        return len(self.data)

    @property
    def media_type(self) -> str:
        """The MIME type of :attr:`data`, e.g. ``image/jpeg``."""
        return MEDIA_TYPES[self.fmt]

    def save(self, directory: Path | str) -> Path:
        """Write :attr:`data` to ``directory / filename`` (replacing a file of that name).

        The name is :attr:`filename`, never the uploaded one, so the file stays inside
        ``directory`` and its suffix matches its content (the importer goes by suffix).
        """
        path = Path(directory) / self.filename
        path.write_bytes(self.data)
        return path


# --------------------------------------------------------------------------- entry point


def accept_upload(data: bytes, filename: str, expected: Kind, *, limits: UploadLimits | None = None,
                  allow_misnamed: bool = False) -> Upload:
    """Check an uploaded file and return what may be kept.

    Args:
        data: the file's bytes (``UploadedFile.getvalue()``).
        filename: the name the browser sent; used for messages and the safe name only.
        expected: ``"image"`` for photos (JPEG, PNG, WebP) or ``"data"`` for imports
            (GeoPackage, GeoJSON, Shapefile zip, CSV).
        limits: size and pixel limits; default: those of
            :func:`gridmap.settings.get_settings` (``GRIDMAP_UPLOAD_IMAGE_MB``,
            ``GRIDMAP_UPLOAD_DATA_MB``).
        allow_misnamed: accept a file whose suffix disagrees with its content (a PNG
            saved as ``.jpg``) under its real type, with a note. Off by default.

    Returns:
        The accepted :class:`Upload`.

    Raises:
        UploadRejected: for an empty or oversize file, content of another kind than
            expected (or markup that could carry script), a suffix that disagrees with
            the content, a picture with too many pixels or that cannot be decoded, a
            bad zip, or text in an unknown encoding.
        ValueError: ``expected`` is neither ``"image"`` nor ``"data"``.
    """
    if expected not in ("image", "data"):
        raise ValueError(f"expected must be 'image' or 'data', got {expected!r}")
    if limits is None:
        limits = get_settings().upload_limits
    name = _display_name(filename)
    if not data:
        raise UploadRejected("upload.empty", name=name)
    limit = limits.max_bytes(expected)
    if len(data) > limit:
        raise UploadRejected("upload.too_large", name=name, size=_megabytes(len(data)), limit=_megabytes(limit))
    fmt = _check_kind(detect_format(data), expected, name)
    notes = _check_name(fmt, name, allow_misnamed)
    if expected == "image":
        return _accept_image(data, fmt, name, limits, notes)
    return _accept_data(data, fmt, name, limits, notes)


def detect_format(data: bytes) -> str | None:
    """What ``data`` is, from its first bytes; a key of :data:`FORMAT_NAMES`, or None.

    Binary formats by signature (a zip holding an Office document is ``xlsx`` or
    ``docx``; an SQLite file with a GeoPackage application id is ``gpkg``). Text:
    ``svg``/``html``/``xml`` for markup, ``geojson`` when it starts with ``{`` or ``[``,
    ``utf16`` for UTF-16, otherwise ``csv``. None for unknown binary content.
    """
    head = data[:_SNIFF_BYTES]
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp":
        return "avif" if head[8:12] in (b"avif", b"avis") else "heic"
    if head[:2] == b"BM" and head[6:10] == b"\x00\x00\x00\x00":
        return "bmp"
    for signature, fmt in _SIGNATURES:
        if head.startswith(signature):
            if fmt == "zip":
                return _office_zip(data) or "zip"
            if fmt == "sqlite" and head[68:72] in _GPKG_APPLICATION_IDS:
                return "gpkg"
            return fmt
    return _sniff_text(head)


# --------------------------------------------------------------------------- checks


def _check_kind(fmt: str | None, expected: Kind, name: str) -> str:
    """``fmt`` when it is a format of the ``expected`` kind; otherwise the refusal."""
    if fmt in _MARKUP:
        raise UploadRejected("upload.markup", name=name, found=FORMAT_NAMES[fmt])
    if fmt is None:
        raise UploadRejected("upload.unknown_content", name=name)
    if expected == "image":
        if fmt not in IMAGE_FORMATS:
            raise UploadRejected("upload.not_image", name=name, found=FORMAT_NAMES[fmt])
        return fmt
    if fmt == "shp":
        raise UploadRejected("upload.shapefile_alone", name=name)
    if fmt == "sqlite":
        raise UploadRejected("upload.not_geopackage", name=name)
    if fmt == "utf16":
        raise UploadRejected("upload.text_encoding", name=name)
    if fmt not in DATA_FORMATS:
        raise UploadRejected("upload.not_data", name=name, found=FORMAT_NAMES[fmt])
    return fmt


def _check_name(fmt: str, name: str, allow_misnamed: bool) -> list[Message]:
    suffix = PurePosixPath(name).suffix.lower()
    if not suffix or suffix in SUFFIXES[fmt]:
        return []
    params = {"name": name, "found": FORMAT_NAMES[fmt], "suffix": suffix, "right": SUFFIXES[fmt][0]}
    if not allow_misnamed:
        raise UploadRejected("upload.name_mismatch", **params)
    return [Message("upload.note.renamed", params)]


# --------------------------------------------------------------------------- images


def _accept_image(data: bytes, fmt: str, name: str, limits: UploadLimits, notes: list[Message]) -> Upload:
    # A truncated picture must fail to load. Pillow's switch for that is process-wide, and
    # libraries flip it on import (WeasyPrint does; gridmap.brief.render switches it back).
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    size = image_size(data, fmt)
    if size is not None:
        _check_pixels(size, name, limits)
    try:
        with Image.open(io.BytesIO(data), formats=[_PIL_FORMATS[fmt]]) as im:
            _check_pixels(im.size, name, limits)  # the header Pillow read, when ours could not
            gps = gps_position(_exif(im))
            im.load()
            clean, converted = _strip(im, fmt)
            out = _encode(clean, fmt, lossless=fmt == "webp" and _webp_lossless(data))
    except (Image.DecompressionBombError, OSError, ValueError, SyntaxError, EOFError, MemoryError) as exc:
        raise UploadRejected("upload.image_unreadable", name=name, detail=str(exc) or type(exc).__name__) from None
    notes.append(Message("upload.note.metadata_removed"))
    if converted:
        notes.append(Message("upload.note.colour_converted"))
    if gps is not None:
        notes.append(Message("upload.note.gps_found", {"lat": f"{gps.lat:.6f}", "lon": f"{gps.lon:.6f}"}))
    return Upload(kind="image", fmt=fmt, data=out, filename=_safe_stem(name) + SUFFIXES[fmt][0],
                  original_name=name, width=clean.width, height=clean.height, gps=gps, notes=tuple(notes))


def image_size(data: bytes, fmt: str) -> tuple[int, int] | None:
    """(width, height) from a JPEG, PNG or WebP header without decoding; None if unreadable.

    Reads only the first kilobytes: PNG's IHDR, the JPEG frame header (SOFn), or the
    WebP ``VP8 ``/``VP8L``/``VP8X`` chunk.
    """
    try:
        if fmt == "png":
            return (int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")) \
                if data[12:16] == b"IHDR" else None
        if fmt == "webp":
            return _webp_size(data)
        if fmt == "jpeg":
            return _jpeg_size(data)
    except IndexError:
        return None
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8 " and data[23:26] == b"\x9d\x01\x2a":
        return (int.from_bytes(data[26:28], "little") & 0x3FFF, int.from_bytes(data[28:30], "little") & 0x3FFF)
    if chunk == b"VP8L" and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
    if chunk == b"VP8X":
        return (int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 <= len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # markers without a length
            i += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image, start of scan: no frame header before
            return None
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height = int.from_bytes(data[i + 5:i + 7], "big")
            width = int.from_bytes(data[i + 7:i + 9], "big")
            return (width, height) if height else None  # height 0: given later (DNL)
        i += 2 + int.from_bytes(data[i + 2:i + 4], "big")
    return None


def _check_pixels(size: tuple[int, int], name: str, limits: UploadLimits) -> None:
    width, height = size
    if width <= 0 or height <= 0:
        raise UploadRejected("upload.image_unreadable", name=name, detail=f"size {width}x{height}")
    if width * height > limits.max_pixels:
        raise UploadRejected("upload.too_many_pixels", name=name, width=width, height=height,
                             megapixels=_megapixels(width * height), limit=_megapixels(limits.max_pixels))


def gps_position(exif: Image.Exif) -> GpsPosition | None:
    """The position in EXIF's GPS IFD (0x8825), in decimal degrees; None when absent or unusable.

    Degrees, minutes and seconds are rationals (a zero denominator makes them
    unusable); ``S`` and ``W`` references make the value negative. A position outside
    the valid ranges, or exactly 0,0 (a camera without a fix), counts as absent.
    """
    value = exif.get(_GPS_IFD)
    try:
        gps = value if isinstance(value, dict) else exif.get_ifd(_GPS_IFD)  # a dict: built in memory
    except (KeyError, ValueError, TypeError, AttributeError, OSError):
        return None
    if not gps:
        return None
    lat = _degrees(gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef), "S")
    lon = _degrees(gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef), "W")
    if lat is None or lon is None or abs(lat) > 90 or abs(lon) > 180 or (lat == 0 and lon == 0):
        return None
    altitude = _number(gps.get(ExifTags.GPS.GPSAltitude))
    if altitude is not None and _ref(gps.get(ExifTags.GPS.GPSAltitudeRef)) in ("1", "\x01"):
        altitude = -altitude
    datum = _ref(gps.get(ExifTags.GPS.GPSMapDatum)) or None
    return GpsPosition(lat, lon, altitude, datum)


def _degrees(value: Any, ref: Any, negative: str) -> float | None:
    values = value[:3] if isinstance(value, tuple | list) else (value,)
    parts = [_number(v) for v in values]
    if not parts or None in parts:
        return None
    degrees = sum(p / 60**i for i, p in enumerate(parts) if p is not None)
    return -degrees if _ref(ref).upper() == negative else degrees


def _number(value: Any) -> float | None:
    """A float from an IFDRational, a (numerator, denominator) pair or a number."""
    try:
        number = value[0] / value[1] if isinstance(value, tuple) and len(value) == 2 else float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return number if math.isfinite(number) else None


def _ref(value: Any) -> str:
    if isinstance(value, bytes):
        value = value.decode("ascii", errors="ignore")
    return str(value).strip("\x00 ") if value is not None else ""


def _exif(im: Image.Image) -> Image.Exif:
    """The picture's EXIF; empty when it is malformed (a bad EXIF block is no reason to refuse)."""
    try:
        return im.getexif()
    except (ValueError, TypeError, KeyError, SyntaxError, struct.error, OSError):
        return Image.Exif()


def _strip(im: Image.Image, fmt: str) -> tuple[Image.Image, bool]:
    """The picture upright, in sRGB and in a mode ``fmt`` can hold, with no metadata left."""
    try:
        upright = ImageOps.exif_transpose(im)
    except (ValueError, TypeError, KeyError, SyntaxError, struct.error):  # malformed EXIF: leave as is
        upright = im.copy()
    converted = False
    icc = upright.info.get("icc_profile")
    if icc:
        upright, converted = _to_srgb(upright, icc)
    if "transparency" in upright.info or upright.mode in ("P", "PA"):
        upright = upright.convert("RGBA")
    if fmt == "jpeg" and upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    elif fmt == "webp" and upright.mode not in ("RGB", "RGBA"):
        upright = upright.convert("RGBA" if "A" in upright.mode else "RGB")
    elif fmt == "png" and upright.mode not in ("1", "L", "LA", "RGB", "RGBA", "I;16"):
        upright = upright.convert("RGBA")
    upright.info = {}  # EXIF, XMP, ICC, comments, text chunks, dpi: nothing is carried over
    return upright, converted


def _to_srgb(im: Image.Image, icc: bytes) -> tuple[Image.Image, bool]:
    """``im`` converted from its embedded profile to sRGB; unchanged when that cannot be done."""
    if im.mode not in ("RGB", "RGBA"):
        return im, False
    try:
        from PIL import ImageCms
    except ImportError:  # Pillow built without littlecms
        return im, False
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        srgb = ImageCms.createProfile("sRGB")
        converted = ImageCms.profileToProfile(im, source, srgb, outputMode=im.mode)
        return (converted, True) if converted is not None else (im, False)
    except (OSError, ValueError, ImageCms.PyCMSError):
        return im, False


def _encode(im: Image.Image, fmt: str, *, lossless: bool) -> bytes:
    out = io.BytesIO()
    if fmt == "jpeg":
        im.save(out, "JPEG", quality=_JPEG_QUALITY)
    elif fmt == "png":
        im.save(out, "PNG")
    elif lossless:
        im.save(out, "WEBP", lossless=True)
    else:
        im.save(out, "WEBP", quality=_JPEG_QUALITY)
    return out.getvalue()


def _webp_lossless(data: bytes) -> bool:
    """True when the WebP holds a lossless (``VP8L``) bitstream."""
    return b"VP8L" in data[12:256]


# --------------------------------------------------------------------------- data


def _accept_data(data: bytes, fmt: str, name: str, limits: UploadLimits, notes: list[Message]) -> Upload:
    members: tuple[str, ...] = ()
    with tempfile.TemporaryDirectory(prefix="gridmap-upload-") as tmp:
        path = Path(tmp) / f"upload{SUFFIXES[fmt][0]}"
        path.write_bytes(data)
        if fmt == "zip":
            members = _check_zip(path, name, Path(tmp) / "unpacked", limits)
        elif fmt in ("csv", "geojson"):
            text, utf8 = _decode(path, name)
            if fmt == "geojson":
                if _check_geojson(text, name):
                    fmt = "open311"
                if not utf8:
                    data = text.encode("utf-8")
                    notes.append(Message("upload.note.transcoded"))
            elif not utf8:
                notes.append(Message("upload.note.gb18030"))
    return Upload(kind="data", fmt=fmt, data=data, filename=_safe_stem(name) + SUFFIXES[fmt][0],
                  original_name=name, members=members, notes=tuple(notes))


def _check_zip(path: Path, name: str, dest: Path, limits: UploadLimits) -> tuple[str, ...]:
    dest.mkdir()
    try:
        unpacked = safe_extract(path, dest, limits.unpacked_bytes)
    except ImportRejected as exc:
        raise UploadRejected("upload.bad_archive", name=name, detail=[p.detail for p in exc.problems]) from None
    members = tuple(p.relative_to(dest).as_posix() for p in unpacked)
    found = data_files(unpacked)
    if not found:
        shown = list(members[:10]) + (["…"] if len(members) > 10 else [])
        raise UploadRejected("upload.archive_no_data", name=name, members=shown or ["-"])
    for member in found:
        _check_member(member, member.relative_to(dest).as_posix(), name)
    return members


def _check_member(path: Path, member: str, archive: str) -> None:
    """A data file in a zip must be what its suffix says (the importer goes by suffix)."""
    wanted = SUFFIX_FORMATS[path.suffix.lower()]
    with open(path, "rb") as f:
        found = detect_format(f.read(_SNIFF_BYTES))
    if found in _MARKUP:
        raise UploadRejected("upload.archive_member_markup", name=archive, member=member, found=FORMAT_NAMES[found])
    if found != wanted:
        raise UploadRejected("upload.archive_member_mismatch", name=archive, member=member,
                             found=FORMAT_NAMES.get(found or "", "?"), expected=FORMAT_NAMES[wanted])
    if wanted in ("csv", "geojson"):
        text, utf8 = _decode(path, f"{archive}/{member}")
        if wanted == "geojson":
            if not utf8:
                raise UploadRejected("upload.geojson_not_utf8", name=archive, member=member)
            _check_geojson(text, f"{archive}/{member}")


def _decode(path: Path, name: str) -> tuple[str, bool]:
    """The text of ``path`` (UTF-8 or GB18030, as the importer decides) and whether it was UTF-8."""
    try:
        text, _ = _decode_text(path)
    except ImportRejected:
        raise UploadRejected("upload.text_encoding", name=name) from None
    if "\x00" in text:
        raise UploadRejected("upload.text_encoding", name=name)
    try:
        path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return text, False
    return text, True


def _check_geojson(text: str, name: str) -> bool:
    """Refuse JSON that is neither GeoJSON nor Open311 requests; True for Open311 requests."""
    try:
        document = jsontext.loads(text)
    except jsontext.JsonTooDeep as exc:
        raise UploadRejected("upload.json_too_deep", name=name, depth=exc.depth, limit=exc.limit) from None
    except json.JSONDecodeError as exc:
        raise UploadRejected("upload.bad_geojson", name=name, detail=str(exc)) from None
    if jsontext.open311_kind(document) == "requests":
        return True
    what = jsontext.describe_document(document)
    if what is not None:
        raise UploadRejected("upload.not_geojson", name=name, what=what)
    return False


# --------------------------------------------------------------------------- sniffing


def _office_zip(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "word/document.xml" in names:
        return "docx"
    return None


def _sniff_text(head: bytes) -> str | None:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head[2:].decode("utf-16-le" if head[0] == 0xFF else "utf-16-be", errors="ignore")
        return _markup(text) or "utf16"
    if b"\x00" in head:
        return None
    text = head.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="ignore")
    if any(ord(c) < 32 and c not in "\t\r\n\f" for c in text):
        return None  # control characters: binary, not text
    markup = _markup(text)
    if markup:
        return markup
    return "geojson" if text.lstrip().startswith(("{", "[")) else "csv"


def _markup(text: str) -> str | None:
    start = text.lstrip().lower()
    if not start.startswith("<"):
        return None
    if "<svg" in start:
        return "svg"
    return "xml" if start.startswith("<?xml") else "html"


# --------------------------------------------------------------------------- names


def _display_name(filename: str) -> str:
    """The uploaded name without any directory part and control characters."""
    base = str(filename).replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    return base[:200] or "upload"


def _safe_stem(name: str) -> str:
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = _STEM_UNSAFE.sub("_", unicodedata.normalize("NFKC", stem)).strip("._-")
    return stem[:_MAX_STEM] or "upload"


def _megabytes(n: int) -> str:
    return f"{n / MIB:.1f} MB"


def _megapixels(n: int) -> str:
    return f"{n / 1e6:.0f}"
