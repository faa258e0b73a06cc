"""Staff management of suggestions. State changes go through the services: the bulk assignment
action (with an intermediate form), merging, key marking, publishing, concluding ratings."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from congress.admin_files import PrivateFilesAdminMixin
from congress.errors import DomainError
from motions.suggestions import services
from motions.suggestions.forms import BulkAssignForm
from motions.suggestions.models import (
    Assignment,
    AssignmentState,
    Attachment,
    BureauVisit,
    Category,
    Contact,
    FollowUp,
    Proposer,
    Rating,
    Reply,
    ScoringRules,
    Suggestion,
)


class ProposerInline(admin.TabularInline):
    model = Proposer
    extra = 0
    raw_id_fields = ["deputy"]
    fields = ["deputy", "is_lead", "position"]


class AttachmentInline(PrivateFilesAdminMixin, admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["title", "file", "uploaded_at"]
    readonly_fields = ["uploaded_at"]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    can_delete = False
    fields = ["unit", "role", "state", "round", "assigned_at", "obligation", "return_reason"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):  # assignments are created by the service
        return False


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    search_fields = ["name"]


@admin.register(Suggestion)
class SuggestionAdmin(SimpleHistoryAdmin):
    list_display = [
        "number",
        "title",
        "category",
        "lead_proposer",
        "state",
        "is_key",
        "is_published",
        "filed_at",
    ]
    list_display_links = ["number", "title"]
    list_filter = ["state", "term", "category", "is_key", "is_published", "meeting"]
    search_fields = ["title", "content", "proposers__deputy__name"]
    date_hierarchy = "filed_at"
    inlines = [ProposerInline, AttachmentInline, AssignmentInline]
    readonly_fields = [
        "state",
        "number",
        "assigned_at",
        "closed_at",
        "merged_into",
        "source_type",
        "source_id",
        "filed_by",
    ]
    fieldsets = [
        (None, {"fields": ["term", "meeting", "number", "title", "category", "content"]}),
        (_("Handling"), {"fields": ["state", "assigned_at", "closed_at", "merged_into"]}),
        (
            _("Key suggestion (重点督办)"),
            {"fields": ["is_key", "supervising_leader", "supervising_office"]},
        ),
        (_("Publication"), {"fields": ["is_published"]}),
        (pgettext_lazy("origin", "Source"), {"fields": ["source_type", "source_id", "filed_by"]}),
    ]
    actions = ["assign_units", "merge_into_first", "publish", "unpublish"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("category")
            .prefetch_related("proposers__deputy")
        )

    @admin.display(description=_("lead proposer"))
    def lead_proposer(self, obj):
        lead = next((p for p in obj.proposers.all() if p.is_lead), None)
        return lead.deputy.name if lead else "—"

    def save_model(self, request, obj, form, change):
        """Key marking goes through the service so that pending obligations get the supervisor."""
        key_fields = {"is_key", "supervising_leader", "supervising_office"}
        if change and key_fields & set(form.changed_data):
            try:
                services.mark_key(
                    obj,
                    actor=request.user,
                    is_key=obj.is_key,
                    leader=obj.supervising_leader,
                    office=obj.supervising_office,
                )
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                obj.is_key = False
            # mark_key saved those fields; save the others
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Assign to units (主办/会办)…"), permissions=["change"])
    def assign_units(self, request, queryset):
        """Bulk assignment with an intermediate page choosing the lead unit and co-units."""
        queryset = queryset.order_by("number")
        if "apply" in request.POST:
            form = BulkAssignForm(request.POST)
            if form.is_valid():
                done, failed = services.bulk_assign(
                    list(queryset),
                    lead_unit=form.cleaned_data["lead_unit"],
                    co_units=list(form.cleaned_data["co_units"]),
                    actor=request.user,
                )
                if done:
                    self.message_user(
                        request,
                        ngettext("%(n)d suggestion assigned.", "%(n)d suggestions assigned.", done)
                        % {"n": done},
                        messages.SUCCESS,
                    )
                for suggestion, exc in failed:
                    self.message_user(
                        request,
                        f"{suggestion.code} {suggestion.title}：{exc.message}",
                        messages.ERROR,
                    )
                return None
        else:
            form = BulkAssignForm()
        return render(
            request,
            "suggestions/admin_assign_units.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Assign suggestions to units"),
                "form": form,
                "suggestions": queryset,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Merge the selected into the lowest-numbered one"))
    def merge_into_first(self, request, queryset):
        items = list(queryset.order_by("number"))
        if len(items) < 2:
            self.message_user(request, _("Select at least two suggestions."), messages.WARNING)
            return
        target = items[0]
        for dup in items[1:]:
            try:
                services.merge_suggestions(dup, into=target, actor=request.user)
            except DomainError as exc:
                self.message_user(request, f"{dup.code}：{exc.message}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(dup)s merged into %(target)s.")
                    % {
                        "dup": dup.code,
                        "target": target.code,
                    },
                )

    @admin.action(description=_("Publish texts and replies"))
    def publish(self, request, queryset):
        with transaction.atomic():
            for s in queryset:
                services.set_published(s, actor=request.user, text=True, replies=True)
        self.message_user(request, _("Published."))

    @admin.action(description=_("Unpublish texts and replies"))
    def unpublish(self, request, queryset):
        with transaction.atomic():
            for s in queryset:
                services.set_published(s, actor=request.user, text=False, replies=False)
        self.message_user(request, _("Unpublished."))


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["round", "contacted_on", "method", "deputy", "note"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ReplyInline(PrivateFilesAdminMixin, admin.StackedInline):
    model = Reply
    extra = 0
    fields = [
        "round",
        "reply_class",
        "text",
        "letter",
        "due_date",
        "submitted_at",
        "on_time",
        "contact_before",
        "is_published",
    ]
    readonly_fields = [f for f in fields if f != "is_published"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Assignment)
class AssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["suggestion", "unit", "role", "state", "round", "due_date"]
    list_filter = ["state", "role", "unit"]
    search_fields = ["suggestion__title", "unit__name"]
    list_select_related = ["suggestion", "unit", "obligation"]
    readonly_fields = [
        "suggestion",
        "unit",
        "role",
        "state",
        "round",
        "assigned_at",
        "assigned_by",
        "obligation",
        "return_reason",
        "returned_at",
    ]
    inlines = [ContactInline, ReplyInline]
    actions = ["conclude_ratings", "withdraw"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=pgettext_lazy("reply", "due date"))
    def due_date(self, obj):
        return obj.obligation.due_date if obj.obligation_id else None

    @admin.action(description=_("Conclude rating with the ratings received"))
    def conclude_ratings(self, request, queryset):
        for a in queryset.filter(state=AssignmentState.REPLIED):
            try:
                services.conclude_round(a, actor=request.user)
            except DomainError as exc:
                self.message_user(request, f"{a}：{exc.message}", messages.ERROR)

    @admin.action(description=_("Withdraw from the unit (wrong assignment)"))
    def withdraw(self, request, queryset):
        for a in queryset:
            try:
                services.withdraw_assignment(a, actor=request.user, reason="工作人员撤回交办")
            except DomainError as exc:
                self.message_user(request, f"{a}：{exc.message}", messages.ERROR)


@admin.register(Rating)
class RatingAdmin(SimpleHistoryAdmin):
    list_display = ["reply", "deputy", "result", "rated_at"]
    list_filter = ["result"]
    list_select_related = ["reply__assignment__suggestion", "reply__assignment__unit", "deputy"]
    readonly_fields = ["reply", "deputy", "result", "comment", "rated_at"]

    def has_add_permission(self, request):
        return False


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["reply", "obligation", "reported_at"]
    list_select_related = ["reply__assignment__suggestion", "reply__assignment__unit", "obligation"]
    readonly_fields = ["reply", "obligation", "report", "reported_at"]

    def has_add_permission(self, request):
        return False


@admin.register(ScoringRules)
class ScoringRulesAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "effective_year",
        "timeliness_weight",
        "contact_weight",
        "satisfaction_weight",
        "resolution_weight",
        "basic_satisfied_factor",
    ]


@admin.register(BureauVisit)
class BureauVisitAdmin(SimpleHistoryAdmin):
    list_display = ["title", "unit", "station", "date", "is_published"]
    list_filter = ["unit", "is_published"]
    list_select_related = ["unit", "station"]
    autocomplete_fields = ["suggestions"]
    raw_id_fields = ["deputies"]
    search_fields = ["title", "outcomes"]
