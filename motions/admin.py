"""Admin of the motions app. State changes go through the services (admin actions), never by
editing a state field: the same rules, notifications and transition log as the portal."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from congress import uploads
from congress.admin_files import PrivateFilesAdminMixin
from congress.errors import DomainError
from motions import forms as motion_forms
from motions import services
from motions.models import (
    Assignment,
    CosignatureRule,
    Cosigner,
    Motion,
    MotionAttachment,
    MotionPhase,
    MotionState,
    ProgressUpdate,
    SessionReport,
    Topic,
    UpdateComment,
    UpdatePhoto,
    UpdateVideo,
)


def _run_each(modeladmin, request, queryset, call, done_message) -> None:
    """Apply a service to each selected object; report successes and refusals."""
    done, refused = 0, []
    for obj in queryset:
        try:
            call(obj)
            done += 1
        except DomainError as exc:
            refused.append(f"{obj}: {exc.message}")
    if done:
        modeladmin.message_user(request, done_message % {"n": done}, messages.SUCCESS)
    for line in refused:
        modeladmin.message_user(request, line, messages.ERROR)


class CosignerInline(admin.TabularInline):
    model = Cosigner
    extra = 0
    raw_id_fields = ["deputy"]
    readonly_fields = ["state", "invited_at", "responded_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    fields = ["unit", "role", "state", "assigned_at", "responded_at", "return_reasons"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class PhaseInline(admin.TabularInline):
    model = MotionPhase
    extra = 0
    fields = ["state", "starts_on", "ends_on", "ended_on"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class UpdateInline(admin.TabularInline):
    model = ProgressUpdate
    extra = 0
    fields = ["happened_on", "kind", "title", "unit", "state", "approved_progress"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class AttachmentInline(PrivateFilesAdminMixin, admin.TabularInline):
    model = MotionAttachment
    extra = 0
    fields = ["title", "original_name", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Motion)
class MotionAdmin(SimpleHistoryAdmin):
    list_display = [
        "__str__",
        "year",
        "state",
        "proposer_display",
        "signer_count",
        "lead_unit",
        "supervising_office",
        "progress",
    ]
    list_filter = [
        "state",
        "year",
        "proposer_kind",
        ("lead_unit", admin.RelatedOnlyFieldListFilter),
        ("supervising_office", admin.RelatedOnlyFieldListFilter),
        "topic",
    ]
    search_fields = ["title", "reasons", "measures", "proposer_name", "lead_deputy__name"]
    list_select_related = ["lead_unit", "supervising_office", "lead_deputy"]
    raw_id_fields = ["lead_deputy"]
    readonly_fields = [
        "state",
        "year",
        "number",
        "signer_count",
        "lead_unit",
        "assigned_on",
        "phase_ends_on",
        "closed_on",
        "progress",
        "submitted_at",
        "decided_at",
        "decision_reasons",
        "converted_suggestion_id",
        "created_by",
        "created_at",
    ]
    fieldsets = [
        (None, {"fields": ["term", "session", "year", "number", "state", "topic"]}),
        (
            _("Proposer"),
            {"fields": ["proposer_kind", "proposer_name", "lead_deputy", "signer_count"]},
        ),
        (_("Text"), {"fields": ["title", "reasons", "grounds", "measures"]}),
        (
            _("Review and handling"),
            {
                "fields": [
                    "submitted_at",
                    "decided_at",
                    "decision_reasons",
                    "converted_suggestion_id",
                    "lead_unit",
                    "supervising_office",
                    "assigned_on",
                    "phase_ends_on",
                    "closed_on",
                    "progress",
                ]
            },
        ),
        (pgettext_lazy("motions", "Record"), {"fields": ["created_by", "created_at"]}),
    ]
    inlines = [CosignerInline, AttachmentInline, AssignmentInline, PhaseInline, UpdateInline]
    actions = ["register", "assign", "advance_phase"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        # Drafts belong to their deputies until submitted.
        return qs if request.user.is_superuser else qs.exclude(state=MotionState.DRAFT)

    def has_add_permission(self, request) -> bool:
        # Deputies draft in the portal; staff enter body motions on the staff page.
        return False

    @admin.display(description=_("proposed by"))
    def proposer_display(self, obj: Motion) -> str:
        return obj.proposer_display

    @admin.action(description=_("Register the selected motions (立案)"))
    def register(self, request, queryset):
        _run_each(
            self,
            request,
            queryset.order_by("submitted_at", "id"),
            lambda m: services.register_motion(m, actor=request.user),
            _("%(n)d motions registered."),
        )

    @admin.action(description=_("Start the next handling year"))
    def advance_phase(self, request, queryset):
        _run_each(
            self,
            request,
            queryset,
            lambda m: services.advance_phase(m, actor=request.user),
            _("%(n)d motions advanced."),
        )

    @admin.action(description=_("Assign the selected motions (交办)…"))
    def assign(self, request, queryset):
        form = motion_forms.AssignForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            data = form.cleaned_data
            _run_each(
                self,
                request,
                queryset,
                lambda m: services.assign_motion(
                    m,
                    actor=request.user,
                    lead_unit=data["lead_unit"],
                    co_units=list(data["co_units"]),
                    supervising_office=data["supervising_office"],
                ),
                _("%(n)d motions assigned."),
            )
            return None
        return TemplateResponse(
            request,
            "motions/admin_assign.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Assign motions"),
                "form": form,
                "motions": queryset,
                "action": "assign",
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


class PhotoAdminForm(forms.ModelForm):
    image = uploads.ImageUploadField(label=_("photo"))

    class Meta:
        model = UpdatePhoto
        fields = ["image", "caption", "position"]

    def save(self, commit=True):
        photo = super().save(commit=False)
        if "image" in self.changed_data:
            photo.thumbnail = uploads.make_thumbnail(self.cleaned_data["image"])
        if commit:
            photo.save()
        return photo


class PhotoInline(PrivateFilesAdminMixin, admin.TabularInline):
    model = UpdatePhoto
    form = PhotoAdminForm
    extra = 0


class VideoAdminForm(forms.ModelForm):
    file = uploads.VideoUploadField(label=_("video (MP4)"))
    poster = uploads.ImageUploadField(label=_("poster image"), required=False)

    class Meta:
        model = UpdateVideo
        fields = ["file", "poster", "caption", "position"]

    def save(self, commit=True):
        video = super().save(commit=False)
        if "file" in self.changed_data:
            video.size = self.cleaned_data["file"].size or 0
        if not video.poster:
            video.poster = services.poster_image(video.update.title)
        if commit:
            video.save()
        return video


class VideoInline(PrivateFilesAdminMixin, admin.TabularInline):
    model = UpdateVideo
    form = VideoAdminForm
    extra = 0


class CommentInline(admin.TabularInline):
    model = UpdateComment
    extra = 0
    fields = ["author", "text", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(SimpleHistoryAdmin):
    list_display = ["title", "motion", "kind", "happened_on", "unit", "state", "approved_progress"]
    list_filter = ["state", "kind", ("unit", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "text", "motion__title"]
    list_select_related = ["motion", "unit"]
    raw_id_fields = ["motion", "participants"]
    readonly_fields = ["state", "published_at", "published_by", "author", "created_at"]
    date_hierarchy = "happened_on"
    inlines = [PhotoInline, VideoInline, CommentInline]
    actions = ["publish", "unpublish"]

    def has_add_permission(self, request) -> bool:
        # Updates are posted in the portal (units and staff), where files are checked.
        return False

    @admin.action(description=_("Publish the selected updates"))
    def publish(self, request, queryset):
        _run_each(
            self,
            request,
            queryset,
            lambda u: services.publish_update(u, actor=request.user),
            _("%(n)d updates published."),
        )

    @admin.action(description=_("Take the selected updates off the public pages"))
    def unpublish(self, request, queryset):
        _run_each(
            self,
            request,
            queryset,
            lambda u: services.unpublish_update(u, actor=request.user),
            _("%(n)d updates unpublished."),
        )


@admin.register(SessionReport)
class SessionReportAdmin(SimpleHistoryAdmin):
    list_display = ["title", "session", "office", "generated_at", "edited_at"]
    list_select_related = ["session__term__congress", "office"]
    readonly_fields = ["generated_at", "edited_at", "edited_by"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "sort_order"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(CosignatureRule)
class CosignatureRuleAdmin(SimpleHistoryAdmin):
    list_display = ["level", "minimum_signers", "source"]


@admin.register(Assignment)
class AssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["motion", "unit", "role", "state", "assigned_at", "responded_at"]
    list_filter = ["role", "state", ("unit", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["motion__title", "unit__name"]
    list_select_related = ["motion", "unit"]
    readonly_fields = [
        "motion",
        "unit",
        "role",
        "state",
        "assigned_at",
        "assigned_by",
        "responded_at",
        "responded_by",
        "return_reasons",
    ]

    def has_add_permission(self, request) -> bool:
        return False
