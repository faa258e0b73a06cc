"""The upload policy at every place that accepts a file: one table of uses (page, API endpoint or
admin form) × one set of hostile files. Each must be refused with a clear Chinese message, what
was typed kept, and nothing stored (no row, no file under MEDIA_ROOT or PRIVATE_MEDIA_ROOT).
A valid file passes every use (so the refusals are not an artefact of a broken setup), and a
JPEG with GPS EXIF is stored without it.
"""

# ruff: noqa: F811  (fixtures imported from other test packages are test arguments)
from __future__ import annotations

import datetime as dt
import html
import io
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from congress.models import ObligationDocument, Regulation, RegulationKind
from congress.uploads import (
    sample_jpeg,
    sample_mp4,
    sample_pdf,
    sample_xlsx,
    validate_document,
    validate_image,
    validate_video,
)
from tests.congress.test_deadline_fixtures import make_obligation  # noqa: F401
from tests.jointmeetings.conftest import make_meeting, open_meeting  # noqa: F401
from tests.motions.conftest import (  # noqa: F401
    assigned,
    cosigners,
    registered,
    rules,
    session,
    submitted,
)
from tests.suggestions.conftest import suggestion_rules  # noqa: F401

pytestmark = pytest.mark.django_db

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.domain)</script></svg>"
)
AVI = b"RIFF" + struct.pack("<I", 4 + 12 + 100) + b"AVI LIST" + struct.pack("<I", 100) + bytes(100)
EXT = {"image": "jpg", "document": "pdf", "pdf": "pdf", "xlsx": "xlsx", "video": "mp4"}
LIMIT = {
    "image": "UPLOAD_MAX_IMAGE_BYTES",
    "document": "UPLOAD_MAX_DOCUMENT_BYTES",
    "pdf": "UPLOAD_MAX_DOCUMENT_BYTES",
    "xlsx": "UPLOAD_MAX_DOCUMENT_BYTES",
    "video": "UPLOAD_MAX_VIDEO_BYTES",
}
VALIDATOR = {
    "image": validate_image,
    "document": validate_document,
    "pdf": lambda f: validate_document(f, {"pdf"}),
    "xlsx": lambda f: validate_document(f, {"xlsx"}),
    "video": validate_video,
}


def valid_bytes(kind: str) -> bytes:
    return {
        "image": lambda: sample_jpeg((64, 48)),
        "document": lambda: sample_pdf("report"),
        "pdf": lambda: sample_pdf("letter"),
        "xlsx": lambda: sample_xlsx([["编号", "姓名"]]),
        "video": lambda: sample_mp4(mdat=bytes(256)),
    }[kind]()


def polyglot(kind: str) -> bytes:
    """A file whose first bytes are of the right type and which also carries a web page."""
    if kind == "image":
        return sample_jpeg() + HTML  # a JPEG followed by HTML/JS
    if kind in ("document", "pdf"):  # PDF + HTML in a PDF comment line
        return sample_pdf().replace(b"%PDF-1.4\n", b"%PDF-1.4\n%" + HTML + b"\n", 1)
    if kind == "xlsx":
        return sample_xlsx() + HTML  # a ZIP/HTML polyglot
    return sample_mp4()[:32] + HTML  # an MP4 'ftyp' header followed by HTML


# case -> (file name, bytes) for a use of a given kind; "oversized" lowers the limit instead.
CASES = {
    "html_renamed": lambda kind: (f"photo.{EXT[kind]}", HTML),
    "svg_with_script": lambda kind: ("logo.svg", SVG),
    "polyglot": lambda kind: (f"mixed.{EXT[kind]}", polyglot(kind)),
    "oversized": lambda kind: (f"big.{EXT[kind]}", valid_bytes(kind)),
    "zero_bytes": lambda kind: (f"empty.{EXT[kind]}", b""),
    "avi_renamed_mp4": lambda kind: ("clip.mp4", AVI),
    "text_renamed_mp4": lambda kind: ("clip.mp4", b"just a text file, not a video\n" * 4),
    "wrong_video_codec": lambda kind: ("clip.mp4", sample_mp4(codec=b"vp09")),
}
DJANGO_EMPTY = "The submitted file is empty."


@dataclass
class Use:
    kind: str
    field: str
    submit: Any  # (upload) -> response or bound form
    rows: Any  # () -> tuple of counts that must not change
    typed: str = ""  # text typed into the form, to be found again in the answer
    api: bool = False
    form: bool = False  # an admin form checked as a form (the admin saves only valid forms)
    accepted: tuple = (200, 201, 302)
    saves: bool = True  # False: an admin inline form, valid or not, saved by its parent's page


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


