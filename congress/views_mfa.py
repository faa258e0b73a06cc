"""Pages of the second factor: the code page after the password, enrolment with a QR code, backup
codes, turning it off. All under /accounts/ (reachable before the second factor is passed)."""

from __future__ import annotations

import base64
import io
import logging

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseNotFound
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from congress import mfa
from congress.security import ThrottledAuthenticationForm, client_address

log = logging.getLogger("congress.security")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        help_text=_("The 6-digit code of your authenticator app, or one of your backup codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _next_url(request, default: str = "portal:dashboard") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


class LoginView(auth_views.LoginView):
    """The password step; accounts with a second factor continue to the code (or enrolment)."""

    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if not mfa.needs_second_factor(self.request):
            return response
        target = "mfa_verify" if self.request.session.get(mfa.ENROLLED) else "mfa_setup"
        return redirect(reverse(target) + "?" + urlencode({"next": response.url}))


@never_cache
@login_required
def verify(request):
    """The code after the password."""
    if mfa.is_verified(request):
        return redirect(_next_url(request))
    if not mfa.has_authenticator(request.user):
        return redirect(reverse("mfa_setup") + "?" + urlencode({"next": _next_url(request)}))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = mfa.verify_code(request, form.cleaned_data["code"])
        if device is not None:
            mfa.mark_verified(request, device)
            return redirect(_next_url(request))
        form.add_error("code", _wrong_code_message(request.user))
    return render(
        request, "registration/mfa_verify.html", {"form": form, "next": _next_url(request)}
    )


def _wrong_code_message(user):
    if any(not device.verify_is_allowed()[0] for device in mfa.confirmed_devices(user)):
        # django-otp's throttle: after each wrong code the next try waits twice as long.
        return _("Too many wrong codes. Wait a few seconds, then enter the current code.")
    return _("This code is not valid. Try the current code of your app.")


def _pending_device(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


@never_cache
@login_required
def setup(request):
    """Status and enrolment: QR code + secret, confirm with a code; then backup codes once."""
    user = request.user
    enrolled = mfa.has_authenticator(user)
    if enrolled and not mfa.is_verified(request):
        # A password alone never adds or changes a device of an account that has one.
        return redirect(reverse("mfa_verify") + "?" + urlencode({"next": _next_url(request)}))
    context = {
        "enrolled": enrolled,
        "required": mfa.must_use_second_factor(user),
        "next": _next_url(request),
    }
    if enrolled:
        context["backup_left"] = sum(
            d.token_set.count() for d in mfa.confirmed_devices(user) if hasattr(d, "token_set")
        )
        context["disable_form"] = CodeForm()
        return render(request, "registration/mfa_setup.html", context)
    device = _pending_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = "".join(form.cleaned_data["code"].split())
        if device.verify_token(code):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = mfa.new_backup_codes(user)
            mfa.mark_verified(request, device)
            log.info(
                "second factor enrolled user=%s address=%s",
                user.get_username(),
                client_address(request),
            )
            return render(
                request,
                "registration/mfa_backup_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
        log.warning(
            "second factor failed user=%s address=%s (enrolment)",
            user.get_username(),
            client_address(request),
        )
        form.add_error("code", _("This code is not valid. Scan the QR code again and retry."))
    context.update(form=form, secret=device_secret(device))
    return render(request, "registration/mfa_setup.html", context)


def device_secret(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


@never_cache
@login_required
def qr_code(request):
    """The pending device's otpauth:// URL as an SVG image (no script, no third party)."""
    if mfa.has_authenticator(request.user):
        return HttpResponseNotFound()
    device = _pending_device(request.user)
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@login_required
@require_POST
def backup_codes(request):
    """New backup codes (the old ones stop working); needs a verified session."""
    if not (mfa.has_authenticator(request.user) and mfa.is_verified(request)):
        return redirect("mfa_setup")
    codes = mfa.new_backup_codes(request.user)
    log.info(
        "second factor backup codes renewed user=%s address=%s",
        request.user.get_username(),
        client_address(request),
    )
    return render(
        request,
        "registration/mfa_backup_codes.html",
        {"codes": codes, "next": reverse("mfa_setup")},
    )


@never_cache
@login_required
@require_POST
def disable(request):
    """Turn the second factor off with a current code; not for accounts that must use it."""
    user = request.user
    if mfa.must_use_second_factor(user):
        messages.error(
            request, _("Your account must use a second factor; it cannot be turned off.")
        )
        return redirect("mfa_setup")
    if not mfa.is_verified(request):
        return redirect("mfa_verify")
    form = CodeForm(request.POST)
    if form.is_valid() and mfa.verify_code(request, form.cleaned_data["code"]) is not None:
        mfa.remove_devices(user)
        mfa.forget_verification(request)
        log.info(
            "second factor turned off user=%s address=%s",
            user.get_username(),
            client_address(request),
        )
        messages.success(request, _("The second factor is turned off."))
        return redirect("mfa_setup")
    context = {
        "enrolled": True,
        "required": False,
        "next": reverse("portal:dashboard"),
        "backup_left": None,
        "disable_form": form,
    }
    if form.is_valid():
        form.add_error("code", _wrong_code_message(user))
    return render(request, "registration/mfa_setup.html", context, status=200)
