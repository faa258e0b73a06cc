from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from congress.models import Unit, UnitKind
from experts.models import ExpertiseField, SubjectKind


class ConsultationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    subject_kind = forms.ChoiceField(label=_("About"), choices=SubjectKind.choices)
    subject_reference = forms.CharField(
        label=_("Reference"),
        max_length=200,
        required=False,
        help_text=_("For example the motion number or the title of the draft."),
    )
    question = forms.CharField(
        label=_("Questions for the experts"), widget=forms.Textarea(attrs={"rows": 6})
    )
    fields = forms.ModelMultipleChoiceField(
        label=_("Fields wanted"),
        queryset=ExpertiseField.objects.order_by("sort_order", "name"),
        widget=forms.CheckboxSelectMultiple,
    )
    office = forms.ModelChoiceField(
        label=_("Requesting office"), queryset=Unit.objects.filter(kind=UnitKind.OFFICE)
    )
    opinion_due = forms.DateField(
        label=_("Experts' opinions due"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty to use the time limit of the expert advisor rules."),
    )
    due_date = forms.DateField(
        label=_("Summary due"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty to make it the same day as the opinions."),
    )

    def __init__(self, *args, offices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if offices is not None:
            self.fields["office"].queryset = offices


class DeclarationForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label=_("Do you have a conflict of interest in this matter?"),
        choices=[("no", _("No, I have no conflict of interest")), ("yes", _("Yes, I do"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    conflict_details = forms.CharField(
        label=_("Describe the conflict of interest"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class OpinionForm(forms.Form):
    opinion = forms.CharField(
        label=_("Your written opinion"), widget=forms.Textarea(attrs={"rows": 12})
    )


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary of the opinions"), widget=forms.Textarea(attrs={"rows": 8})
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)
