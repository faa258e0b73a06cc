"""Photos: only images, re-encoded without EXIF, with thumbnails; served by entry visibility."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from congress.jointmeetings import services
from congress.uploads import sample_jpeg, sample_png

pytestmark = pytest.mark.django_db


def _jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (39.0, 57.0, 0.0)}  # GPS IFD
    return sample_jpeg((800, 600), exif=exif)


def test_recorder_uploads_a_photo_without_exif_and_with_thumbnail(client, recorder, open_meeting):
    client.force_login(recorder)
    upload = SimpleUploadedFile("现场.jpg", _jpeg_with_gps(), content_type="image/jpeg")
    r = client.post(
        reverse("jointmeetings:portal_photo_add", args=[open_meeting.pk]),
        {"photo": upload, "caption": "会议现场"},
    )
    assert r.status_code == 302
    photo = open_meeting.photos.get()
    assert photo.caption == "会议现场"
    with photo.image.open("rb") as f:
        stored = Image.open(io.BytesIO(f.read()))
        assert not stored.getexif()  # no camera make, no GPS
        assert stored.size == (800, 600)
    with photo.thumbnail.open("rb") as f:
        assert max(Image.open(io.BytesIO(f.read())).size) <= 480
    assert not photo.image.name.endswith("现场.jpg")  # generated name


def test_non_image_is_refused_and_nothing_stored(client, recorder, open_meeting):
    client.force_login(recorder)
    fake = SimpleUploadedFile("photo.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg")
    r = client.post(
        reverse("jointmeetings:portal_photo_add", args=[open_meeting.pk]),
        {"photo": fake, "caption": "保留的说明"},
    )
    assert r.status_code == 400
    assert "保留的说明" in r.text  # what was typed is kept
    assert open_meeting.photos.count() == 0


def test_service_refuses_non_image(recorder, open_meeting):
    from congress.errors import InvalidInput

    with pytest.raises(InvalidInput) as exc:
        services.add_photo(open_meeting, actor=recorder, file=io.BytesIO(b"%PDF-1.4 not a photo"))
    assert exc.value.code == "invalid_photo"


def test_other_recorder_cannot_upload(client, other_recorder, open_meeting):
    client.force_login(other_recorder)
    upload = SimpleUploadedFile("a.png", sample_png(), content_type="image/png")
    r = client.post(
        reverse("jointmeetings:portal_photo_add", args=[open_meeting.pk]), {"photo": upload}
    )
    assert r.status_code == 404
    assert open_meeting.photos.count() == 0


def test_photo_of_open_entry_is_not_public(client, recorder, other_recorder, open_meeting, staff):
    photo = services.add_photo(open_meeting, actor=recorder, file=io.BytesIO(sample_jpeg()))
    url = reverse("jointmeetings:photo", args=[photo.pk, "thumb"])
    assert client.get(url).status_code == 404
    client.force_login(other_recorder)  # other streets read
    assert client.get(url).status_code == 200
    services.sign_off(open_meeting, actor=staff)
    client.logout()
    r = client.get(url)
    assert r.status_code == 200 and r["Content-Type"] == "image/jpeg"


def test_recorder_removes_a_photo(client, recorder, open_meeting):
    photo = services.add_photo(open_meeting, actor=recorder, file=io.BytesIO(sample_jpeg()))
    client.force_login(recorder)
    r = client.post(reverse("jointmeetings:portal_photo_delete", args=[open_meeting.pk, photo.pk]))
    assert r.status_code == 302
    assert open_meeting.photos.count() == 0
