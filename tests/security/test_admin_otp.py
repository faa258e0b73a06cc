"""django-otp's TOTP device pages in the admin (config, QR code): a missing device answers 404,
not the 500 of django-otp's `TOTPDevice.objects.get`; someone without the permission gets 403
whatever the id (congress/admin_otp.py)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django_otp.plugins.otp_totp.models import TOTPDevice

from congress.admin_otp import DeviceAdmin

PAGES = ("config", "qrcode")


def test_the_device_admin_is_the_one_registered():
    assert isinstance(admin.site._registry[TOTPDevice], DeviceAdmin)


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
def test_a_missing_device_answers_404(client, superuser, page):
    device = TOTPDevice.objects.create(user=superuser, name="手机", confirmed=True)
    client.force_login(superuser)
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/{page}/").status_code == 200
    missing = device.pk + 1000
    assert client.get(f"/admin/otp_totp/totpdevice/{missing}/{page}/").status_code == 404
    pk = device.pk
    device.delete()
    assert client.get(f"/admin/otp_totp/totpdevice/{pk}/{page}/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
def test_staff_without_the_permission_get_403_for_any_id(client, staff, superuser, page):
    device = TOTPDevice.objects.create(user=superuser, name="手机", confirmed=True)
    client.force_login(staff)  # 办公室 staff: no permission on second-factor devices
    for pk in (device.pk, device.pk + 1000):
        assert client.get(f"/admin/otp_totp/totpdevice/{pk}/{page}/").status_code == 403
