from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import display_for_value
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from congress import access, admin_otp
from congress.admin_files import PrivateFilesAdminMixin
from congress.models import (
    CalendarDay,
    Congress,
    DeadlineNotice,
    DeadlineRule,
    ExtensionRequest,
    Meeting,
    Membership,
    Notification,
    Obligation,
    ObligationDocument,
    ObligationEvent,
    PersonalDataAccess,
    PersonalDataErasure,
    Regulation,
    Street,
    SweepHeartbeat,
    Term,
    Transition,
    Unit,
    User,
    WorkCommittee,
)
from congress.uploads import DocumentUploadField


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["unit", "street"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "email", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser", "groups", "memberships__role"]
    search_fields = ["username", "display_name", "first_name", "last_name", "email"]
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Portal"), {"fields": ("display_name", "language")}))
    inlines = [MembershipInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        access.sync_groups(form.instance)


@admin.register(Congress)
class CongressAdmin(SimpleHistoryAdmin):
    list_display = ["name", "level", "parent", "is_default"]
    list_filter = ["level"]
    search_fields = ["name"]


@admin.register(Term)
class TermAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "congress", "number", "starts_on", "ends_on", "is_current"]
    list_filter = ["congress", "is_current"]


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "number", "starts_on", "motion_deadline"]
    list_filter = ["kind", "term"]
    search_fields = ["notes"]
    date_hierarchy = "starts_on"
    list_select_related = ["term__congress"]


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "kind", "office_role", "is_active"]
    list_filter = ["kind", "office_role", "is_active"]
    search_fields = ["name", "short_name"]


class WorkCommitteeInline(admin.StackedInline):
    model = WorkCommittee
    extra = 0


@admin.register(Street)
class StreetAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "office", "sort_order"]
    list_filter = ["kind"]
    search_fields = ["name"]
    inlines = [WorkCommitteeInline]


@admin.register(WorkCommittee)
class WorkCommitteeAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "director_name", "established_year", "is_pilot", "rotation_order"]
    list_filter = ["is_pilot", "established_year"]
    search_fields = ["street__name", "director_name"]


class RegulationAdminForm(forms.ModelForm):
    # The upload policy (congress/uploads.py): PDF, DOCX or XLSX judged by their bytes.
    attachment = DocumentUploadField(label=_("attachment"), required=False)

    class Meta:
        model = Regulation
        fields = [  # noqa: RUF012
            "title", "kind", "meeting", "is_revision", "effective_on", "is_trial", "text",
            "attachment", "is_published",
        ]  # fmt: skip


@admin.register(Regulation)
class RegulationAdmin(SimpleHistoryAdmin):
    form = RegulationAdminForm
    list_display = [
        "title",
        "kind",
        "meeting",
        "effective_on",
        "is_trial",
        "is_revision",
        "is_published",
    ]
    list_filter = ["kind", "is_trial", "is_revision", "is_published"]
    search_fields = ["title", "text"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "unit", "street", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "user__display_name", "unit__name", "street__name"]
    autocomplete_fields = ["user", "unit", "street"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        access.sync_groups(obj.user)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "read_at", "email_state"]
    list_filter = ["kind", "email_state"]
    search_fields = ["title", "recipient__username"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Transition)
class TransitionAdmin(admin.ModelAdmin):
    list_display = ["subject_type", "subject_id", "from_state", "to_state", "actor", "at"]
    list_filter = ["subject_type", "to_state"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in Transition._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "amount", "limit_unit", "anchor", "source", "is_active"]
    list_filter = ["limit_unit", "is_active"]
    search_fields = ["code", "name", "source"]

    def get_readonly_fields(self, request, obj=None):
        # Code refers to rules by `code`: it is fixed once the rule exists.
        return ["code"] if obj else []


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "name"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    search_fields = ["name"]


class ObligationEventInline(admin.TabularInline):
    model = ObligationEvent
    extra = 0
    can_delete = False
    readonly_fields = [
        "kind",
        "from_state",
        "to_state",
        "old_due_date",
        "new_due_date",
        "actor",
        "note",
        "at",
    ]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ObligationDocumentInline(PrivateFilesAdminMixin, admin.TabularInline):
    model = ObligationDocument
    extra = 0
    readonly_fields = ["submitted_by", "submitted_at"]


def _each(modeladmin, request, queryset, call, done_message):
    from congress.errors import DomainError

    done = 0
    for obj in queryset:
        try:
            call(obj)
            done += 1
        except DomainError as exc:
            modeladmin.message_user(request, f"{obj}: {exc.message}", messages.WARNING)
    modeladmin.message_user(request, done_message % {"n": done})


