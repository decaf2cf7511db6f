"""Regression: importing WeasyPrint (the town brief) switched on Pillow's process-wide
"load truncated images", after which the upload checks accepted a photo cut in half
(found when the branches met: tests/test_uploads.py failed after the brief tests ran)."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageFile

from gridmap.brief.render import _weasyprint_html
from gridmap.uploads import UploadRejected, accept_upload


def _half_a_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((200, 200), 64).convert("RGB").save(buffer, "JPEG")
    data = buffer.getvalue()
    return data[: len(data) // 2]


def test_a_truncated_photo_is_refused_after_a_brief_was_made() -> None:
    _weasyprint_html()  # what brief_pdf does first
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    with pytest.raises(UploadRejected) as refused:
        accept_upload(_half_a_jpeg(), "cut.jpg", "image")
    assert refused.value.key == "upload.image_unreadable"


def test_the_upload_check_does_not_trust_the_process_wide_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # another library's import
    with pytest.raises(UploadRejected):
        accept_upload(_half_a_jpeg(), "cut.jpg", "image")