# --- The uses -------------------------------------------------------------------------------


def use_report_page(request) -> Use:
    from congress.models import Obligation

    client, liaison = request.getfixturevalue("client"), request.getfixturevalue("liaison")
    ob = request.getfixturevalue("make_obligation")(timezone.localdate() + dt.timedelta(days=30))
    client.force_login(liaison)
    url = reverse("portal:obligation_submit", args=[ob.pk])
    return Use(
        "document",
        "file",
        lambda f: client.post(url, {"title": "保留的报告标题", "text": "", "file": f}),
        lambda: (ObligationDocument.objects.count(), Obligation.objects.get(pk=ob.pk).state),
        typed="保留的报告标题",
    )


def use_report_api(request) -> Use:
    client, liaison = request.getfixturevalue("client"), request.getfixturevalue("liaison")
    ob = request.getfixturevalue("make_obligation")(timezone.localdate() + dt.timedelta(days=30))
    client.force_login(liaison)
    url = f"/api/obligations/{ob.pk}/submit/"
    return Use(
        "document",
        "file",
        lambda f: client.post(url, {"title": "报告", "text": "", "file": f}),
        lambda: (ObligationDocument.objects.count(),),
        api=True,
    )


def use_suggestion_page(request) -> Use:
    from motions.suggestions.models import Attachment, Category, Suggestion

    client, deputy = request.getfixturevalue("client"), request.getfixturevalue("deputy")
    request.getfixturevalue("term")
    category = Category.objects.create(name="教育")
    client.force_login(deputy)
    return Use(
        "document",
        "attachment",
        lambda f: client.post(
            reverse("suggestions:portal_new"),
            {
                "title": "保留的建议标题",
                "category": category.pk,
                "content": "保留的建议内容",
                "attachment": f,
            },
        ),
        lambda: (Suggestion.objects.count(), Attachment.objects.count()),
        typed="保留的建议内容",
    )


def _contacted_assignment(request):
    from motions.suggestions import services
    from tests.suggestions import factories

    term, deputy = request.getfixturevalue("term"), request.getfixturevalue("deputy")
    unit, staff = request.getfixturevalue("unit"), request.getfixturevalue("staff")
    liaison = request.getfixturevalue("liaison")
    [s] = factories.filed(term, deputy)
    [a] = factories.assigned([s], unit, staff)
    services.record_contact(
        a, actor=liaison, method="phone", contacted_on=timezone.localdate(), note="电话沟通"
    )
    return a, liaison


def use_reply_letter_page(request) -> Use:
    from motions.suggestions.models import Reply

    a, liaison = _contacted_assignment(request)
    client = request.getfixturevalue("client")
    client.force_login(liaison)
    url = reverse("suggestions:unit_reply", args=[a.pk])
    return Use(
        "pdf",
        "letter",
        lambda f: client.post(url, {"reply_class": "A", "text": "保留的答复文字", "letter": f}),
        lambda: (Reply.objects.count(), ObligationDocument.objects.count()),
        typed="保留的答复文字",
    )


def use_reply_letter_api(request) -> Use:
    from motions.suggestions.models import Reply

    a, liaison = _contacted_assignment(request)
    client = request.getfixturevalue("client")
    client.force_login(liaison)
    url = f"/api/suggestion-assignments/{a.pk}/reply/"
    return Use(
        "pdf",
        "letter",
        lambda f: client.post(url, {"reply_class": "A", "text": "答复", "letter": f}),
        lambda: (Reply.objects.count(), ObligationDocument.objects.count()),
        api=True,
    )


def use_followup_report_page(request) -> Use:
    from motions.suggestions.models import FollowUp
    from tests.suggestions import factories

    term, deputy = request.getfixturevalue("term"), request.getfixturevalue("deputy")
    unit, staff = request.getfixturevalue("unit"), request.getfixturevalue("staff")
    liaison, client = request.getfixturevalue("liaison"), request.getfixturevalue("client")
    [s] = factories.filed(term, deputy)
    [a] = factories.assigned([s], unit, staff)
    follow_up = FollowUp.objects.get(reply=factories.replied(a, liaison, reply_class="B"))
    client.force_login(liaison)
    url = reverse("suggestions:unit_followup", args=[follow_up.pk])
    return Use(
        "document",
        "file",
        lambda f: client.post(url, {"text": "保留的落实情况", "file": f}),
        lambda: (ObligationDocument.objects.count(), FollowUp.objects.get().obligation.state),
        typed="保留的落实情况",
    )


