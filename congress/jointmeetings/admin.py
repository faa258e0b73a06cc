from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from congress.jointmeetings.models import EntryVersion, JointMeeting, JointMeetingPhoto, LeadChange


class PhotoInline(admin.TabularInline):
    model = JointMeetingPhoto
    extra = 0
    fields = ["thumbnail", "caption", "sort_order", "uploaded_by", "uploaded_at"]
    readonly_fields = ["thumbnail", "uploaded_by", "uploaded_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # photos go through the portal, which validates and strips EXIF


class VersionInline(admin.TabularInline):
    model = EntryVersion
    extra = 0
    fields = ["number", "reason", "created_by", "created_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class LeadChangeInline(admin.TabularInline):
    model = LeadChange
    extra = 0
    fields = ["proposed", "chosen", "reason", "actor", "at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(JointMeeting)
class JointMeetingAdmin(SimpleHistoryAdmin):
    list_display = ["number", "date", "lead", "form", "topic", "state", "version"]
    list_filter = ["state", "form", "lead"]
    search_fields = ["topic", "information"]
    date_hierarchy = "date"
    list_select_related = ["lead__street"]
    inlines = [PhotoInline, VersionInline, LeadChangeInline]
    # Every change goes through the portal's services, which enforce who may write (the lead
    # street's recorder), the lock after sign-off, versioned corrections and the lead override
    # log. The admin shows everything, with history, and changes nothing.
    readonly_fields = [
        "number",
        "date",
        "lead",
        "proposed_lead",
        "lead_override_reason",
        "form",
        "topic",
        "place",
        "attendance",
        "attending",
        "notice",
        "agenda",
        "information",
        "state",
        "signed_off_at",
        "signed_off_by",
        "version",
        "corrected_at",
        "correction_reason",
    ]

    def has_add_permission(self, request):
        return False  # scheduled in the portal (rotation proposal, override reason)
