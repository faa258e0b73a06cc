"""Report reviews over the API: public read of published results; staff write through actions
that call the same services as the pages."""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from congress.access import actor_for
from congress.api import IntegerFilter, ObjectLookupMixin
from congress.api_deadlines import inline_enum
from congress.models import Meeting, MeetingKind
from evaluations.reviews import queries, services
from evaluations.reviews.models import RatingValue, ReviewTopic, TopicState


class ReviewLetterSerializer(serializers.Serializer):
    number = serializers.CharField()
    title = serializers.CharField()
    addressee = serializers.CharField()
    body = serializers.CharField()
    issued_on = serializers.DateField(allow_null=True)


class ReviewTopicSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="plan.year", read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    meeting_title = serializers.SerializerMethodField()
    letter = serializers.SerializerMethodField()
    ratings = serializers.SerializerMethodField()
    state = inline_enum(TopicState.choices)

    class Meta:
        model = ReviewTopic
        fields = [
            "id",
            "plan",
            "year",
            "title",
            "agency",
            "agency_name",
            "committee",
            "meeting",
            "meeting_title",
            "rating_required",
            "research",
            "state",
            "reviewed_on",
            "result_summary",
            "published_at",
            "letter",
            "ratings",
        ]
        read_only_fields = [
            "meeting",
            "state",
            "reviewed_on",
            "result_summary",
            "published_at",
        ]

    def get_meeting_title(self, topic) -> str | None:
        return topic.meeting.title if topic.meeting_id else None

    @extend_schema_field(ReviewLetterSerializer(allow_null=True))
    def get_letter(self, topic):
        letter = getattr(topic, "letter", None)
        if letter is None or letter.state != "issued":
            return None
        return ReviewLetterSerializer(letter).data

    def get_ratings(self, topic) -> dict[str, int]:
        # Counts only: who rated what is never published.
        counts = {v: getattr(topic, f"n_{v}", 0) for v in RatingValue.values}
        return counts | {"total": sum(counts.values())}

    def validate_agency(self, agency):
        from congress.models import REVIEWED_AGENCY_KINDS

        if agency.kind not in REVIEWED_AGENCY_KINDS:
            raise serializers.ValidationError(
                "Only the government, the supervisory commission, the court and the procuratorate."
            )
        return agency


class ReviewTopicFilter(filters.FilterSet):
    year = IntegerFilter(field_name="plan__year")

    class Meta:
        model = ReviewTopic
        fields = ["year", "agency", "state"]


class IsStaffOrReadOnly(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return actor_for(request.user).is_staff_member


class ReviewDueDateSerializer(serializers.Serializer):
    due_date = serializers.DateField()


class ReviewInputSerializer(serializers.Serializer):
    meeting = serializers.PrimaryKeyRelatedField(
        queryset=Meeting.objects.filter(kind=MeetingKind.STANDING_COMMITTEE)
    )
    deliberation = serializers.CharField(required=False, allow_blank=True, default="")


class ReviewLetterInputSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=60)
    title = serializers.CharField(max_length=200)
    addressee = serializers.CharField(max_length=100)
    body = serializers.CharField()
    copy_to = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ReviewIssueInputSerializer(serializers.Serializer):
    issued_on = serializers.DateField(required=False, allow_null=True, default=None)


class ReviewPublishInputSerializer(serializers.Serializer):
    summary = serializers.CharField()


class ReviewRateInputSerializer(serializers.Serializer):
    value = serializers.ChoiceField(choices=RatingValue.choices)


class ReviewTopicViewSet(ObjectLookupMixin, viewsets.ModelViewSet):
    """Special work report reviews. Anyone reads published results; staff see every topic,
    create and edit topics, and run the loop with the actions."""

    serializer_class = ReviewTopicSerializer
    # IsAuthenticatedOrReadOnly changes nothing (staff are logged in) but tells the schema that
    # reading needs no session (drf-spectacular knows only DRF's own classes; Schemathesis
    # found the session cookie documented as required on a list anonymous visitors read).
    permission_classes = [permissions.IsAuthenticatedOrReadOnly, IsStaffOrReadOnly]
    filterset_class = ReviewTopicFilter
    ordering_fields = ["published_at", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if actor_for(self.request.user).is_staff_member:
            qs = queries.with_rating_counts(queries.staff_topics())
        else:
            qs = queries.published_topics()
        return qs

    def _topic(self) -> ReviewTopic:
        return self.get_object()

    def _answer(self, topic: ReviewTopic) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=topic.pk)).data)

    @extend_schema(request=ReviewDueDateSerializer, responses=ReviewTopicSerializer)
    @action(detail=True, methods=["post"], url_path="request-report")
    def request_report(self, request, pk=None):
        topic = self._topic()
        data = ReviewDueDateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.request_report(topic, actor=request.user, **data.validated_data)
        return self._answer(topic)

    @extend_schema(request=ReviewInputSerializer, responses=ReviewTopicSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        topic = self._topic()
        data = ReviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.record_review(topic, actor=request.user, **data.validated_data)
        return self._answer(topic)

    @extend_schema(request=ReviewLetterInputSerializer, responses=ReviewTopicSerializer)
    @action(detail=True, methods=["post"])
    def letter(self, request, pk=None):
        topic = self._topic()
        data = ReviewLetterInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.save_letter(topic, actor=request.user, **data.validated_data)
        return self._answer(topic)

    @extend_schema(request=ReviewIssueInputSerializer, responses=ReviewTopicSerializer)
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        topic = self._topic()
        data = ReviewIssueInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.issue_letter(topic, actor=request.user, **data.validated_data)
        return self._answer(topic)

    @extend_schema(request=ReviewPublishInputSerializer, responses=ReviewTopicSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        topic = self._topic()
        data = ReviewPublishInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.publish(topic, actor=request.user, **data.validated_data)
        return self._answer(topic)

    @extend_schema(request=ReviewRateInputSerializer, responses={201: None})
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[permissions.IsAuthenticated],
    )
    def rate(self, request, pk=None):
        """A standing committee member rates the handling-status report (once)."""
        # Any topic open for rating (published or not): not the viewset's queryset.
        topic = self.get_object(ReviewTopic.objects.filter(state=TopicState.RATING))
        data = ReviewRateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.rate(topic, actor=request.user, value=data.validated_data["value"])
        return Response(status=201)


def register(router) -> None:
    router.register("reviews", ReviewTopicViewSet, basename="review")