@admin.register(Obligation)
class ObligationAdmin(admin.ModelAdmin):
    list_display = ["title", "unit", "kind", "due_date", "state", "supervising_office"]
    list_filter = ["state", "kind", "unit__kind"]
    search_fields = ["title", "unit__name"]
    date_hierarchy = "due_date"
    list_select_related = ["unit", "supervising_office"]
    # State and dates change through the services (the portal pages, these actions), so that
    # the event log and the notices stay complete.
    readonly_fields = [
        "state",
        "due_date",
        "subject_type",
        "subject_id",
        "original_due_date",
        "submitted_at",
        "accepted_at",
        "accepted_by",
        "overdue_since",
        "last_escalated",
        "created_at",
    ]
    inlines = [ObligationDocumentInline, ObligationEventInline]
    actions = ["urge", "accept"]

    @admin.display(description=_("last escalated"))
    def last_escalated(self, obj):
        # read from the notice ledger (Obligation.last_escalated_at), shown as the admin shows a
        # date-time value
        return display_for_value(obj.last_escalated_at, self.get_empty_value_display())

    @admin.action(description=_("Urge the owing units (催办)"))
    def urge(self, request, queryset):
        from congress.deadlines import urge_obligation

        _each(
            self,
            request,
            queryset,
            lambda ob: urge_obligation(ob, actor=request.user),
            _("%(n)d units urged."),
        )

    @admin.action(description=_("Accept the submitted reports"))
    def accept(self, request, queryset):
        from congress.deadlines import accept_report

        _each(
            self,
            request,
            queryset,
            lambda ob: accept_report(ob, actor=request.user),
            _("%(n)d reports accepted."),
        )


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(admin.ModelAdmin):
    list_display = [
        "obligation",
        "requested_by",
        "requested_due_date",
        "state",
        "approved_due_date",
        "meeting",
        "decided_at",
    ]
    list_filter = ["state"]
    list_select_related = ["obligation__unit", "requested_by", "meeting__term__congress"]
    # Decisions are recorded on the obligation's page (with the meeting and the new date) or
    # with the actions below, through the service.
    readonly_fields = [
        "obligation",
        "requested_by",
        "requested_at",
        "reason",
        "requested_due_date",
        "state",
        "decided_by",
        "decided_at",
        "approved_due_date",
    ]
    actions = ["approve_as_requested", "refuse"]

    @admin.action(description=_("Approve as requested (chairpersons' meeting decision)"))
    def approve_as_requested(self, request, queryset):
        from congress.deadlines import decide_extension

        _each(
            self,
            request,
            queryset,
            lambda r: decide_extension(r, actor=request.user, approve=True, meeting=r.meeting),
            _("%(n)d requests approved."),
        )

    @admin.action(description=_("Refuse (chairpersons' meeting decision)"))
    def refuse(self, request, queryset):
        from congress.deadlines import decide_extension

        _each(
            self,
            request,
            queryset,
            lambda r: decide_extension(r, actor=request.user, approve=False, meeting=r.meeting),
            _("%(n)d requests refused."),
        )


@admin.register(DeadlineNotice)
class DeadlineNoticeAdmin(admin.ModelAdmin):
    list_display = ["obligation", "kind", "key", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["obligation"]
    readonly_fields = ["obligation", "kind", "key", "actor", "note", "claim", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(SweepHeartbeat)
class SweepHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "finished_at", "clock", "duration_ms", "runs", "counts"]
    readonly_fields = [f.name for f in SweepHeartbeat._meta.fields]

    def has_add_permission(self, request):
        return False


class _ReadOnlyAdmin(admin.ModelAdmin):
    """A log: nobody adds, changes or deletes rows through the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(_ReadOnlyAdmin):
    """Who read which personal data, when, from where (staff of the general office)."""

    list_display = ["at", "username", "content_type", "object_repr", "fields", "channel", "path"]
    list_filter = ["channel", "content_type"]
    search_fields = ["username", "object_repr", "path"]
    date_hierarchy = "at"


@admin.register(PersonalDataErasure)
class PersonalDataErasureAdmin(_ReadOnlyAdmin):
    list_display = ["at", "kind", "content_type", "object_id", "fields", "reason", "by"]
    list_filter = ["reason", "kind"]
    date_hierarchy = "at"


# django-otp's TOTP device admin, with its config/QR code pages answering 404 for a missing device.
admin_otp.register(admin.site)
