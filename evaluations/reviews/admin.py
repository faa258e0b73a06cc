from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from congress.errors import DomainError
from evaluations.reviews import services
from evaluations.reviews.models import OpinionLetter, Rating, ReviewTopic, SupervisionPlan


class ReviewTopicInline(admin.TabularInline):
    model = ReviewTopic
    extra = 0
    fields = ["sort_order", "title", "agency", "committee", "rating_required", "state"]
    readonly_fields = ["state"]
    show_change_link = True


@admin.register(SupervisionPlan)
class SupervisionPlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "year", "term", "adopted_at"]
    list_filter = ["term"]
    search_fields = ["title"]
    inlines = [ReviewTopicInline]


@admin.register(ReviewTopic)
class ReviewTopicAdmin(SimpleHistoryAdmin):
    list_display = [
        "title",
        "plan",
        "agency",
        "meeting",
        "state",
        "rating_required",
        "published_at",
    ]
    list_filter = ["state", "plan", "agency", "rating_required"]
    search_fields = ["title", "agency__name"]
    list_select_related = ["plan", "agency", "meeting__term__congress"]
    # The loop's states change only through the services (the portal page or the actions).
    readonly_fields = ["state", "reviewed_on", "published_at"]
    actions = ["close_rating", "unpublish"]

    @admin.action(description=_("Close the members' rating"))
    def close_rating(self, request, queryset):
        self._each(request, queryset, services.close_rating)

    @admin.action(description=_("Withdraw the results from the public page"))
    def unpublish(self, request, queryset):
        self._each(request, queryset, services.unpublish)

    def _each(self, request, queryset, service):
        done = 0
        for topic in queryset:
            try:
                service(topic, actor=request.user)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{topic}: {exc.message}", messages.WARNING)
        self.message_user(request, _("%(n)d topics updated.") % {"n": done})


@admin.register(OpinionLetter)
class OpinionLetterAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "topic", "state", "issued_on"]
    list_filter = ["state"]
    search_fields = ["number", "title"]
    readonly_fields = ["state", "issued_on", "issued_by", "drafted_by"]


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["topic", "member", "value", "rated_at"]
    list_filter = ["value"]
    readonly_fields = ["topic", "member", "value", "rated_at"]

    def has_add_permission(self, request):
        return False
