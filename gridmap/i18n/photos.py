"""Words about photos of issues and hazards: ``key: (Chinese, English)``.

Keys start with ``photos.``; the label of the layer (``layer.photos``) is here too.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "layer.photos": ("照片", "Photos"),
    "photos.thing": ("照片", "photo"),
    "photos.too_many": ("一次最多上传 {limit} 张照片，这次选了 {n} 张，请删掉几张再提交。",
                        "At most {limit} photos at a time; {n} were chosen. Remove some and submit again."),
    "photos.not_checked": ("第 {n} 张照片没有经过上传检查，没有保存。请重新选择照片。",
                           "Photo {n} did not pass the upload checks and was not kept. Choose it again."),
    "photos.no_owner": ("“{layer}”的记录不能附照片。", "Records of “{layer}” cannot have photos."),
}
