"""Private files: stored outside MEDIA_ROOT (or in a private S3 bucket), never reachable from a
public media URL, streamed only by permission-checked views as downloads (404 for others)."""

# ruff: noqa: F811  (fixtures imported from other test packages are test arguments)
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.views.static import serve

from congress.models import ObligationDocument
from congress.uploads import PrivateFileSystemStorage, get_private_storage, sample_pdf, serve_file
from tests.congress.test_deadline_fixtures import make_obligation  # noqa: F401
from tests.suggestions.conftest import suggestion_rules  # noqa: F401

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def files_under(root) -> list[Path]:
    root = Path(root)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def assert_not_public(client, settings, name: str) -> None:
    """Neither the site nor a dev server serving MEDIA_ROOT under MEDIA_URL gives the file."""
    assert client.get(f"{settings.MEDIA_URL}{name}").status_code == 404
    request = RequestFactory().get(f"{settings.MEDIA_URL}{name}")
    with pytest.raises(Http404):
        serve(request, name, document_root=settings.MEDIA_ROOT)  # what runserver/static() do


def assert_download(response, body: bytes) -> None:
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == body


def test_the_private_storage_has_no_url_and_lies_outside_media_root(settings):
    import congress.settings as project

    storage = get_private_storage()
    assert isinstance(storage, PrivateFileSystemStorage)
    assert Path(storage.location) == Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    assert not Path(storage.location).is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    # The project's defaults too: $DATA_DIR/private beside $DATA_DIR/media, not inside it.
    assert (
        not Path(project.PRIVATE_MEDIA_ROOT)
        .resolve()
        .is_relative_to(Path(project.MEDIA_ROOT).resolve())
    )
    with pytest.raises(ValueError):
        storage.url("obligations/2026/11/x.pdf")


def test_a_unit_report_is_private_and_reaches_only_who_may_see_the_obligation(
    client, settings, make_obligation, liaison, other_liaison, staff
):
    ob = make_obligation(timezone.localdate() + dt.timedelta(days=30))
    pdf = sample_pdf("report")
    client.force_login(liaison)
    response = client.post(
        reverse("portal:obligation_submit", args=[ob.pk]),
        {"title": "办理计划", "text": "", "file": SimpleUploadedFile("计划.pdf", pdf)},
    )
    assert response.status_code == 302
    doc = ObligationDocument.objects.get()
    assert files_under(settings.MEDIA_ROOT) == []
    [stored] = files_under(settings.PRIVATE_MEDIA_ROOT)
    assert stored.read_bytes() == pdf and "计划" not in stored.name
    assert doc.file.name.startswith("obligations/") and doc.file.name.endswith(".pdf")
    assert_not_public(client, settings, doc.file.name)

    url = reverse("portal:obligation_document", args=[ob.pk, doc.pk])
    assert_download(client.get(url), pdf)
    client.force_login(staff)
    assert_download(client.get(url), pdf)
    client.force_login(other_liaison)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code in (302, 404)
    assert client.get(url).status_code != 200


def test_a_suggestion_attachment_is_private_and_served_to_its_proposers_only(
    client, settings, term, deputy, other_deputy, staff
):
    from motions.suggestions.models import Attachment, Category

    category = Category.objects.create(name="教育")
    pdf = sample_pdf("research")
    client.force_login(deputy)
    response = client.post(
        reverse("suggestions:portal_new"),
        {
            "title": "关于增设口袋公园的建议",
            "category": category.pk,
            "content": "建议增设口袋公园。",
            "attachment": SimpleUploadedFile("调研报告.pdf", pdf),
        },
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert files_under(settings.MEDIA_ROOT) == []
    assert len(files_under(settings.PRIVATE_MEDIA_ROOT)) == 1
    assert_not_public(client, settings, attachment.file.name)

    url = reverse("suggestions:file", args=["attachment", attachment.pk])
    detail = client.get(reverse("suggestions:portal_detail", args=[attachment.suggestion_id]))
    assert url in detail.content.decode() and settings.MEDIA_URL not in detail.content.decode()
    assert_download(client.get(url), pdf)
    assert "filename" in client.get(url)["Content-Disposition"]
    client.force_login(staff)
    assert client.get(url).status_code == 200
    client.force_login(other_deputy)
    assert client.get(url).status_code == 404
    assert client.get(reverse("suggestions:file", args=["other", attachment.pk])).status_code == 404


def test_a_reply_letter_is_private_and_the_api_points_to_the_checked_view(
    client, settings, term, deputy, unit, staff, liaison, other_liaison
):
    from tests.suggestions import factories

    [s] = factories.filed(term, deputy)
    [a] = factories.assigned([s], unit, staff)
    reply = factories.replied(a, liaison)
    assert reply.letter and files_under(settings.MEDIA_ROOT) == []
    assert_not_public(client, settings, reply.letter.name)
    url = reverse("suggestions:file", args=["letter", reply.pk])
    client.force_login(liaison)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    data = client.get(f"/api/suggestions/{s.pk}/").json()
    assert data["assignments"][0]["replies"][0]["letter"] == url
    client.force_login(deputy)  # the proposer reads the reply
    assert client.get(url).status_code == 200
    client.force_login(other_liaison)
    assert client.get(url).status_code == 404


def test_nothing_is_ever_served_inline_as_html_or_svg(settings):
    storage = get_private_storage()
    for name, body in (("legacy/page.html", b"<html>"), ("legacy/logo.svg", b"<svg/>")):
        storage.save(name, ContentFile(body))
        doc = ObligationDocument(title="旧文件")
        doc.file.name = name
        response = serve_file(doc.file, download_name="旧文件")
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        response.close()
    storage.save("legacy/photo.jpg", ContentFile(b"\xff\xd8\xff"))
    doc.file.name = "legacy/photo.jpg"
    response = serve_file(doc.file)
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline")
    response.close()


def _settings_with(env: dict) -> dict:
    code = (
        "import json, congress.settings as s;"
        "print(json.dumps({'private': s.STORAGES['private'], 'media': str(s.MEDIA_ROOT)}))"
    )
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PRIVATE_STORAGE")}
    environ.update(env)
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_with_s3_the_private_files_go_to_a_private_bucket_without_signed_urls():
    plain = _settings_with({})
    assert plain["private"]["BACKEND"] == "congress.uploads.PrivateFileSystemStorage"
    s3 = _settings_with(
        {"PRIVATE_STORAGE_S3_BUCKET": "congress-private", "PRIVATE_STORAGE_S3_PREFIX": "p"}
    )["private"]
    assert s3["BACKEND"] == "storages.backends.s3.S3Storage"
    assert s3["OPTIONS"]["bucket_name"] == "congress-private"
    assert s3["OPTIONS"]["location"] == "p"
    assert s3["OPTIONS"]["default_acl"] == "private"
    assert s3["OPTIONS"]["querystring_auth"] is False
