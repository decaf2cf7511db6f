"""gridmap.uploads: every uploaded file is checked by content, limited, and photos are cleaned.

All files are real ones crafted here with Pillow, zipfile and the io builders: a PNG
renamed .jpg, HTML and SVG named .png, a JPEG carrying EXIF GPS, a 30000 x 30000 PNG
that is small on disk, zips with ``../`` members, empty and oversize files.
"""

from __future__ import annotations

import io
import json
import sqlite3
import struct
import tempfile
import zipfile
import zlib
from pathlib import Path

import pytest
from PIL import ExifTags, Image, TiffImagePlugin

from gridmap import uploads
from gridmap.io import ImportRejected, read_layer_file, write_frame
from gridmap.uploads import (
    GpsPosition,
    Upload,
    UploadLimits,
    UploadRejected,
    accept_upload,
    detect_format,
    gps_position,
    image_size,
)
from tests.fixtures.io.builders import household, households_frame, write_shapefile
from tests.store_fixtures import tiny_units

R = TiffImagePlugin.IFDRational
GPS = ExifTags.IFD.GPSInfo


# --------------------------------------------------------------------------- builders


def _image_bytes(fmt: str, size: tuple[int, int] = (64, 48), mode: str = "RGB", **save: object) -> bytes:
    im = Image.new(mode, size, (200, 30, 30) if mode == "RGB" else 1)
    out = io.BytesIO()
    im.save(out, fmt, **save)
    return out.getvalue()


