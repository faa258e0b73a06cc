"""The demo's sample video (motions/demo_assets/vlog-sample.mp4) passes the upload policy.

The public browser journey plays it; here the cheap checks: it is an H.264 MP4 the admin's
upload field accepts, and small (the journey proves that the demo attaches it and it plays).
"""

from __future__ import annotations

import struct

from django.core.files.uploadedfile import SimpleUploadedFile

from congress import uploads
from motions import demo


def _video_size(data: bytes) -> tuple[int, int]:
    """Width and height of the avc1 sample entry (bytes 24–28 of its payload)."""
    at = data.index(b"avc1", data.index(b"stsd")) + 4
    return struct.unpack(">HH", data[at + 24 : at + 28])


def test_the_demo_video_is_a_small_h264_mp4_the_upload_policy_accepts():
    data = (demo.DEMO_ASSETS / "vlog-sample.mp4").read_bytes()
    assert len(data) < 50 * 1024
    assert uploads.validate_video(demo.demo_video("vlog-sample.mp4")) == "mp4"
    # The admin's form field (the same policy) accepts it and renames it after its type.
    field = uploads.VideoUploadField()
    cleaned = field.clean(SimpleUploadedFile("vlog.mp4", data, content_type="video/mp4"))
    assert cleaned.name.endswith(".mp4") and cleaned.original_name == "vlog.mp4"
    assert _video_size(data) == (320, 180)
