"""Forms of the deadline engine's pages (unit portal and staff). Services do the checking of rules;
forms only parse and validate input."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from congress.models import Meeting, MeetingKind, ObligationState, Unit
from congress.uploads import DocumentUploadField


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class SubmitReportForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Write the report here, attach it as a file, or both."),
    )
    file = DocumentUploadField(
        label=_("Attachment"),
        required=False,
        help_text=_("PDF, DOCX or XLSX, up to 20 MB."),
    )

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("text", "").strip() or data.get("file")):
            raise forms.ValidationError(_("Write the report or attach a file."))
        return data


class ExtensionRequestForm(forms.Form):
    requested_due_date = forms.DateField(label=_("Requested due date"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )


class DecideExtensionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    new_due_date = forms.DateField(
        label=_("New due date"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty to grant the date the unit asked for."),
    )
    meeting = forms.ModelChoiceField(
        label=_("Chairpersons' meeting"),
        queryset=Meeting.objects.none(),
        required=False,
    )
    note = forms.CharField(
        label=_("Decision"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = Meeting.objects.filter(
            kind=MeetingKind.CHAIRPERSONS
        ).select_related("term__congress")
        self.fields["note"].label = _("Note")


class ReturnReportForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    new_due_date = forms.DateField(
        label=_("New due date"),
        required=False,
        widget=DateInput(),
        help_text=_("Optional: a new date for the revised report."),
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ObligationFilterForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    kind = forms.ChoiceField(label=_("Kind of report"), required=False)
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("all"))] + list(ObligationState.choices),
    )

    def __init__(self, *args, kinds: list[tuple[str, str]] = (), units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("all"))] + list(kinds)
        if units is None:
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = units
