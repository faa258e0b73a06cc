"""Photos, videos and attachments pass the upload policy or nothing is stored."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from congress.uploads import sample_jpeg, sample_mp4, sample_pdf
from motions import services
from motions.models import MotionAttachment, ProgressUpdate, UpdatePhoto, UpdateVideo
from tests.motions.conftest import draft

pytestmark = pytest.mark.django_db

SVG_WITH_SCRIPT = (
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
)


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_files(settings) -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def post(client, motion, **files):
    data = {
        "kind": "inspection",
        "title": "代表视察北清路",
        "happened_on": "2022-05-10",
        "text": "视察情况",
        "proposed_progress": "20",
        **files,
    }
    return client.post(reverse("motions:post_update", args=[motion.pk]), data)


@pytest.mark.parametrize(
    "field,file,message",
    [
        ("photos", upload("photo.jpg", b"just some text, not an image"), "仅接收 JPEG"),
        ("photos", upload("photo.jpg", b"<html><script>alert(1)</script></html>"), "仅接收 JPEG"),
        ("photos", upload("logo.svg", SVG_WITH_SCRIPT, "image/svg+xml"), "仅接收 JPEG"),
        ("video", upload("clip.mp4", b"this is not a video at all"), "MP4"),
        ("video", upload("clip.mp4", sample_mp4(codec=b"vp09")), "H.264"),
        ("poster", upload("p.jpg", b"not an image"), "JPEG"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message_and_nothing_is_stored(
    client, settings, assigned, liaison, field, file, message
):
    client.force_login(liaison)
    extra = {"video": upload("v.mp4", sample_mp4())} if field == "poster" else {}
    response = post(client, assigned, **{field: file}, **extra)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "代表视察北清路" in page  # what was typed is kept
    assert not ProgressUpdate.objects.exists()
    assert not UpdatePhoto.objects.exists() and not UpdateVideo.objects.exists()
    assert stored_files(settings) == []


def test_an_oversized_video_is_refused(client, settings, assigned, liaison):
    settings.UPLOAD_MAX_VIDEO_BYTES = 1024
    client.force_login(liaison)
    big = upload("vlog.mp4", sample_mp4(mdat=b"\0" * 4096))
    response = post(client, assigned, video=big)
    assert response.status_code == 400
    assert "文件过大" in response.content.decode() and "1024 bytes" in response.content.decode()
    assert not ProgressUpdate.objects.exists()
    assert stored_files(settings) == []


def test_one_bad_photo_among_good_ones_stores_nothing(client, settings, assigned, liaison):
    client.force_login(liaison)
    response = post(
        client,
        assigned,
        photos=[upload("a.jpg", sample_jpeg()), upload("b.jpg", b"GIF89a not allowed")],
    )
    assert response.status_code == 400
    assert "b.jpg" in response.content.decode()
    assert not UpdatePhoto.objects.exists()
    assert stored_files(settings) == []


def _jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825).update({1: "N", 2: (39.0, 59.0, 0.0), 3: "E", 4: (116.0, 18.0, 0.0)})
    data = sample_jpeg((800, 600), exif=exif)
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # it really has a location
    return data


def test_photos_lose_their_location_and_get_thumbnails(client, assigned, liaison):
    client.force_login(liaison)
    response = post(client, assigned, photos=[upload("site.jpg", _jpeg_with_gps())])
    assert response.status_code == 302
    photo = UpdatePhoto.objects.get()
    with photo.image.open("rb") as f:
        stored = Image.open(io.BytesIO(f.read()))
        assert not stored.getexif()
    with photo.thumbnail.open("rb") as f:
        thumb = Image.open(io.BytesIO(f.read()))
        assert max(thumb.size) <= 480
    assert photo.image.name.startswith("motions/photos/") and photo.image.name.endswith(".jpg")
    assert "site" not in photo.image.name  # generated names only


def test_a_video_gets_a_drawn_poster_when_none_is_given(client, assigned, committee_staff):
    client.force_login(committee_staff)
    response = post(
        client, assigned, video=upload("vlog.mp4", sample_mp4()), publish="on", video_url=""
    )
    assert response.status_code == 302
    video = UpdateVideo.objects.get()
    assert video.poster and video.size > 0
    assert ProgressUpdate.objects.get().state == "published"


def test_video_links_must_be_https(client, assigned, committee_staff):
    client.force_login(committee_staff)
    response = post(client, assigned, video_url="http://example.com/vlog")
    assert response.status_code == 400
    assert "https://" in response.content.decode()
    with pytest.raises(services.InvalidInput):
        services.post_update(
            assigned,
            actor=committee_staff,
            kind="inspection",
            title="t",
            text="x",
            happened_on=dt.date(2022, 5, 1),
            video_url="javascript:alert(1)",
        )
    response = post(client, assigned, video_url="https://www.npc.gov.cn/vlog/1")
    assert response.status_code == 302
    page = client.get(assigned.get_absolute_url()).content.decode()
    assert "<iframe" not in page


def test_attachments_are_documents_checked_by_their_bytes(client, settings, deputy, session):
    motion = draft(deputy, session)
    client.force_login(deputy)
    url = reverse("motions:attach", args=[motion.pk])
    bad = client.post(url, {"title": "附件", "file": upload("report.pdf", b"<html>hi</html>")})
    assert bad.status_code == 400
    assert not MotionAttachment.objects.exists()
    good = client.post(url, {"title": "调研报告", "file": upload("调研报告.pdf", sample_pdf())})
    assert good.status_code == 302
    attachment = MotionAttachment.objects.get()
    assert attachment.original_name == "调研报告.pdf"
    # Served only to those who may open the motion, as a download.
    response = client.get(reverse("motions:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    client.logout()
    assert client.get(reverse("motions:attachment", args=[attachment.pk])).status_code == 404
