"""Size limits and safe unpacking of uploaded archives.

Everything here runs before any byte of data is parsed: an oversize file, a zip bomb or
a zip whose member names climb out of the target directory is refused from the zip's
directory alone, and members are then copied one by one with the byte counts enforced
(never ``extractall``).
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path, PurePosixPath

from gridmap.io.problems import Message, reject

# A shapefile zip has 4-8 members; 100 leaves room for several layers and read-mes.
ZIP_MAX_MEMBERS = 100
# Measured: a realistic shapefile .dbf (wide text fields, mostly blank) deflates 78:1;
# deflate itself tops out near 1,030:1, which is what bombs use. 200:1 separates them.
ZIP_MAX_RATIO = 200
# Members smaller than this are never refused for their ratio (a .cpg, a tiny .dbf).
ZIP_RATIO_MIN_BYTES = 1 << 20
_COPY_CHUNK = 1 << 20
# Files that come with a .shp and are read with it.
SHAPEFILE_SIBLINGS = (".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".shp.xml")


def check_size(path: Path, max_bytes: int) -> None:
    """Refuse a file (with its shapefile siblings) larger than ``max_bytes``.

    Raises:
        ImportRejected: when the file is missing, not a regular file, or too large.
    """
    if not path.exists():
        raise reject("io.file.missing", path=str(path))
    if not path.is_file():
        raise reject("io.file.not_a_file", path=str(path))
    total = sum(p.stat().st_size for p in _with_siblings(path))
    if total > max_bytes:
        raise reject("io.file.too_large", name=path.name, size=size_text(total), limit=size_text(max_bytes))


def safe_extract(archive: Path, dest: Path, max_bytes: int) -> list[Path]:
    """Unpack a zip into ``dest`` after checking it cannot harm the machine.

    Refused before anything is written: more than :data:`ZIP_MAX_MEMBERS` members, a
    total uncompressed size above ``max_bytes``, a member larger than 1 MiB that
    expands more than :data:`ZIP_MAX_RATIO` times, names that are absolute or contain
    ``..`` (path traversal), symbolic links, and encrypted members.

    Args:
        archive: the .zip file.
        dest: an empty directory (normally a temporary one) to unpack into.
        max_bytes: the limit on the total uncompressed size.

    Returns:
        The unpacked regular files.

    Raises:
        ImportRejected: naming the member and the limit it breaks.
    """
    try:
        with zipfile.ZipFile(archive) as zf:
            members = [m for m in zf.infolist() if not m.is_dir()]
            _check_members(members, max_bytes)
            return [_copy_member(zf, m, dest) for m in members]
    except zipfile.BadZipFile as exc:
        raise reject("io.zip.bad", name=archive.name, detail=str(exc)) from None


def _check_members(members: list[zipfile.ZipInfo], max_bytes: int) -> None:
    if len(members) > ZIP_MAX_MEMBERS:
        raise reject("io.zip.too_many_members", count=len(members), limit=ZIP_MAX_MEMBERS)
    total = sum(m.file_size for m in members)
    if total > max_bytes:
        raise reject("io.zip.too_large_unpacked", size=size_text(total), limit=size_text(max_bytes))
    for m in members:
        _check_name(m.filename)
        if stat.S_ISLNK(m.external_attr >> 16):
            raise reject("io.zip.symlink", member=repr(m.filename))
        if m.flag_bits & 0x1:
            raise reject("io.zip.encrypted", member=repr(m.filename))
        ratio = m.file_size / max(m.compress_size, 1)
        if m.file_size > ZIP_RATIO_MIN_BYTES and ratio > ZIP_MAX_RATIO:
            raise reject("io.zip.ratio", member=repr(m.filename), ratio=f"{ratio:.0f}", limit=ZIP_MAX_RATIO)


def _check_name(name: str) -> None:
    posix = name.replace("\\", "/")
    parts = PurePosixPath(posix).parts
    if posix.startswith("/") or (len(posix) > 1 and posix[1] == ":") or ".." in parts:
        raise reject("io.zip.traversal", member=repr(name))


def _copy_member(zf: zipfile.ZipFile, member: zipfile.ZipInfo, dest: Path) -> Path:
    parts = [p for p in PurePosixPath(member.filename.replace("\\", "/")).parts if p not in ("", ".")]
    target = dest.joinpath(*parts)
    if not target.resolve().is_relative_to(dest.resolve()):
        raise reject("io.zip.escapes", member=repr(member.filename))
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with zf.open(member) as src, open(target, "wb") as out:
        while chunk := src.read(_COPY_CHUNK):
            written += len(chunk)
            if written > member.file_size:
                raise reject("io.zip.member_size", member=repr(member.filename), size=member.file_size)
            out.write(chunk)
    return target


def _with_siblings(path: Path) -> list[Path]:
    if path.suffix.lower() != ".shp":
        return [path]
    stem = path.name[: -len(path.suffix)]
    wanted = {stem.lower() + s for s in SHAPEFILE_SIBLINGS}
    return [path, *(p for p in path.parent.iterdir() if p.name.lower() in wanted and p.is_file())]


def size_text(n: int) -> Message:
    """A size for a message: ``1.5 MiB``, or a byte count under 1 MiB (``512 字节`` / ``512 bytes``)."""
    return Message("io.size.mib", {"mib": f"{n / 2**20:.1f}"}) if n >= 2**20 else Message("io.size.bytes", {"n": n})
