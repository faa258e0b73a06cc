"""Media on S3-compatible object storage: the settings switched by environment variables
(congress/settings.py, .env.example) against a local S3 server (moto's ThreadedMotoServer on
127.0.0.1). Checks that files saved through the configured storages land in the buckets, read
back, and that public media get signed URLs unless a same-origin proxy path is configured.
"""

from __future__ import annotations

import contextlib
import runpy
import socket
import urllib.request
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings

moto_server = pytest.importorskip("moto.server")
boto3 = pytest.importorskip("boto3")

SETTINGS_FILE = Path(__file__).resolve().parents[2] / "congress" / "settings.py"
STORAGE_SETTINGS = (
    "STORAGES",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_S3_ADDRESSING_STYLE",
    "AWS_S3_SIGNATURE_VERSION",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def _settings_with(monkeypatch, **env) -> dict:
    """congress/settings.py evaluated afresh with these environment variables."""
    for name in ("MEDIA_S3_BUCKET", "MEDIA_S3_CUSTOM_DOMAIN", "PRIVATE_STORAGE_S3_BUCKET"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    values = runpy.run_path(str(SETTINGS_FILE))
    return {name: values[name] for name in STORAGE_SETTINGS}


@pytest.fixture
def s3_settings(monkeypatch, s3_endpoint):
    configured = _settings_with(
        monkeypatch,
        MEDIA_S3_BUCKET="congress-media",
        PRIVATE_STORAGE_S3_BUCKET="congress-private",
        AWS_S3_ENDPOINT_URL=s3_endpoint,
        AWS_S3_REGION_NAME="us-east-1",
        AWS_ACCESS_KEY_ID="bench-key",
        AWS_SECRET_ACCESS_KEY="bench-secret",
        AWS_S3_ADDRESSING_STYLE="path",
    )
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="bench-key",
        aws_secret_access_key="bench-secret",
    )
    for bucket in ("congress-media", "congress-private"):
        with contextlib.suppress(client.exceptions.BucketAlreadyOwnedByYou):
            client.create_bucket(Bucket=bucket)
    with override_settings(**configured):
        yield client


def test_without_a_bucket_media_stay_on_the_file_system(monkeypatch):
    configured = _settings_with(monkeypatch)
    assert configured["STORAGES"]["default"]["BACKEND"].endswith("FileSystemStorage")


def test_public_media_are_saved_in_the_bucket_and_served_by_signed_urls(s3_settings):
    from django.core.files.storage import default_storage

    name = default_storage.save("deputies/photos/portrait.txt", ContentFile(b"portrait bytes"))
    keys = [o["Key"] for o in s3_settings.list_objects_v2(Bucket="congress-media")["Contents"]]
    assert f"media/{name}" in keys
    with default_storage.open(name) as handle:
        assert handle.read() == b"portrait bytes"
    url = default_storage.url(name)
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=3600" in url
    with urllib.request.urlopen(url, timeout=10) as response:  # any web node can serve it
        assert response.read() == b"portrait bytes"
    default_storage.delete(name)
    assert not default_storage.exists(name)


def test_a_model_file_field_uses_the_bucket(s3_settings):
    from deputies.models import Deputy

    deputy = Deputy(name="张伟", gender="M")
    deputy.photo.save("photo.txt", ContentFile(b"via the model"), save=False)
    keys = [o["Key"] for o in s3_settings.list_objects_v2(Bucket="congress-media")["Contents"]]
    assert f"media/{deputy.photo.name}" in keys
    deputy.photo.open("rb")
    assert deputy.photo.read() == b"via the model"
    deputy.photo.close()


def test_private_files_go_to_the_private_bucket_with_a_private_acl(s3_settings):
    from django.core.files.storage import storages

    private = storages["private"]
    name = private.save("reports/plan.pdf", ContentFile(b"%PDF-1.4 private"))
    key = f"private/{name}"
    assert key in [
        o["Key"] for o in s3_settings.list_objects_v2(Bucket="congress-private")["Contents"]
    ]
    assert "Contents" not in s3_settings.list_objects_v2(Bucket="congress-media", Prefix="private")
    with private.open(name) as handle:
        assert handle.read() == b"%PDF-1.4 private"
    grants = s3_settings.get_object_acl(Bucket="congress-private", Key=key)["Grants"]
    assert not [g for g in grants if "AllUsers" in g["Grantee"].get("URI", "")]
    # No signed link is ever made for a private file: it is streamed by the portal's views.
    assert "X-Amz-Signature" not in private.url(name)


def test_a_same_origin_proxy_path_gives_plain_urls(monkeypatch, s3_endpoint):
    configured = _settings_with(
        monkeypatch,
        MEDIA_S3_BUCKET="congress-media",
        MEDIA_S3_CUSTOM_DOMAIN="portal.example.gov.cn/media",
        AWS_S3_ENDPOINT_URL=s3_endpoint,
        AWS_ACCESS_KEY_ID="bench-key",
        AWS_SECRET_ACCESS_KEY="bench-secret",
    )
    options = configured["STORAGES"]["default"]["OPTIONS"]
    assert options["querystring_auth"] is False
    with override_settings(**configured):
        from django.core.files.storage import default_storage

        assert (
            default_storage.url("deputies/photos/a.jpg")
            == "https://portal.example.gov.cn/media/media/deputies/photos/a.jpg"
        )
