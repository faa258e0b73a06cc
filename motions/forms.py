"""Forms of the motion pages. They parse input; the rules live in `motions.services`."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from congress.models import HANDLING_UNIT_KINDS, Meeting, MeetingKind, Unit, UnitKind
from congress.uploads import IMAGE_CONTENT_TYPES, DocumentUploadField
from deputies.models import Deputy, Mandate, MandateStatus
from motions.models import (
    AssignmentRole,
    SessionReport,
    Topic,
    UpdateKind,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class MotionForm(forms.Form):
    session = forms.ModelChoiceField(
        label=_("Congress session"), queryset=Meeting.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    topic = forms.ModelChoiceField(
        label=pgettext_lazy("motions", "Topic"),
        queryset=Topic.objects.all(),
        required=False,
        empty_label="—",
    )
    reasons = forms.CharField(
        label=_("Reasons (案由)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_("The problem and why the congress should act."),
    )
    grounds = forms.CharField(
        label=_("Grounds (案据)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_("Facts, figures and the laws and policies the motion relies on."),
    )
    measures = forms.CharField(
        label=_("Proposed measures (方案)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )

    def __init__(self, *args, deputy=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["session"]
        else:
            terms = Mandate.objects.filter(deputy=deputy, status=MandateStatus.SERVING).values(
                "term_id"
            )
            self.fields["session"].queryset = (
                Meeting.objects.filter(
                    kind=MeetingKind.CONGRESS_SESSION,
                    term_id__in=terms,
                    starts_on__gte=timezone.localdate() - dt.timedelta(days=30),
                )
                .select_related("term__congress")
                .order_by("starts_on")
            )


NAME_SPLIT = re.compile(r"[\s,，、;；]+")


class InviteForm(forms.Form):
    names = forms.CharField(
        label=_("Deputies to invite"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Names separated by spaces, commas or 、; or tick deputies found below."),
    )
    deputies = forms.ModelMultipleChoiceField(
        label=_("Deputies found"),
        queryset=Deputy.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, term=None, search: str = "", exclude=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.term = term
        serving = Deputy.objects.filter(
            mandates__term=term, mandates__status=MandateStatus.SERVING
        ).exclude(pk=getattr(exclude, "pk", None))
        self.serving = serving
        # Any serving deputy may be ticked; only the search results are shown as checkboxes.
        self.fields["deputies"].queryset = serving
        self.found = (
            list(serving.filter(name__icontains=search).order_by("name")[:30]) if search else []
        )

    def clean(self):
        data = super().clean()
        chosen = list(data.get("deputies") or [])
        names = [n for n in NAME_SPLIT.split(data.get("names") or "") if n]
        if names:
            by_name: dict[str, list[Deputy]] = {}
            for d in self.serving.filter(name__in=names).only("pk", "name"):
                by_name.setdefault(d.name, []).append(d)
            unknown = [n for n in names if n not in by_name]
            ambiguous = [n for n in names if len(by_name.get(n, [])) > 1]
            if unknown:
                self.add_error(
                    "names",
                    _("No serving deputy of this term is called: %(names)s.")
                    % {"names": "、".join(unknown)},
                )
            if ambiguous:
                self.add_error(
                    "names",
                    _("Several deputies share these names; tick the right one below: %(names)s.")
                    % {"names": "、".join(ambiguous)},
                )
            chosen += [by_name[n][0] for n in names if len(by_name.get(n, [])) == 1]
        if not chosen and not self.errors:
            raise forms.ValidationError(_("Choose at least one deputy."))
        data["chosen"] = list({d.pk: d for d in chosen}.values())
        return data


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = DocumentUploadField(label=_("File (PDF, DOCX or XLSX)"), help_text=_("Up to 20 MB."))


class ReviewForm(forms.Form):
    REGISTER, CONVERT, REFUSE = "register", "convert", "refuse"
    decision = forms.ChoiceField(
        label=_("Decision of the motion review committee"),
        choices=[
            (REGISTER, _("Register as a motion (立案)")),
            (CONVERT, _("Convert into a deputy suggestion")),
            (REFUSE, _("Do not register")),
        ],
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Required when converting or not registering; sent to the signers."),
    )


def handling_units():
    return Unit.objects.filter(kind__in=HANDLING_UNIT_KINDS, is_active=True).order_by(
        "sort_order", "name"
    )


def offices():
    return Unit.objects.filter(kind=UnitKind.OFFICE, is_active=True).order_by("sort_order", "name")


class AssignForm(forms.Form):
    lead_unit = forms.ModelChoiceField(label=_("Lead unit (主办)"), queryset=Unit.objects.none())
    co_units = forms.ModelMultipleChoiceField(
        label=_("Co-units (协办)"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    supervising_office = forms.ModelChoiceField(
        label=_("Supervising office"), queryset=Unit.objects.none()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = handling_units()
        self.fields["co_units"].queryset = handling_units()
        self.fields["supervising_office"].queryset = offices()


class AddUnitForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=pgettext_lazy("motions", "Unit"), queryset=Unit.objects.none()
    )
    role = forms.ChoiceField(label=_("Role"), choices=AssignmentRole.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = handling_units()


class AnswerAssignmentForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Your answer"),
        choices=[("1", _("Accept the assignment")), ("0", _("Return it to the staff"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label=_("Reasons for returning"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is judged by the service (upload policy)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": IMAGE_CONTENT_TYPES}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class UpdateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=UpdateKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    happened_on = forms.DateField(label=_("Date"), widget=DateInput())
    text = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 6}))
    proposed_progress = forms.IntegerField(
        label=_("Progress (%)"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("Your estimate of how far the motion has got; staff approve it."),
    )
    photos = MultipleFileField(
        label=_("Photos"),
        required=False,
        help_text=_("JPEG, PNG or WebP, up to 10 MB each and 9 in all; location data is removed."),
    )
    video = forms.FileField(
        label=_("Short video (MP4)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "video/mp4,.mp4"}),
        help_text=_("H.264 or H.265 MP4 up to 200 MB."),
    )
    poster = forms.FileField(
        label=_("Poster image of the video"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": IMAGE_CONTENT_TYPES}),
        help_text=_("Shown before the video plays; a title card is drawn if you give none."),
    )
    video_caption = forms.CharField(label=_("Video caption"), max_length=200, required=False)
    video_url = forms.URLField(
        label=_("Link to an official video page"),
        required=False,
        assume_scheme="https",
        help_text=_("https:// only; shown as a link."),
    )
    publish = forms.BooleanField(label=_("Publish now"), required=False)

    def __init__(self, *args, can_publish: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_publish:
            del self.fields["publish"]


class PublishForm(forms.Form):
    approved_progress = forms.IntegerField(
        label=_("Approved progress (%)"), min_value=0, max_value=100, required=False
    )


class PhaseForm(forms.Form):
    ADVANCE, EXTEND, CLOSE = "advance", "extend", "close"
    action = forms.ChoiceField(
        label=_("Action"),
        choices=[
            (ADVANCE, _("Start the next handling year now")),
            (EXTEND, _("Extend the current handling year")),
            (CLOSE, _("Close the motion (办结)")),
        ],
        widget=forms.RadioSelect,
    )
    ends_on = forms.DateField(
        label=_("New end date (extension)"), required=False, widget=DateInput()
    )
    reason = forms.CharField(
        label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("action") == self.EXTEND and not data.get("ends_on"):
            self.add_error("ends_on", _("Give the new end date."))
        return data


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class BodyMotionForm(forms.Form):
    session = forms.ModelChoiceField(
        label=_("Congress session"),
        queryset=Meeting.objects.filter(kind=MeetingKind.CONGRESS_SESSION)
        .select_related("term__congress")
        .order_by("-starts_on"),
        empty_label=None,
    )
    proposer_kind = forms.ChoiceField(
        label=_("Proposed by"),
        choices=[("presidium", _("the presidium")), ("delegation", _("a delegation"))],
    )
    proposer_name = forms.CharField(
        label=_("Name of the delegation"), max_length=100, required=False
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    topic = forms.ModelChoiceField(
        label=pgettext_lazy("motions", "Topic"),
        queryset=Topic.objects.all(),
        required=False,
        empty_label="—",
    )
    reasons = forms.CharField(label=_("Reasons (案由)"), widget=forms.Textarea, required=False)
    grounds = forms.CharField(label=_("Grounds (案据)"), widget=forms.Textarea, required=False)
    measures = forms.CharField(
        label=_("Proposed measures (方案)"), widget=forms.Textarea, required=False
    )


class SessionReportForm(forms.ModelForm):
    class Meta:
        model = SessionReport
        fields = ["title", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 30})}
