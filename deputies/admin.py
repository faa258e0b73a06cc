"""Admin: registry, stations, schedules, opinions, duty records, training, roster imports.

Personal data: deputies' contacts only for staff who may change deputies; voters' names and
contacts only with `deputies.view_voter_contact`, and every change page showing them is logged.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from congress.privacy import PersonalDataAdminMixin, erase_contacts, erase_voter_data
from congress.uploads import DocumentUploadField, ImageUploadField
from deputies import services
from deputies.models import (
    Deputy,
    DeputyGroup,
    DutyRecord,
    Mandate,
    OpinionAccessLog,
    ReceptionDay,
    RosterImport,
    Station,
    TrainingCompletion,
    TrainingMaterial,
    VoterOpinion,
)


class MandateInline(admin.TabularInline):
    model = Mandate
    extra = 0
    autocomplete_fields = ["group", "station"]
    fields = [
        "term",
        "level",
        "electoral_unit",
        "group",
        "station",
        "status",
        "is_committee_member",
        "started_on",
        "ended_on",
    ]


class DeputyAdminForm(forms.ModelForm):
    photo = ImageUploadField(label=_("photo"), required=False)

    class Meta:
        model = Deputy
        fields = [  # noqa: RUF012
            "user", "number", "name", "gender", "birth_year", "ethnicity", "party", "occupation",
            "photo", "bio", "mobile", "email", "address",
        ]  # fmt: skip


@admin.register(Deputy)
class DeputyAdmin(PersonalDataAdminMixin, SimpleHistoryAdmin):
    form = DeputyAdminForm
    actions = ["erase_personal_data"]

    @admin.action(
        description=_("Erase the mobile, e-mail and address (on request)"),
        permissions=["change"],
    )
    def erase_personal_data(self, request, queryset):
        done = sum(erase_contacts(d, actor=request.user) for d in queryset)
        self.message_user(request, _("Personal data erased for %(n)d deputies.") % {"n": done})

    list_display = ["name", "number", "gender", "party", "occupation"]
    list_filter = ["gender", "mandates__level", "mandates__status", "mandates__group"]
    search_fields = ["name", "number"]
    inlines = [MandateInline]
    autocomplete_fields = ["user"]

    def get_fields(self, request, obj=None):
        fields = [f for f in super().get_fields(request, obj)]
        if not request.user.has_perm("deputies.change_deputy"):
            fields = [f for f in fields if f not in Deputy.PRIVATE_FIELDS]
        return fields

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()


@admin.register(DeputyGroup)
class DeputyGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "street", "established_year", "sort_order"]
    search_fields = ["name"]


@admin.register(Station)
class StationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "street", "phone", "is_active"]
    list_filter = ["kind", "is_active", "street"]
    search_fields = ["name", "address"]


@admin.register(ReceptionDay)
class ReceptionDayAdmin(SimpleHistoryAdmin):
    list_display = ["date", "starts_at", "ends_at", "station", "is_cancelled", "held_at"]
    list_filter = ["is_cancelled", "station__street"]
    date_hierarchy = "date"
    search_fields = ["station__name", "topic"]
    autocomplete_fields = ["station", "deputies"]
    actions = ["confirm_duty"]

    @admin.action(description=_("Confirm the duty of the deputies on the roster"))
    def confirm_duty(self, request, queryset):
        done = 0
        for day in queryset.prefetch_related("deputies"):
            try:
                services.confirm_reception_duty(
                    day, present=list(day.deputies.all()), actor=request.user
                )
                done += 1
            except services.DeputiesError as exc:
                self.message_user(request, f"{day}: {exc.message}", level="error")
        self.message_user(request, _("%(n)d reception days confirmed.") % {"n": done})


@admin.register(VoterOpinion)
class VoterOpinionAdmin(PersonalDataAdminMixin, SimpleHistoryAdmin):
    list_display = ["received_on", "station", "category", "state", "forwarded_to"]
    list_filter = ["state", "category", "station__street"]
    date_hierarchy = "received_on"
    search_fields = ["content"]
    readonly_fields = ["suggestion_id", "closed_at", "created_at"]
    autocomplete_fields = ["station", "recorded_by", "deputies", "forwarded_to"]
    raw_id_fields = ["reception_day"]

    actions = ["erase_voter_personal_data"]

    def _may_see_voter(self, request) -> bool:
        return request.user.has_perm("deputies.view_voter_contact")

    def has_erase_voter_permission(self, request) -> bool:
        return self._may_see_voter(request) and request.user.has_perm(
            "deputies.change_voteropinion"
        )

    @admin.action(
        description=_("Erase the voter's name and contact (on request; the opinion stays)"),
        permissions=["erase_voter"],
    )
    def erase_voter_personal_data(self, request, queryset):
        done = sum(erase_voter_data(o, actor=request.user) for o in queryset)
        self.message_user(request, _("Voter data erased on %(n)d opinions.") % {"n": done})

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if not self._may_see_voter(request):
            fields = [f for f in fields if f not in VoterOpinion.PRIVATE_FIELDS]
        return fields

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if self._may_see_voter(request) and request.method == "GET":
            opinion = self.get_object(request, object_id)
            if opinion is not None and opinion.has_voter_data:
                OpinionAccessLog.objects.create(
                    opinion=opinion,
                    user=request.user,
                    at=timezone.now(),
                    channel="admin",
                    fields=",".join(k for k in VoterOpinion.PRIVATE_FIELDS if getattr(opinion, k)),
                )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(OpinionAccessLog)
class OpinionAccessLogAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "opinion", "channel", "fields"]
    list_filter = ["channel"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DutyRecord)
class DutyRecordAdmin(admin.ModelAdmin):
    list_display = ["date", "deputy", "kind", "title", "is_manual", "is_published"]
    list_filter = ["kind", "is_published", "is_manual"]
    date_hierarchy = "date"
    search_fields = ["title", "deputy__name"]
    autocomplete_fields = ["deputy"]
    readonly_fields = ["source_type", "source_id", "created_at"]


class TrainingAdminForm(forms.ModelForm):
    attachment = DocumentUploadField(label=_("attachment"), required=False)
    link = forms.URLField(label=_("link"), required=False, assume_scheme="https")

    class Meta:
        model = TrainingMaterial
        fields = ["title", "body", "attachment", "link", "is_published", "published_on"]  # noqa: RUF012


@admin.register(TrainingMaterial)
class TrainingMaterialAdmin(SimpleHistoryAdmin):
    form = TrainingAdminForm
    list_display = ["title", "is_published", "published_on"]
    list_filter = ["is_published"]
    search_fields = ["title"]


@admin.register(TrainingCompletion)
class TrainingCompletionAdmin(admin.ModelAdmin):
    list_display = ["material", "deputy", "completed_at"]
    autocomplete_fields = ["deputy"]


@admin.register(RosterImport)
class RosterImportAdmin(admin.ModelAdmin):
    list_display = ["filename", "term", "uploaded_by", "uploaded_at", "state", "row_count"]
    exclude = ["content"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
