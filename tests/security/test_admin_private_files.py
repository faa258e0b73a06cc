"""Private files in the admin: shown by name, never linked (they have no URL), no server error."""

from __future__ import annotations

import os

import pytest
from django.contrib import admin
from django.urls import reverse

from congress.admin_files import PrivateFilesAdminMixin, private_file_fields

pytestmark = pytest.mark.django_db


def _admin_classes():
    for model, model_admin in admin.site._registry.items():
        yield model, type(model_admin)
        for inline in getattr(model_admin, "inlines", []):
            yield inline.model, inline


def test_every_admin_showing_a_private_file_uses_the_mixin():
    shown = [(m, cls) for m, cls in _admin_classes() if private_file_fields(m)]
    # The admins of progress updates, motions, suggestions, their assignments and obligations
    # show private files: the walk must find them, or it checks nothing.
    assert len(shown) >= 5
    missing = [
        f"{cls.__module__}.{cls.__name__}"
        for _m, cls in shown
        if not issubclass(cls, PrivateFilesAdminMixin)
    ]
    assert not missing, f"private files shown without PrivateFilesAdminMixin: {missing}"


@pytest.mark.parametrize(
    ("admin_name", "obj_key", "file_key", "file_attr"),
    [
        ("admin:motions_progressupdate_change", "update", "update_photo", "image"),
        ("admin:suggestions_assignment_change", "suggestion_assignment", "reply", "letter"),
    ],
)
def test_change_page_names_the_private_file_without_a_link(
    client, world, world_files, admin_name, obj_key, file_key, file_attr
):
    client.force_login(world.users["superuser"])
    response = client.get(reverse(admin_name, args=[world.objects[obj_key].pk]))
    assert response.status_code == 200
    name = os.path.basename(getattr(world.objects[file_key], file_attr).name)
    html = response.content.decode()
    assert name in html
    assert f'{name}"' not in html  # in no href/src attribute
