"""django-otp's TOTP device admin, with its two extra pages answering 404 for a missing device.

django-otp's `TOTPDeviceAdmin.config_view` and `qrcode_view` (/admin/otp_totp/totpdevice/<pk>/config/
and …/qrcode/) read the device with `TOTPDevice.objects.get(pk=pk)`: a device id that does not exist
(deleted, mistyped) raised DoesNotExist, a 500. Here the permission is checked first (someone who
may not view devices gets 403 whatever the id, so the answer tells nothing about which ids exist),
then a missing device answers 404; the pages themselves are django-otp's.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice


class DeviceAdmin(TOTPDeviceAdmin):
    def _check_device(self, request, pk) -> None:
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        if not TOTPDevice.objects.filter(pk=pk).exists():
            raise Http404

    def config_view(self, request, pk):
        self._check_device(request, pk)
        return super().config_view(request, pk)

    def qrcode_view(self, request, pk):
        self._check_device(request, pk)
        return super().qrcode_view(request, pk)


def register(site: admin.AdminSite) -> None:
    """Replace django-otp's registration (its admin module is discovered before congress's)."""
    if site.is_registered(TOTPDevice):
        site.unregister(TOTPDevice)
    site.register(TOTPDevice, DeviceAdmin)
