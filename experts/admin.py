from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from congress.deadlines import add_months
from congress.errors import DomainError
from congress.privacy import PersonalDataAdminMixin, erase_contacts
from experts import services
from experts.models import AppointmentTerm, Consultation, Expert, ExpertiseField, Invitation


@admin.register(ExpertiseField)
class ExpertiseFieldAdmin(admin.ModelAdmin):
    """The staff-editable taxonomy of fields."""

    list_display = ["name", "sort_order"]
    list_editable = ["sort_order"]
    search_fields = ["name"]


class TermInline(admin.TabularInline):
    model = AppointmentTerm
    extra = 0
    fields = ["starts_on", "ends_on", "is_renewal", "note"]


@admin.register(Expert)
class ExpertAdmin(PersonalDataAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "organisation", "title", "status", "appointment_ends_on"]
    list_filter = ["status", "fields", "organisation"]
    search_fields = ["name", "organisation"]
    filter_horizontal = ["fields"]
    raw_id_fields = ["user"]
    inlines = [TermInline]
    actions = ["renew_three_years", "end_appointments", "erase_personal_data"]

    @admin.action(description=_("Erase the mobile and e-mail (on request)"), permissions=["change"])
    def erase_personal_data(self, request, queryset):
        done = sum(erase_contacts(e, actor=request.user) for e in queryset)
        self.message_user(request, _("Personal data erased for %(n)d experts.") % {"n": done})

    @admin.action(description=_("Renew the appointment for three years"))
    def renew_three_years(self, request, queryset):
        done = 0
        for expert in queryset:
            try:
                services.renew_appointment(
                    expert, actor=request.user, ends_on=add_months(expert.appointment_ends_on, 36)
                )
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{expert}: {exc.message}", messages.ERROR)
        self.message_user(request, _("%(n)d appointment(s) renewed.") % {"n": done})

    @admin.action(description=_("Let the appointment end"))
    def end_appointments(self, request, queryset):
        for expert in queryset:
            services.end_appointment(expert, actor=request.user)
        self.message_user(request, _("Appointments ended."))


class InvitationInline(admin.TabularInline):
    model = Invitation
    extra = 0
    fields = ["expert", "state", "opinion_due", "conflict_details", "submitted_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # invitations go through the portal (suggestions, notifications)


@admin.register(Consultation)
class ConsultationAdmin(SimpleHistoryAdmin):
    list_display = ["title", "subject_kind", "office", "opinion_due", "due_date", "state"]
    list_filter = ["state", "subject_kind", "office"]
    search_fields = ["title", "subject_reference"]
    readonly_fields = ["state", "summarised_at", "requested_by", "created_at"]
    inlines = [InvitationInline]

    def has_add_permission(self, request):
        return False  # opened in the portal, which opens the office's obligation