def use_motion_attachment_page(request) -> Use:
    from motions.models import MotionAttachment
    from tests.motions.conftest import draft

    client, deputy = request.getfixturevalue("client"), request.getfixturevalue("deputy")
    motion = draft(deputy, request.getfixturevalue("session"))
    client.force_login(deputy)
    url = reverse("motions:attach", args=[motion.pk])
    return Use(
        "document",
        "file",
        lambda f: client.post(url, {"title": "保留的附件标题", "file": f}),
        lambda: (MotionAttachment.objects.count(),),
        typed="保留的附件标题",
    )


def _motion_update(request, field: str, kind: str, *, api: bool = False) -> Use:
    from motions.models import ProgressUpdate, UpdatePhoto, UpdateVideo

    client, liaison = request.getfixturevalue("client"), request.getfixturevalue("liaison")
    motion = request.getfixturevalue("assigned")
    client.force_login(liaison)
    data = {
        "kind": "inspection",
        "title": "保留的进展标题",
        "happened_on": "2022-05-10",
        "text": "视察情况",
        "proposed_progress": "20",
    }
    url = (
        f"/api/portal-motions/{motion.pk}/post-update/"
        if api
        else reverse("motions:post_update", args=[motion.pk])
    )
    return Use(
        kind,
        field,
        lambda f: client.post(url, {**data, field: f}),
        lambda: (
            ProgressUpdate.objects.count(),
            UpdatePhoto.objects.count(),
            UpdateVideo.objects.count(),
        ),
        typed="" if api else "保留的进展标题",
        api=api,
    )


def use_motion_update_photo_page(request) -> Use:
    return _motion_update(request, "photos", "image")


def use_motion_update_video_page(request) -> Use:
    return _motion_update(request, "video", "video")


def use_motion_update_photo_api(request) -> Use:
    return _motion_update(request, "photos", "image", api=True)


def use_motion_update_video_api(request) -> Use:
    return _motion_update(request, "video", "video", api=True)


def use_jointmeeting_photo_page(request) -> Use:
    from congress.jointmeetings.models import JointMeetingPhoto

    client, recorder = request.getfixturevalue("client"), request.getfixturevalue("recorder")
    meeting = request.getfixturevalue("open_meeting")
    client.force_login(recorder)
    url = reverse("jointmeetings:portal_photo_add", args=[meeting.pk])
    return Use(
        "image",
        "photo",
        lambda f: client.post(url, {"photo": f, "caption": "保留的照片说明"}),
        lambda: (JointMeetingPhoto.objects.count(),),
        typed="保留的照片说明",
    )


def use_roster_import_page(request) -> Use:
    from deputies.models import RosterImport

    client = request.getfixturevalue("client")
    staff = request.getfixturevalue("deputy_affairs_staff")
    request.getfixturevalue("term")
    client.force_login(staff)
    return Use(
        "xlsx",
        "file",
        lambda f: client.post(reverse("deputies:roster_import"), {"file": f}),
        lambda: (RosterImport.objects.count(),),
    )


def _admin_form(form_class, data: dict, field: str, kind: str, model, *, saves=True) -> Use:
    def submit(f):
        form = form_class(data=data, files={field: f})
        if form.is_valid() and saves:
            form.save()
        return form

    return Use(kind, field, submit, lambda: (model.objects.count(),), form=True, saves=saves)


def use_admin_deputy_photo(request) -> Use:
    from deputies.admin import DeputyAdminForm
    from deputies.models import Deputy

    request.getfixturevalue("db")
    data = {"number": "D17-8001", "name": "保留的姓名", "gender": "F"}
    return _admin_form(DeputyAdminForm, data, "photo", "image", Deputy)


def use_admin_training_attachment(request) -> Use:
    from deputies.admin import TrainingAdminForm
    from deputies.models import TrainingMaterial

    request.getfixturevalue("db")
    data = {"title": "保留的培训标题", "body": "正文"}
    return _admin_form(TrainingAdminForm, data, "attachment", "document", TrainingMaterial)


def use_admin_regulation_attachment(request) -> Use:
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    request.getfixturevalue("db")
    admin_request = RequestFactory().get("/admin/congress/regulation/add/")
    admin_request.user = request.getfixturevalue("superuser")
    model_admin = site._registry[Regulation]
    # The form the admin's add page really uses (and its whole field list, not just the file).
    form_class = model_admin.get_form(admin_request)
    assert "title" in form_class.base_fields and "attachment" in form_class.base_fields
    data = {
        "title": "保留的法规标题",
        "kind": RegulationKind.values[0],
        "text": "条文",
        "effective_on": "2026-01-01",
        "is_published": "on",
    }
    return _admin_form(form_class, data, "attachment", "document", Regulation)


