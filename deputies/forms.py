"""Forms of the deputies app. Choices are scoped to what the acting user may use."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from congress.models import HANDLING_UNIT_KINDS, CongressLevel, Street, Unit
from congress.uploads import DocumentUploadField
from deputies.models import (
    Deputy,
    DeputyGroup,
    DutyKind,
    OpinionCategory,
    ReceptionDay,
    Station,
    StationKind,
)


class DateInput(forms.DateInput):
    input_type = "date"


class DirectoryFilter(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=50)
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("All levels")), *CongressLevel.choices]
    )
    group = forms.ModelChoiceField(
        label=_("Deputy group"),
        required=False,
        queryset=DeputyGroup.objects.all(),
        empty_label=_("All groups"),
    )
    station = forms.ModelChoiceField(
        label=_("Station"),
        required=False,
        queryset=Station.objects.filter(is_active=True),
        empty_label=_("All stations"),
    )


class StationFilter(forms.Form):
    q = forms.CharField(label=_("Name or address"), required=False, max_length=50)
    street = forms.ModelChoiceField(
        label=_("Street or town"),
        required=False,
        queryset=Street.objects.all(),
        empty_label=_("All streets and towns"),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *StationKind.choices]
    )


class OpinionForm(forms.Form):
    station = forms.ModelChoiceField(label=_("Station"), queryset=Station.objects.none())
    reception_day = forms.ModelChoiceField(
        label=_("Reception day"),
        queryset=ReceptionDay.objects.none(),
        required=False,
        empty_label=_("Not at a reception day"),
    )
    received_on = forms.DateField(label=_("Received on"), widget=DateInput)
    category = forms.ChoiceField(label=_("Category"), choices=OpinionCategory.choices)
    content = forms.CharField(label=_("What the voter said"), widget=forms.Textarea)
    voter_name = forms.CharField(label=_("Voter's name (optional)"), required=False, max_length=50)
    voter_contact = forms.CharField(
        label=_("Voter's contact (optional)"),
        required=False,
        max_length=100,
        help_text=_(
            "Personal data: only this station's deputies and the staff handling it see it."
        ),
    )

    def __init__(self, *args, station_ids=(), today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = Station.objects.filter(pk__in=station_ids)
        days = ReceptionDay.objects.filter(
            station_id__in=station_ids, is_cancelled=False
        ).select_related("station")
        if today is not None:
            days = days.filter(date__lte=today, date__gte=today - dt.timedelta(days=120))
        self.fields["reception_day"].queryset = days.order_by("-date")


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer given on the spot"), widget=forms.Textarea)


class ForwardForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Handling unit"),
        queryset=Unit.objects.filter(kind__in=HANDLING_UNIT_KINDS, is_active=True),
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("The unit's reply"), widget=forms.Textarea)


class ReportForm(forms.Form):
    note = forms.CharField(label=_("Why it goes to the committee"), widget=forms.Textarea)


class SuggestionForm(forms.Form):
    title = forms.CharField(label=_("Suggestion title"), max_length=200)
    proposers = forms.ModelMultipleChoiceField(
        label=_("Proposers"), queryset=Deputy.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, deputies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if deputies is not None:
            self.fields["proposers"].queryset = deputies


class CloseForm(forms.Form):
    feedback = forms.CharField(label=_("Feedback given to the voter"), widget=forms.Textarea)


class DutyEntryForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (k, label)
            for k, label in DutyKind.choices
            if k in {DutyKind.INSPECTION, DutyKind.MEETING, DutyKind.TRAINING, DutyKind.OTHER}
        ],
    )
    title = forms.CharField(label=_("Activity"), max_length=300)
    date = forms.DateField(label=_("Date"), widget=DateInput)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea)


class RosterUploadForm(forms.Form):
    file = DocumentUploadField(label=_("Roster (XLSX)"), kinds={"xlsx"})
