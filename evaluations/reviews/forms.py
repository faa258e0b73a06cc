"""Forms of the report review pages. Rules are checked by the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from congress.forms import DateInput
from congress.models import Meeting, MeetingKind
from evaluations.reviews.models import RatingValue


class RequestReportForm(forms.Form):
    due_date = forms.DateField(
        label=_("Report due date"),
        widget=DateInput(),
        help_text=_("Before the standing committee meeting."),
    )


class RecordReviewForm(forms.Form):
    meeting = forms.ModelChoiceField(
        label=_("Standing committee meeting"), queryset=Meeting.objects.none()
    )
    deliberation = forms.CharField(
        label=_("Deliberation summary"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = Meeting.objects.filter(
            kind=MeetingKind.STANDING_COMMITTEE
        ).select_related("term__congress")


class LetterForm(forms.Form):
    number = forms.CharField(label=_("Document number"), max_length=60)
    title = forms.CharField(label=_("Title"), max_length=200)
    addressee = forms.CharField(label=_("Addressee"), max_length=100)
    body = forms.CharField(
        label=_("Review opinions"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("One paragraph per line."),
    )
    copy_to = forms.CharField(label=_("Copy to"), max_length=200, required=False)


class IssueLetterForm(forms.Form):
    issued_on = forms.DateField(label=_("Issued on"), widget=DateInput(), required=False)


class RateForm(forms.Form):
    value = forms.ChoiceField(
        label=pgettext_lazy("ballot", "Your rating"),
        choices=RatingValue.choices,
        widget=forms.RadioSelect,
    )


class PublishForm(forms.Form):
    summary = forms.CharField(
        label=_("Result to publish"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Shown on the public page with the ratings and the documents."),
    )