def use_admin_motion_photo(request) -> Use:
    from motions.admin import PhotoAdminForm
    from motions.models import UpdatePhoto

    request.getfixturevalue("db")
    data = {"caption": "说明", "position": 0}
    return _admin_form(PhotoAdminForm, data, "image", "image", UpdatePhoto, saves=False)


USES = {
    name.removeprefix("use_"): fn
    for name, fn in sorted(globals().items())
    if name.startswith("use_")
}


# --- Helpers --------------------------------------------------------------------------------


def stored_files(settings) -> list[Path]:
    found = []
    for root in (Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)):
        if root.exists():
            found += [p for p in root.rglob("*") if p.is_file()]
    return found


def expected_messages(kind: str, name: str, data: bytes) -> set[str]:
    """What the policy says about this file for this use, in Chinese (plus Django's own message
    for an empty upload, which Django's FileField gives before ours runs)."""
    messages = set()
    with translation.override("zh-hans"):
        try:
            VALIDATOR[kind](upload(name, data))
        except ValidationError as exc:
            messages |= {str(m) for m in exc.messages}
        if not data:
            messages.add(str(translation.gettext(DJANGO_EMPTY)))
    return messages


def answer_text(use: Use, answer) -> str:
    if use.form:
        return " ".join(str(e) for e in answer.errors.get(use.field, []))
    return html.unescape(answer.content.decode())


# --- The negative set -----------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("use_name", sorted(USES))
def test_every_upload_use_refuses_every_hostile_file_and_stores_nothing(
    request, settings, use_name, case
):
    use = USES[use_name](request)
    name, data = CASES[case](use.kind)
    if case == "oversized":
        setattr(settings, LIMIT[use.kind], len(data) - 1)
    expected = expected_messages(use.kind, name, data)
    assert expected, "the policy itself must refuse this file"
    rows_before, files_before = use.rows(), stored_files(settings)

    with translation.override("zh-hans"):
        answer = use.submit(upload(name, data))

    text = answer_text(use, answer)
    if use.form:
        assert not answer.is_valid() and use.field in answer.errors
        # The form re-renders with what was typed (checkboxes come back as booleans).
        assert answer.data
        assert all(str(answer[k].value()) == str(v) for k, v in answer.data.items() if v != "on")
    else:
        assert answer.status_code == 400 or (answer.status_code == 200 and not use.api), (
            answer.status_code
        )
        if use.api:
            error = answer.json()["error"]
            assert error["code"] and use.field in error["fields"]
    # A clear message, in Chinese, naming what is wrong.
    assert any(m in text for m in expected), (expected, text[:2000])
    assert any("\u4e00" <= ch <= "\u9fff" for m in expected for ch in m)
    if use.typed:
        assert use.typed in text  # what was typed is kept
    assert use.rows() == rows_before
    assert stored_files(settings) == files_before


@pytest.mark.parametrize("use_name", sorted(USES))
def test_every_upload_use_accepts_a_valid_file(request, settings, use_name):
    """The control: the same use with a sound file goes through (the refusals above are real)."""
    use = USES[use_name](request)
    rows_before, files_before = use.rows(), stored_files(settings)
    answer = use.submit(upload(f"good.{EXT[use.kind]}", valid_bytes(use.kind)))
    if use.form:
        assert answer.is_valid(), answer.errors
    else:
        assert answer.status_code in use.accepted, answer.content[:1000]
    if not use.saves:
        return
    assert use.rows() != rows_before
    if use.kind != "xlsx":  # the roster keeps its file in the database until it is imported
        assert len(stored_files(settings)) > len(files_before)
        assert all(not p.name.startswith("good") for p in stored_files(settings))


# --- Positive: location data removed --------------------------------------------------------


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825).update({1: "N", 2: (39.0, 57.0, 36.0), 3: "E", 4: (116.0, 18.0, 0.0)})
    data = sample_jpeg((120, 90), exif=exif)
    with Image.open(io.BytesIO(data)) as image:
        assert image.getexif().get_ifd(0x8825)  # the fixture really carries a location
    return data


@pytest.mark.parametrize(
    "use_name", sorted(n for n, fn in USES.items() if "photo" in n and "admin" not in n)
)
def test_a_jpeg_with_gps_is_stored_without_it(request, settings, use_name):
    use = USES[use_name](request)
    answer = use.submit(upload("IMG_0001.jpg", jpeg_with_gps()))
    assert answer.status_code in use.accepted
    images = [p for p in stored_files(settings) if p.suffix == ".jpg"]
    assert images
    for path in images:
        raw = path.read_bytes()
        assert b"Exif" not in raw and b"PhoneMaker" not in raw
        with Image.open(path) as image:
            assert not image.getexif() and not image.getexif().get_ifd(0x8825)
        assert "IMG_0001" not in path.name
