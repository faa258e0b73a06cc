"""Forms of the suggestion pages. They parse input; the services decide (and their errors are
shown on the form, which keeps what was typed)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress.models import HANDLING_UNIT_KINDS, Unit
from congress.uploads import DocumentUploadField
from motions.suggestions.models import (
    Category,
    ContactMethod,
    ReplyClass,
    Satisfaction,
)


class FileSuggestionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.filter(is_active=True)
    )
    content = forms.CharField(
        label=_("Content"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("State the problem, the reasons and what you suggest."),
    )
    co_proposers = forms.ModelMultipleChoiceField(
        label=_("Co-proposing deputies"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Optional: other deputies of this term who file the suggestion with you."),
    )
    attachment = DocumentUploadField(
        label=_("Attachment"),
        required=False,
        help_text=_("PDF, Word (DOCX) or Excel (XLSX), up to 20 MB."),
    )

    def __init__(self, *args, term=None, deputy=None, **kwargs):
        super().__init__(*args, **kwargs)
        from deputies.models import Deputy, MandateStatus

        qs = Deputy.objects.none()
        if term is not None:
            qs = (
                Deputy.objects.filter(mandates__term=term, mandates__status=MandateStatus.SERVING)
                .exclude(pk=getattr(deputy, "pk", None))
                .order_by("name")
            )
        self.fields["co_proposers"].queryset = qs

    def clean_content(self):
        content = self.cleaned_data["content"].strip()
        if not content:
            raise forms.ValidationError(_("Write the content of the suggestion."))
        return content


class ContactForm(forms.Form):
    method = forms.ChoiceField(label=_("Method"), choices=ContactMethod.choices)
    contacted_on = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    deputy = forms.ModelChoiceField(label=_("Deputy contacted"), queryset=None, required=False)
    note = forms.CharField(label=_("What was discussed"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, suggestion=None, **kwargs):
        super().__init__(*args, **kwargs)
        from deputies.models import Deputy

        self.fields["deputy"].queryset = (
            Deputy.objects.filter(suggestion_proposals__suggestion=suggestion)
            if suggestion is not None
            else Deputy.objects.none()
        )

    def clean_contacted_on(self):
        day: dt.date = self.cleaned_data["contacted_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The contact date cannot be in the future."))
        return day


class ReplyForm(forms.Form):
    reply_class = forms.ChoiceField(
        label=_("Class of the reply"), choices=ReplyClass.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 10}))
    letter = DocumentUploadField(
        label=_("Signed reply letter"),
        kinds={"pdf"},
        help_text=_("The signed and stamped letter as PDF, up to 20 MB."),
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reasons for return"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Explain why the suggestion is not for your unit and who should handle it."),
    )


class FollowUpForm(forms.Form):
    text = forms.CharField(label=_("Completion report"), widget=forms.Textarea(attrs={"rows": 6}))
    file = DocumentUploadField(label=_("Attachment"), required=False)


class RatingForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Your rating"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comments"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required if you are unsatisfied: the unit will handle the suggestion again."),
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("result") == Satisfaction.UNSATISFIED
            and not (data.get("comment") or "").strip()
        ):
            self.add_error(
                "comment", _("Say why you are unsatisfied, so the unit can handle it again.")
            )
        return data


def handling_units():
    return Unit.objects.filter(kind__in=HANDLING_UNIT_KINDS, is_active=True)


class BulkAssignForm(forms.Form):
    """The admin's intermediate page for assigning several suggestions at once."""

    lead_unit = forms.ModelChoiceField(label=_("Lead unit (主办)"), queryset=None)
    co_units = forms.ModelMultipleChoiceField(
        label=_("Co-units (会办)"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = handling_units()
        self.fields["co_units"].queryset = handling_units()

    def clean(self):
        data = super().clean()
        lead = data.get("lead_unit")
        if lead is not None and lead in (data.get("co_units") or []):
            self.add_error("co_units", _("The lead unit cannot also be a co-unit."))
        return data
