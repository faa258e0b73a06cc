"""Where motion files live: outside the public media folder, served by permission-checked views.

Attachments of drafts, photos and videos of progress updates that are not yet published must
never be reachable from a public URL, so every motion file is stored under
``settings.PRIVATE_MEDIA_ROOT`` and served by `motions.views.files` after a check.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateStorage(FileSystemStorage):
    """A file system storage rooted at PRIVATE_MEDIA_ROOT, read when used (tests change it)."""

    is_private = True  # no URL: congress.admin_files shows such files by name

    def __init__(self, **kwargs):
        kwargs.setdefault("base_url", None)
        super().__init__(**kwargs)

    @property
    def base_location(self):  # type: ignore[override]
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):  # type: ignore[override]
        return os.path.abspath(self.base_location)

    def url(self, name):  # pragma: no cover - never used: files go through views
        raise ValueError("private files have no public URL")


private_storage = PrivateStorage()
