"""Archives and sizes: refused from the zip directory alone, before anything is unpacked."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest

from gridmap.io import ImportRejected, read_layer_file
from gridmap.io.archive import ZIP_MAX_MEMBERS, safe_extract
from tests.fixtures.io.builders import households_frame, shapefile_parts, write_shapefile, zip_files


def _zip_with(path: Path, members: dict[str, bytes], *, symlink: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        if symlink is not None:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, "/etc/passwd")
    return path


def _rejected(path: Path, **kwargs: object) -> str:
    with pytest.raises(ImportRejected) as caught:
        read_layer_file("households", path, **kwargs)
    return str(caught.value)


@pytest.mark.parametrize(
    ("members", "words"),
    [
        pytest.param({"bomb.dbf": b"\0" * (8 << 20)}, ("压缩比", "压缩炸弹"), id="compression ratio > 200:1"),
        pytest.param({f"f{i}.txt": b"x" for i in range(ZIP_MAX_MEMBERS + 1)}, ("个文件", "超过上限"),
                     id="too many members"),
        pytest.param({"../evil.csv": b"lon,lat\n1,2\n"}, ("..", "解压目录之外"), id="path traversal ../"),
        pytest.param({"a/../../evil.csv": b"lon,lat\n1,2\n"}, ("解压目录之外",), id="nested traversal"),
        pytest.param({"/tmp/evil.csv": b"lon,lat\n1,2\n"}, ("绝对路径",), id="absolute name"),
        pytest.param({"C:/evil.csv": b"lon,lat\n1,2\n"}, ("绝对路径",), id="drive letter"),
        pytest.param({"..\\evil.csv": b"lon,lat\n1,2\n"}, ("解压目录之外",), id="backslash traversal"),
    ],
)
def test_dangerous_zip_is_refused_before_extracting(members: dict[str, bytes], words: tuple[str, ...],
                                                    tmp_path: Path) -> None:
    archive = _zip_with(tmp_path / "upload.zip", members)
    dest = tmp_path / "dest"
    dest.mkdir()
    with pytest.raises(ImportRejected) as caught:
        safe_extract(archive, dest, max_bytes=200 << 20)
    assert all(w in str(caught.value) for w in words), str(caught.value)
    assert list(dest.iterdir()) == []
    assert not (tmp_path / "evil.csv").exists()


def test_symlink_member_is_refused(tmp_path: Path) -> None:
    archive = _zip_with(tmp_path / "upload.zip", {"households.csv": b"lon,lat\n1,2\n"}, symlink="link.csv")
    assert "符号链接" in _rejected(archive)


def test_uncompressed_total_above_the_limit_is_refused(tmp_path: Path) -> None:
    shp = write_shapefile(tmp_path / "shp", households_frame(50))
    archive = zip_files(tmp_path / "households.zip", shapefile_parts(shp))
    assert archive.stat().st_size < 8000
    text = _rejected(archive, max_bytes=archive.stat().st_size + 100)
    assert "解压后共" in text and "超过上限" in text


def test_not_a_zip_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "households.zip"
    path.write_bytes(b"PK\x03\x04 not really")
    assert "不是有效的 zip" in _rejected(path)


def test_zip_without_data_file_is_refused(tmp_path: Path) -> None:
    archive = _zip_with(tmp_path / "households.zip", {"readme.txt.md": b"hello"})
    assert "没有可读取的数据文件" in _rejected(archive)


def test_zip_with_two_shapefiles_needs_one_named_after_the_layer(tmp_path: Path) -> None:
    a = write_shapefile(tmp_path / "a", households_frame(1), name="old")
    b = write_shapefile(tmp_path / "b", households_frame(2), name="new")
    archive = zip_files(tmp_path / "two.zip", [*shapefile_parts(a), *shapefile_parts(b)])
    assert "多个数据文件" in _rejected(archive)
    c = write_shapefile(tmp_path / "c", households_frame(3), name="households")
    archive = zip_files(tmp_path / "three.zip", [*shapefile_parts(a), *shapefile_parts(c)])
    assert len(read_layer_file("households", archive).frame) == 3


def test_zipped_shapefile_in_a_folder_with_macos_junk_is_read(tmp_path: Path) -> None:
    shp = write_shapefile(tmp_path / "shp", households_frame(2))
    parts = shapefile_parts(shp)
    archive = zip_files(tmp_path / "h.zip", [*parts, parts[0]],
                        arcnames=[f"数据/{p.name}" for p in parts] + ["__MACOSX/数据/._households.shp"])
    assert len(read_layer_file("households", archive).frame) == 2


def test_oversize_file_is_refused_without_being_parsed(tmp_path: Path) -> None:
    path = tmp_path / "huge.geojson"
    path.write_bytes(b"\xff" * 4096)  # not even JSON: the size check comes first
    text = _rejected(path, max_bytes=1024)
    assert "4,096 字节" in text and "超过上限 1,024 字节" in text


def test_oversize_shapefile_counts_its_siblings(tmp_path: Path) -> None:
    shp = write_shapefile(tmp_path / "shp", households_frame(20))
    limit = shp.stat().st_size + 10  # the .shp alone fits, with its .dbf it does not
    assert "超过上限" in _rejected(shp, max_bytes=limit)
