from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from congress.jointmeetings.models import JointMeeting, MeetingForm
from congress.jointmeetings.queries import rotation
from congress.uploads import ImageUploadField


class CommitteeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.rotation_order}. {obj.street}"


class EntryForm(forms.ModelForm):
    """What the lead street's recorder writes."""

    attending = forms.ModelMultipleChoiceField(
        label=_("Street work committees present"),
        queryset=rotation(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = JointMeeting
        fields = ["place", "attendance", "attending", "notice", "agenda", "information"]
        widgets = {
            "attendance": forms.Textarea(attrs={"rows": 3}),
            "notice": forms.Textarea(attrs={"rows": 6}),
            "agenda": forms.Textarea(attrs={"rows": 6}),
            "information": forms.Textarea(attrs={"rows": 10}),
        }
        help_texts = {
            "information": _("Minutes and news of the meeting; staff sign the entry off from it."),
        }


class PhotoForm(forms.Form):
    photo = ImageUploadField(
        label=_("Photo"), help_text=_("JPEG, PNG or WebP; location data is removed.")
    )
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)


class ScheduleForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    form = forms.ChoiceField(label=_("Form"), choices=MeetingForm.choices)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    lead = CommitteeChoiceField(label=_("Lead street"), queryset=rotation())
    override_reason = forms.CharField(
        label=_("Reason for overriding the rotation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required only when you choose another street than the rotation proposes."),
    )


class ChangeLeadForm(forms.Form):
    lead = CommitteeChoiceField(label=_("New lead street"), queryset=rotation())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class CorrectionForm(forms.ModelForm):
    reason = forms.CharField(
        label=_("Reason for the correction"), widget=forms.Textarea(attrs={"rows": 2})
    )

    class Meta:
        model = JointMeeting
        fields = ["topic", "place", "attendance", "notice", "agenda", "information"]
        widgets = {
            "attendance": forms.Textarea(attrs={"rows": 3}),
            "notice": forms.Textarea(attrs={"rows": 6}),
            "agenda": forms.Textarea(attrs={"rows": 6}),
            "information": forms.Textarea(attrs={"rows": 10}),
        }