def _gps_exif(lat_ref: str = "N", lon_ref: str = "E", *, orientation: int | None = None) -> Image.Exif:
    """EXIF with a camera make and GPS 27°30'54" N, 120°24'36" E, 12.5 m (Lingxi, Cangnan)."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SecretPhone"
    exif[ExifTags.Base.Artist] = "张三 13800000000"
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    exif[GPS] = {
        ExifTags.GPS.GPSLatitudeRef: lat_ref,
        ExifTags.GPS.GPSLatitude: (R(27, 1), R(30, 1), R(5400, 100)),
        ExifTags.GPS.GPSLongitudeRef: lon_ref,
        ExifTags.GPS.GPSLongitude: (R(120, 1), R(24, 1), R(3600, 100)),
        ExifTags.GPS.GPSAltitudeRef: b"\x00",
        ExifTags.GPS.GPSAltitude: R(125, 10),
        ExifTags.GPS.GPSMapDatum: "WGS-84",
    }
    return exif


def _jpeg_with_gps(**kwargs: object) -> bytes:
    exif = _gps_exif(**kwargs)  # type: ignore[arg-type]
    return _image_bytes("JPEG", exif=exif, comment=b"secret comment")


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def _png_bomb(side: int = 30000) -> bytes:
    """A valid 1-bit greyscale PNG, ``side`` x ``side`` pixels, all black: ~110 KB on disk.

    Decoded, it would take ``side * side`` pixels (900 million at 30000) of memory.
    """
    row = b"\x00" + b"\x00" * ((side + 7) // 8)  # filter byte + packed bits
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return out.getvalue()


def _geojson(encoding: str = "utf-8") -> bytes:
    doc = {"type": "FeatureCollection", "features": [household(n=1)]}
    return json.dumps(doc, ensure_ascii=False).encode(encoding)


def _markers(jpeg: bytes) -> list[int]:
    """The JPEG marker codes up to the start of scan (APP1 = 0xE1 EXIF/XMP, 0xFE comment...)."""
    found, i = [], 2
    while i + 4 <= len(jpeg) and jpeg[i] == 0xFF:
        marker = jpeg[i + 1]
        found.append(marker)
        if marker == 0xDA:
            break
        i += 2 + int.from_bytes(jpeg[i + 2:i + 4], "big")
    return found


def _rejected(data: bytes, name: str, expected: str, **kwargs: object) -> UploadRejected:
    with pytest.raises(UploadRejected) as caught:
        accept_upload(data, name, expected, **kwargs)  # type: ignore[arg-type]
    return caught.value


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize("expected", ["image", "data"])
def test_an_empty_file_is_refused(expected: str) -> None:
    exc = _rejected(b"", "空文件.png", expected)
    assert exc.key == "upload.empty"
    assert "空文件.png" in exc.text("zh") and "empty" in exc.text("en")


def test_an_oversize_file_is_refused_before_anything_else() -> None:
    photo = b"\xff\xd8\xff" + b"\x00" * (10 * 2**20)  # 10 MB + 3 bytes: over the default image limit
    exc = _rejected(photo, "big.jpg", "image")
    assert exc.key == "upload.too_large"
    assert "big.jpg" in str(exc) and "10.0 MB" in str(exc)
    exc = _rejected(b"a,b\n1,2\n" * 200, "big.csv", "data", limits=UploadLimits(data_bytes=1000))
    assert exc.key == "upload.too_large"
    accept_upload(b"a,b\n1,2\n" * 100, "ok.csv", "data", limits=UploadLimits(data_bytes=1000))


def test_a_png_renamed_jpg_is_refused_naming_the_file_and_what_it_is() -> None:
    exc = _rejected(_image_bytes("PNG"), "现场照片.jpg", "image")
    assert exc.key == "upload.name_mismatch"
    zh, en = exc.text("zh"), exc.text("en")
    assert "现场照片.jpg" in zh and "PNG" in zh and ".jpg" in zh and ".png" in zh
    assert "现场照片.jpg" in en and "PNG" in en and "does not match" in en
    assert str(exc) == f"{zh}\n{en}"  # Chinese first, then English


def test_a_misnamed_picture_can_be_taken_under_its_real_type_when_the_caller_allows() -> None:
    upload = accept_upload(_image_bytes("PNG"), "现场照片.jpg", "image", allow_misnamed=True)
    assert (upload.fmt, upload.filename, upload.media_type) == ("png", "现场照片.png", "image/png")
    assert "upload.note.renamed" in [n.key for n in upload.notes]


@pytest.mark.parametrize(("content", "found"), [
    (b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>", "HTML"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="5"/></svg>', "SVG"),
    (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "SVG"),
    (b"\xef\xbb\xbf  \n<svg><script>alert(1)</script></svg>", "SVG"),
    ('<svg onload="alert(1)"></svg>'.encode("utf-16"), "SVG"),
])
@pytest.mark.parametrize("expected", ["image", "data"])
def test_markup_that_can_carry_script_is_refused_whatever_its_name(content: bytes, found: str,
                                                                   expected: str) -> None:
    name = "photo.png" if expected == "image" else "points.csv"
    exc = _rejected(content, name, expected)
    assert exc.key == "upload.markup"
    assert found in exc.text("en") and name in exc.text("zh") and "script" in exc.text("en")


@pytest.mark.parametrize(("data", "name", "found"), [
    (b"id,name\n1,a\n", "photo.jpg", "CSV/TXT"),
    (_image_bytes("GIF"), "photo.gif", "GIF"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "photo.pdf", "PDF"),
])
def test_an_image_upload_must_be_jpeg_png_or_webp(data: bytes, name: str, found: str) -> None:
    exc = _rejected(data, name, "image")
    assert exc.key == "upload.not_image" and found in exc.text("en") and "JPEG, PNG or WebP" in exc.text("en")


def test_a_data_upload_must_be_a_data_file() -> None:
    assert _rejected(_image_bytes("JPEG"), "households.csv", "data").key == "upload.not_data"
    xlsx = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
    exc = _rejected(xlsx, "households.xlsx", "data")
    assert exc.key == "upload.not_data" and "Excel" in exc.text("zh")
    assert _rejected(b"\x00\x01\x02\x03binary", "x.csv", "data").key == "upload.unknown_content"
    assert _rejected(b"\x00\x00\x27\x0a" + b"\x00" * 96, "h.shp", "data").key == "upload.shapefile_alone"


def test_an_sqlite_file_that_is_not_a_geopackage_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.gpkg"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (a)")
    conn.close()
    assert _rejected(path.read_bytes(), "x.gpkg", "data").key == "upload.not_geopackage"


def test_text_in_an_unknown_encoding_is_refused() -> None:
    exc = _rejected(b"address,lon,lat\n\x80\x80,120.4,27.5\n", "h.csv", "data")
    assert exc.key == "upload.text_encoding" and "GB18030" in exc.text("en")
    assert _rejected("address\n灵溪".encode("utf-16"), "h.csv", "data").key == "upload.text_encoding"


def test_a_rejection_is_an_import_rejection_with_one_chinese_problem() -> None:
    exc = _rejected(b"", "x.csv", "data")
    assert isinstance(exc, ImportRejected) and isinstance(exc, ValueError)
    assert len(exc.problems) == 1 and exc.problems[0].message == exc.text("zh")
    with pytest.raises(ValueError, match="expected must be"):
        accept_upload(b"x", "x.csv", "video")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- images


def test_gps_is_read_from_exif_and_gone_after_re_encoding() -> None:
    original = _jpeg_with_gps()
    assert b"SecretPhone" in original and b"secret comment" in original  # the test file carries them
    upload = accept_upload(original, "现场.jpg", "image")
    assert upload.gps == GpsPosition(lat=pytest.approx(27.515), lon=pytest.approx(120.41),
                                     altitude_m=pytest.approx(12.5), datum="WGS-84")
    assert "upload.note.gps_found" in [n.key for n in upload.notes]
    assert "27.515000" in upload.notes[-1].text("en")
    cleaned = upload.data
    for secret in (b"Exif", b"SecretPhone", b"secret comment", "张三".encode(), b"WGS-84"):
        assert secret not in cleaned
    assert not {0xE1, 0xE2, 0xED, 0xFE} & set(_markers(cleaned)), "no APP1 (EXIF/XMP), ICC, IPTC or comment"
    with Image.open(io.BytesIO(cleaned)) as im:
        assert im.format == "JPEG" and im.size == (64, 48)
        assert dict(im.getexif()) == {} and im.getexif().get_ifd(GPS) == {}
        assert "exif" not in im.info and "comment" not in im.info and "icc_profile" not in im.info


@pytest.mark.parametrize(("lat_ref", "lon_ref", "lat", "lon"), [("S", "W", -27.515, -120.41), ("N", "E", 27.515, 120.41)])
def test_gps_references_set_the_sign(lat_ref: str, lon_ref: str, lat: float, lon: float) -> None:
    position = gps_position(_gps_exif(lat_ref, lon_ref))
    assert position is not None
    assert (position.lat, position.lon) == (pytest.approx(lat), pytest.approx(lon))


def test_unusable_gps_counts_as_absent() -> None:
    exif = _gps_exif()
    assert gps_position(Image.Exif()) is None
    exif[GPS] = {**exif[GPS], ExifTags.GPS.GPSLatitude: (R(27, 0), R(0, 1), R(0, 1))}  # 27/0
    assert gps_position(exif) is None
    exif[GPS] = {**_gps_exif()[GPS], ExifTags.GPS.GPSLatitude: (R(97, 1), R(0, 1), R(0, 1))}  # beyond 90°
    assert gps_position(exif) is None
    exif[GPS] = {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (R(0, 1), R(0, 1), R(0, 1)),
                 ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (R(0, 1), R(0, 1), R(0, 1))}
    assert gps_position(exif) is None  # 0,0: a camera without a fix
    assert accept_upload(_image_bytes("JPEG"), "p.jpg", "image").gps is None


@pytest.mark.filterwarnings("ignore:Corrupt EXIF")
@pytest.mark.parametrize("garbage", [
    b"Exif\x00\x00" + b"\xff" * 40,
    b"Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08\x00\x05" + b"\x88\x25\x00\x04\x00\x00\x00\x01\xff\xff\xff\xff" * 3,
])
def test_a_malformed_exif_block_is_dropped_not_a_reason_to_refuse(garbage: bytes) -> None:
    photo = _image_bytes("JPEG", size=(20, 10))
    app1 = b"\xff\xe1" + struct.pack(">H", len(garbage) + 2) + garbage
    upload = accept_upload(photo[:2] + app1 + photo[2:], "p.jpg", "image")
    assert upload.gps is None and (upload.width, upload.height) == (20, 10) and b"Exif" not in upload.data


def test_the_photo_is_turned_upright_before_its_orientation_tag_is_dropped() -> None:
    upload = accept_upload(_jpeg_with_gps(orientation=6), "p.jpg", "image")  # 6: rotate 90° clockwise
    assert (upload.width, upload.height) == (48, 64)
    with Image.open(io.BytesIO(upload.data)) as im:
        assert im.size == (48, 64) and ExifTags.Base.Orientation not in im.getexif()


def test_webp_and_png_metadata_is_stripped_too() -> None:
    webp = _image_bytes("WEBP", exif=_gps_exif(), xmp=b"<x:xmpmeta>SecretPhone</x:xmpmeta>")
    upload = accept_upload(webp, "p.webp", "image")
    assert upload.gps is not None and upload.fmt == "webp"
    assert b"EXIF" not in upload.data and b"XMP " not in upload.data and b"SecretPhone" not in upload.data
    from PIL import PngImagePlugin

    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "张三 13800000000")
    png = _image_bytes("PNG", exif=_gps_exif(), pnginfo=text)
    upload = accept_upload(png, "p.png", "image")
    assert upload.gps is not None
    with Image.open(io.BytesIO(upload.data)) as im:
        assert im.info == {} and dict(im.getexif()) == {}
    assert b"eXIf" not in upload.data and b"tEXt" not in upload.data and b"iTXt" not in upload.data


def test_an_embedded_colour_profile_is_applied_and_dropped() -> None:
    from PIL import ImageCms

    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    original = _image_bytes("JPEG", icc_profile=srgb)
    assert Image.open(io.BytesIO(original)).info.get("icc_profile")
    upload = accept_upload(original, "p.jpg", "image")
    assert "upload.note.colour_converted" in [n.key for n in upload.notes]
    assert 0xE2 not in _markers(upload.data)  # APP2: ICC profile
    with Image.open(io.BytesIO(upload.data)) as im:
        assert "icc_profile" not in im.info


def test_a_palette_png_with_transparency_keeps_its_transparency() -> None:
    im = Image.new("P", (8, 8), 0)
    im.putpalette([255, 0, 0, 0, 255, 0] + [0] * 762)
    im.putpixel((0, 0), 1)
    out = io.BytesIO()
    im.save(out, "PNG", transparency=0)
    upload = accept_upload(out.getvalue(), "icon.png", "image")
    with Image.open(io.BytesIO(upload.data)) as back:
        assert back.mode == "RGBA" and back.getpixel((1, 1))[3] == 0 and back.getpixel((0, 0)) == (0, 255, 0, 255)


def test_a_decompression_bomb_is_refused_from_its_header_before_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = _png_bomb(30000)
    assert len(bomb) < 200_000, "small on disk"
    assert image_size(bomb, "png") == (30000, 30000)

    def no_pillow(*args: object, **kwargs: object) -> None:
        raise AssertionError("Pillow was asked to open the bomb")

    monkeypatch.setattr(uploads.Image, "open", no_pillow)
    before = Image.MAX_IMAGE_PIXELS
    exc = _rejected(bomb, "bomb.png", "image")
    assert exc.key == "upload.too_many_pixels"
    assert "30000×30000" in exc.text("zh") and "900" in exc.text("en") and "bomb" in exc.text("en")
    assert before == Image.MAX_IMAGE_PIXELS, "the limit is per call; Pillow's global is left alone"


def test_the_pixel_limit_is_set_per_call() -> None:
    photo = _image_bytes("JPEG", size=(100, 80))
    assert _rejected(photo, "p.jpg", "image", limits=UploadLimits(max_pixels=7999)).key == "upload.too_many_pixels"
    assert accept_upload(photo, "p.jpg", "image", limits=UploadLimits(max_pixels=8000)).width == 100


@pytest.mark.parametrize(("fmt", "mode", "save"), [
    ("JPEG", "RGB", {}), ("JPEG", "RGB", {"progressive": True}), ("JPEG", "L", {}), ("JPEG", "CMYK", {}),
    ("PNG", "RGB", {}), ("PNG", "RGBA", {}), ("PNG", "1", {}),
    ("WEBP", "RGB", {}),  # "VP8 " chunk
    ("WEBP", "RGBA", {}),  # "VP8X" container (alpha)
    ("WEBP", "RGB", {"lossless": True}),  # "VP8L"
])
def test_header_sizes_match_what_pillow_reads(fmt: str, mode: str, save: dict[str, object]) -> None:
    im = Image.new(mode, (321, 123))
    out = io.BytesIO()
    im.save(out, fmt, **save)
    assert image_size(out.getvalue(), fmt.lower()) == (321, 123)


def test_a_forged_jpeg_header_is_caught_before_decoding() -> None:
    data = bytearray(_image_bytes("JPEG"))
    sof = data.index(b"\xff\xc0")
    data[sof + 5:sof + 9] = struct.pack(">HH", 30000, 30000)
    assert _rejected(bytes(data), "p.jpg", "image").key == "upload.too_many_pixels"


def test_a_truncated_picture_is_refused_as_unreadable() -> None:
    data = _image_bytes("JPEG", size=(200, 200))
    exc = _rejected(data[: len(data) // 2], "cut.jpg", "image")
    assert exc.key == "upload.image_unreadable" and "cut.jpg" in exc.text("zh")


def test_the_kept_name_is_safe_and_has_the_right_suffix(tmp_path: Path) -> None:
    upload = accept_upload(_image_bytes("JPEG"), "..\\..\\C:\\Users\\张三\\现场 照片<1>.JPEG", "image")
    assert upload.filename == "现场_照片_1.jpg" and upload.original_name == "现场 照片<1>.JPEG"
    saved = upload.save(tmp_path)
    assert saved.parent == tmp_path and saved.read_bytes() == upload.data
    assert accept_upload(_image_bytes("PNG"), "../../../.png", "image").filename == "upload.png"
    assert accept_upload(_image_bytes("PNG"), "a.b.png", "image").filename == "a_b.png"
    assert accept_upload(_image_bytes("PNG"), "noext", "image").filename == "noext.png"


# --------------------------------------------------------------------------- data


def test_a_zip_with_a_parent_directory_member_is_refused(tmp_path: Path) -> None:
    evil = _zip({"households.shp": b"\x00\x00\x27\x0a", "../../evil.txt": b"owned"})
    exc = _rejected(evil, "households.zip", "data")
    assert exc.key == "upload.bad_archive"
    assert "households.zip" in exc.text("en") and "../../evil.txt" in exc.text("zh")
    assert not (Path(tempfile.gettempdir()) / "evil.txt").exists()


def test_zip_bomb_and_symlink_checks_come_from_the_archive_module() -> None:
    bomb = _zip({"households.csv": b"0" * (3 * 2**20)})  # 3 MiB of one byte: ratio ~1000:1
    assert _rejected(bomb, "h.zip", "data").key == "upload.bad_archive"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        link = zipfile.ZipInfo("households.csv")
        link.external_attr = (0o120777 << 16)
        zf.writestr(link, "/etc/passwd")
    exc = _rejected(out.getvalue(), "h.zip", "data")
    assert exc.key == "upload.bad_archive" and "符号链接" in exc.text("zh")


def test_a_zipped_shapefile_is_accepted_and_lists_its_members(tmp_path: Path) -> None:
    shp = write_shapefile(tmp_path / "shp", households_frame(3))
    entries = {p.name: p.read_bytes() for p in sorted(shp.parent.iterdir())}
    upload = accept_upload(_zip(entries), "households.zip", "data")
    assert upload.fmt == "zip" and set(upload.members) == set(entries)
    back = read_layer_file("households", upload.save(tmp_path))
    assert len(back.frame) == 3


def test_zip_members_must_be_what_their_suffix_says() -> None:
    exc = _rejected(_zip({"households.csv": b"<html><script>alert(1)</script></html>"}), "h.zip", "data")
    assert exc.key == "upload.archive_member_markup" and "households.csv" in exc.text("en")
    exc = _rejected(_zip({"households.geojson": _image_bytes("PNG")}), "h.zip", "data")
    assert exc.key == "upload.archive_member_mismatch" and "PNG" in exc.text("en")
    assert _rejected(_zip({"readme.md": b"hello"}), "h.zip", "data").key == "upload.archive_no_data"
    exc = _rejected(_zip({"households.geojson": _geojson("gb18030")}), "h.zip", "data")
    assert exc.key == "upload.geojson_not_utf8"


def test_csv_in_utf8_and_gb18030_is_accepted_as_uploaded(tmp_path: Path) -> None:
    text = "address,lon,lat\n灵溪镇人民路1号,120.405,27.515\n"
    for encoding, note in (("utf-8", None), ("utf-8-sig", None), ("gb18030", "upload.note.gb18030")):
        upload = accept_upload(text.encode(encoding), "households.csv", "data")
        assert upload.fmt == "csv" and upload.data == text.encode(encoding)
        assert [n.key for n in upload.notes] == ([note] if note else [])
        back = read_layer_file("households", upload.save(tmp_path))
        assert back.frame["address"].iloc[0] == "灵溪镇人民路1号"


def test_gb18030_geojson_is_re_encoded_so_the_importer_can_read_it(tmp_path: Path) -> None:
    upload = accept_upload(_geojson("gb18030"), "households.json", "data")
    assert upload.fmt == "geojson" and upload.filename == "households.geojson"
    assert "upload.note.transcoded" in [n.key for n in upload.notes]
    assert upload.data == _geojson("utf-8")
    assert read_layer_file("households", upload.save(tmp_path)).frame["address"].iloc[0] == "灵溪镇人民路1号"


def test_geojson_must_parse() -> None:
    exc = _rejected(b'{"type": "FeatureCollection", "features": [', "h.geojson", "data")
    assert exc.key == "upload.bad_geojson" and "h.geojson" in exc.text("en")
    assert _rejected(b'{"hello": "world"}', "h.geojson", "data").key == "upload.not_geojson"
    assert _rejected(b"[1, 2]", "h.json", "data").key == "upload.not_geojson"


def test_a_geopackage_is_accepted(tmp_path: Path) -> None:
    path = write_frame(tiny_units(), tmp_path / "units.gpkg", "gpkg", "units")
    upload = accept_upload(path.read_bytes(), "区划.gpkg", "data")
    assert (upload.fmt, upload.filename) == ("gpkg", "区划.gpkg")
    assert detect_format(path.read_bytes()) == "gpkg"


def test_a_data_file_named_for_another_format_is_refused() -> None:
    exc = _rejected(_geojson(), "households.csv", "data")
    assert exc.key == "upload.name_mismatch" and "GeoJSON" in exc.text("en")


def test_accepted_uploads_are_upload_records() -> None:
    upload = accept_upload(_image_bytes("PNG"), "a.png", "image")
    assert isinstance(upload, Upload) and upload.size == len(upload.data) and upload.kind == "image"
    assert [n.key for n in upload.notes] == ["upload.note.metadata_removed"]
    assert upload.notes[0].text("en").startswith("All metadata")
