"""Language: Chinese by default, English when chosen; every catalogue complete."""

from pathlib import Path

import polib
import pytest
from django.conf import settings


@pytest.mark.django_db
def test_home_page_speaks_chinese_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "海淀区人大常委会" in html
    assert "Skip to main content" not in html


@pytest.mark.django_db
def test_home_page_speaks_english_when_chosen(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Haidian District People's Congress Standing Committee" in html
    assert "Skip to main content" in html


@pytest.mark.django_db
def test_browser_language_header_is_honoured(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="en">' in html


def _catalogues():
    return sorted(Path(settings.BASE_DIR, "locale").glob("*/zh_Hans/LC_MESSAGES/django.po"))


def test_every_app_has_a_chinese_catalogue():
    domains = {p.parts[-4] for p in _catalogues()}
    assert "congress" in domains


@pytest.mark.parametrize("path", _catalogues(), ids=lambda p: p.parts[-4])
def test_chinese_catalogue_is_complete(path):
    po = polib.pofile(str(path))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"untranslated in {path}: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy in {path}: {fuzzy[:10]}"


@pytest.mark.parametrize("path", _catalogues(), ids=lambda p: p.parts[-4])
def test_translations_keep_their_placeholders(path):
    import re

    placeholder = re.compile(r"%\(\w+\)[sd]|\{\w*\}")
    for entry in polib.pofile(str(path)).translated_entries():
        if entry.msgid_plural:
            continue
        assert sorted(placeholder.findall(entry.msgid)) == sorted(
            placeholder.findall(entry.msgstr)
        ), entry.msgid
