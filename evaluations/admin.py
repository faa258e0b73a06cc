"""Admin for staff: campaigns, items, inspections, opinions, ballots (open/close actions call the
services), who has voted (never what), tallies of closed ballots only, coverage records."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from congress.errors import DomainError
from evaluations import services
from evaluations.models import (
    Campaign,
    CoverageRecord,
    Inspection,
    Item,
    Opinion,
    Participation,
    Phase,
    Tally,
    Vote,
    VoteState,
)


def _run(modeladmin, request, queryset, fn, done_message):
    ok = 0
    for obj in queryset:
        try:
            fn(obj)
        except DomainError as exc:
            modeladmin.message_user(request, f"{obj}: {exc.message}", messages.ERROR)
        else:
            ok += 1
    if ok:
        modeladmin.message_user(request, done_message % {"n": ok}, messages.SUCCESS)


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


class ItemInline(admin.TabularInline):
    model = Item
    extra = 0
    fields = ("unit", "title", "sort_order", "state")
    readonly_fields = ("state",)
    show_change_link = True


@admin.register(Campaign)
class CampaignAdmin(SimpleHistoryAdmin):
    list_display = ("year", "title", "term", "method", "is_published")
    list_filter = ("is_published", "method")
    inlines = [PhaseInline, ItemInline]


class InspectionInline(admin.StackedInline):
    model = Inspection
    extra = 0
    filter_horizontal = ("deputies",)


@admin.register(Item)
class ItemAdmin(SimpleHistoryAdmin):
    list_display = ("campaign", "unit", "title", "state", "published_at")
    list_filter = ("campaign", "state")
    list_select_related = ("campaign", "unit")
    search_fields = ("title", "unit__name")
    readonly_fields = ("state", "opinion_issued_on", "published_at")
    inlines = [InspectionInline]
    actions = [
        "request_self_report",
        "start_research",
        "issue_opinion",
        "record_follow_up",
        "complete",
        "publish",
    ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Inspection deputies are saved with the inline: log their duty records now.
        for inspection in form.instance.inspections.all():
            services.log_inspection_duties(inspection)

    @admin.action(description=_("Ask the department for its self-report"))
    def request_self_report(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda i: services.request_self_report(i, actor=request.user),
            _("Self-report requested for %(n)d items."),
        )

    @admin.action(description=_("Start research and opinion gathering"))
    def start_research(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda i: services.start_research(i, actor=request.user),
            _("%(n)d items moved to research."),
        )

    @admin.action(description=_("Issue the evaluation opinion (text from the item)"))
    def issue_opinion(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda i: services.issue_opinion(i, actor=request.user, text=i.opinion),
            _("Opinion issued for %(n)d items; rectification plan and report requested."),
        )

    @admin.action(description=_("Record the follow-up (text from the item)"))
    def record_follow_up(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda i: services.record_follow_up(i, actor=request.user, note=i.follow_up),
            _("Follow-up recorded for %(n)d items."),
        )

    @admin.action(description=_("Mark as completed"))
    def complete(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda i: services.complete_item(i, actor=request.user),
            _("%(n)d items completed."),
        )

    @admin.action(description=_("Publish the results"))
    def publish(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda i: services.publish_results(i, actor=request.user),
            _("Results of %(n)d items published."),
        )


@admin.register(Opinion)
class OpinionAdmin(admin.ModelAdmin):
    list_display = ("item", "source", "created_at")
    list_filter = ("source",)
    list_select_related = ("item__unit",)
    search_fields = ("text",)
    raw_id_fields = ("deputy",)


RESULT_FIELDS = (
    "state",
    "opened_at",
    "closed_at",
    "eligible_count",
    "ballots_cast",
    "satisfied",
    "basically_satisfied",
    "unsatisfied",
    "satisfaction_rate",
    "score",
)


@admin.register(Vote)
class VoteAdmin(SimpleHistoryAdmin):
    """Ballot control. Results appear only after close (they are computed then)."""

    list_display = ("item", "method", "state", "meeting_on", "ballots_cast", "satisfaction_rate")
    list_filter = ("state", "method")
    list_select_related = ("item__unit", "item__campaign")
    readonly_fields = RESULT_FIELDS
    filter_horizontal = ("invited",)
    actions = ["open_voting", "close_voting"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(RESULT_FIELDS)
        if obj is not None:
            fields += ["item", "method"]
            if obj.state != VoteState.DRAFT:
                # Who may vote is fixed once voting opens.
                fields += ["invited", "meeting_on"]
        return fields

    @admin.action(description=_("Open voting"), permissions=["control"])
    def open_voting(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda v: services.open_vote(v, actor=request.user),
            _("%(n)d ballots opened."),
        )

    @admin.action(description=_("Close voting and compute the results"), permissions=["control"])
    def close_voting(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda v: services.close_vote(v, actor=request.user),
            _("%(n)d ballots closed; results locked."),
        )

    def has_control_permission(self, request):
        return request.user.has_perm("evaluations.control_vote")


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    """Who has voted (turnout). Never what: the choice is not stored with the voter."""

    list_display = ("voter", "vote")
    list_filter = ("vote__item__campaign",)
    list_select_related = ("voter", "vote__item__unit")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Tally)
class TallyAdmin(admin.ModelAdmin):
    """Aggregated counters, shown only for closed ballots (live counters next to the list of who
    has voted would let someone watching tell who voted what)."""

    list_display = ("vote", "group", "option", "count")
    list_select_related = ("vote__item__unit",)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(vote__state=VoteState.CLOSED)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CoverageRecord)
class CoverageRecordAdmin(admin.ModelAdmin):
    list_display = ("term_number", "year", "unit", "topic")
    list_filter = ("term_number",)
    list_select_related = ("unit",)
