"""Forms: the public opinion form (with spam protection), deputies' opinions, ballots."""

from __future__ import annotations

import time

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from evaluations.models import Method, Option
from evaluations.services import OPINION_MAX_LENGTH

MIN_FILL_SECONDS = 5
FORM_MAX_AGE = 60 * 60 * 6
_SALT = "evaluations.public-opinion"


def form_token(now: float | None = None) -> str:
    """A signed timestamp: when the form was shown (checked for the minimum fill time)."""
    return signing.dumps({"t": int(now if now is not None else time.time())}, salt=_SALT)


class PublicOpinionForm(forms.Form):
    """Anyone may send an opinion. Spam protection without external services: a honeypot field
    that people never see, a minimum time between showing and sending the form, and a per-IP
    rate limit (in the view, through the cache)."""

    name = forms.CharField(label=_("Your name (optional)"), max_length=50, required=False)
    contact = forms.CharField(
        label=_("Telephone or e-mail (optional)"),
        max_length=100,
        required=False,
        help_text=_("Only committee staff see your name and contact; they are never published."),
    )
    text = forms.CharField(
        label=_("Your opinion"),
        max_length=OPINION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": OPINION_MAX_LENGTH}),
        help_text=_("At most %(n)d characters.") % {"n": OPINION_MAX_LENGTH},
    )
    # Honeypot: hidden from people by CSS and aria-hidden; bots fill every field.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, now: float | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._now = now if now is not None else time.time()
        if not self.is_bound:
            self.initial["token"] = form_token(self._now)

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise forms.ValidationError(
                _("Your opinion could not be accepted. Please try again."), code="honeypot"
            )
        try:
            shown = signing.loads(data.get("token", ""), salt=_SALT, max_age=FORM_MAX_AGE)["t"]
        except (signing.BadSignature, KeyError, TypeError):
            raise forms.ValidationError(
                _("The form has expired. Please send it again."), code="token"
            )
        if self._now - shown < MIN_FILL_SECONDS:
            raise forms.ValidationError(
                _("That was very fast. Please check your opinion and send it again."),
                code="too_fast",
            )
        return data

    def fresh_token(self) -> None:
        """After a refusal, show the form again with a new token (keeping what was typed)."""
        data = self.data.copy()
        data["token"] = form_token(self._now)
        self.data = data


class DeputyOpinionForm(forms.Form):
    text = forms.CharField(
        label=_("Your opinion as a deputy"),
        max_length=OPINION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": OPINION_MAX_LENGTH}),
    )


class BallotForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("Your assessment"),
        choices=[
            (Option.SATISFIED.value, Option.SATISFIED.label),
            (Option.BASICALLY_SATISFIED.value, Option.BASICALLY_SATISFIED.label),
            (Option.UNSATISFIED.value, Option.UNSATISFIED.label),
        ],
        widget=forms.RadioSelect,
        required=False,
    )
    score = forms.IntegerField(
        label=_("Your score (0–100)"), min_value=0, max_value=100, required=False
    )

    def __init__(self, *args, method: str = Method.SATISFACTION, **kwargs):
        super().__init__(*args, **kwargs)
        self.method = method
        if method == Method.SATISFACTION:
            del self.fields["score"]
            self.fields["choice"].required = True
        else:
            del self.fields["choice"]
            self.fields["score"].required = True
