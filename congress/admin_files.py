"""Private files in the admin.

Files on a private storage (unit reports, suggestion attachments and reply letters, motion
attachments, photos and videos of progress updates) have no URL: they are served only through the
permission-checked views. Django's admin, however, links a file field's current value to
``file.url`` — in its file input and in its read-only display — which a private storage refuses.

`PrivateFilesAdminMixin` (for ModelAdmin and inline classes) shows such files by name instead:
the file input says which file is stored (and can still replace or clear it), a read-only field
shows the name. A test walks every admin registration and fails on a private file field that is
shown without the mixin.
"""

from __future__ import annotations

import functools
import os

from django import forms
from django.db import models


def is_private_storage(storage) -> bool:
    """True for a storage of non-public files (congress.uploads' private storage, which may be a
    private S3 bucket, and motions.storage's)."""
    from congress.uploads import get_private_storage

    return bool(getattr(storage, "is_private", False)) or storage is get_private_storage()


def private_file_fields(model) -> list[models.FileField]:
    return [
        f
        for f in model._meta.get_fields()
        if isinstance(f, models.FileField) and is_private_storage(f.storage)
    ]


class PrivateFileInput(forms.ClearableFileInput):
    """A file input that names the stored file without linking to it (its template is in the
    app folder: the form renderer reads app templates, not the project folder)."""

    template_name = "congress/widgets/private_file_input.html"

    def is_initial(self, value):
        # Django's asks for value.url, which a private storage refuses.
        return bool(value and getattr(value, "name", ""))

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["stored_name"] = (
            os.path.basename(value.name) if self.is_initial(value) else ""
        )
        return context


@functools.cache
def _display(field: models.FileField):
    """One display callable per field (the admin compares readonly entries by identity)."""

    def show(obj):
        value = getattr(obj, field.name, None)
        return os.path.basename(value.name) if value else "-"

    show.short_description = field.verbose_name
    show.__name__ = f"{field.name}_name"
    return show


class PrivateFilesAdminMixin:
    """Shows private files by name (no link) in forms and read-only fields."""

    def _private_names(self) -> dict[str, models.FileField]:
        return {f.name: f for f in private_file_fields(self.model)}

    def _readonly_private(self, request, obj) -> set[str]:
        private = self._private_names()
        if not self.has_change_permission(request, obj):
            # View-only: the admin turns every listed field read-only by name (bypassing
            # get_readonly_fields), so the private ones are replaced in the field list.
            return set(private)
        return {
            name
            for name in super().get_readonly_fields(request, obj)
            if isinstance(name, str) and name in private
        }

    def get_readonly_fields(self, request, obj=None):
        private = self._private_names()
        fields = [
            _display(private[name]) if isinstance(name, str) and name in private else name
            for name in super().get_readonly_fields(request, obj)
        ]
        # View-only: the display callables that get_fields puts in place of the private fields
        # must be read-only too (the form factory then leaves them out).
        fields += [
            _display(private[name])
            for name in sorted(self._readonly_private(request, obj))
            if _display(private[name]) not in fields
        ]
        return fields

    def get_exclude(self, request, obj=None):
        # A read-only private field is shown by the callable above, never as a form field.
        exclude = list(super().get_exclude(request, obj) or [])
        return exclude + sorted(self._readonly_private(request, obj) - set(exclude))

    def get_fields(self, request, obj=None):
        private = self._private_names()
        readonly = self._readonly_private(request, obj)
        return [
            _display(private[name]) if isinstance(name, str) and name in readonly else name
            for name in super().get_fields(request, obj)
        ]

    def _swap_widgets(self, form_class):
        for name in self._private_names():
            field = form_class.base_fields.get(name)
            if field is not None and isinstance(field.widget, forms.ClearableFileInput):
                widget = PrivateFileInput(attrs=field.widget.attrs)
                widget.is_required = field.widget.is_required
                field.widget = widget
        return form_class

    def get_form(self, request, obj=None, **kwargs):  # ModelAdmin
        return self._swap_widgets(super().get_form(request, obj, **kwargs))

    def get_formset(self, request, obj=None, **kwargs):  # inlines
        formset = super().get_formset(request, obj, **kwargs)
        self._swap_widgets(formset.form)
        return formset
