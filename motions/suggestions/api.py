"""REST API of deputy suggestions.

- `/api/suggestions/`: anonymous visitors (and users without a role here) read published
  suggestions with their published replies, no personal data. Staff read all; a deputy the
  suggestions they proposed or co-proposed; a unit liaison those assigned to their units.
  Deputies file (`POST`), rate (`rate`); staff assign (`assign`) and merge (`merge`).
- `/api/suggestion-assignments/`: a unit liaison's assignments (staff: all): `contact`, `reply`
  (multipart, with the signed letter), `return`.
- `/api/suggestions/stats/`: public statistics.
Write actions call the same services as the pages; domain errors answer 400/409 structured.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.urls import reverse
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from congress.access import actor_for
from congress.api import IntegerFilter
from congress.models import Unit
from congress.search import contains_q
from congress.uploads import validate_document
from motions.suggestions import queries, services
from motions.suggestions.forms import handling_units
from motions.suggestions.models import (
    Assignment,
    AssignmentState,
    Category,
    Contact,
    ContactMethod,
    Proposer,
    Rating,
    Reply,
    ReplyClass,
    Satisfaction,
    Suggestion,
    SuggestionState,
)


@extend_schema_field(OpenApiTypes.STR)
class Code(serializers.ChoiceField):
    """A choice documented as a plain string (its values in the help text): several of our
    choice sets share field names (state, method), which would collide as OpenAPI enums."""

    def __init__(self, choices, **kwargs):
        kwargs.setdefault("help_text", "One of: " + ", ".join(str(c[0]) for c in choices))
        super().__init__(choices, **kwargs)


def _has_role(user) -> bool:
    actor = actor_for(user)
    return actor.is_staff_member or actor.is_liaison or queries.deputy_of(user) is not None


# --- Serializers ----------------------------------------------------------------------------


class ProposerSerializer(serializers.ModelSerializer):
    deputy_id = serializers.IntegerField()
    name = serializers.CharField(source="deputy.name")

    class Meta:
        model = Proposer
        fields = ["deputy_id", "name", "is_lead"]


class PublicReplySerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="assignment.unit.name")

    class Meta:
        model = Reply
        fields = ["id", "unit", "round", "reply_class", "text", "submitted_at"]


class PublicSuggestionSerializer(serializers.ModelSerializer):
    """Published suggestions: the text, proposers' names, state and published replies."""

    category = serializers.CharField(source="category.name", default=None)
    state = Code(SuggestionState.choices, read_only=True)
    proposers = ProposerSerializer(many=True)
    replies = serializers.SerializerMethodField()

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "number",
            "title",
            "content",
            "category",
            "state",
            "filed_at",
            "is_key",
            "proposers",
            "replies",
        ]

    @extend_schema_field(PublicReplySerializer(many=True))
    def get_replies(self, obj):
        replies = [r for a in obj.live_assignments for r in a.replies.all() if r.is_published]
        return PublicReplySerializer(replies, many=True).data


class RatingSerializer(serializers.ModelSerializer):
    deputy = serializers.CharField(source="deputy.name")

    class Meta:
        model = Rating
        fields = ["deputy_id", "deputy", "result", "comment", "rated_at"]


class ReplySerializer(serializers.ModelSerializer):
    ratings = RatingSerializer(many=True)
    letter = serializers.SerializerMethodField(
        help_text="Download address of the signed reply letter (permission-checked)."
    )

    class Meta:
        model = Reply
        fields = [
            "id",
            "round",
            "reply_class",
            "text",
            "letter",
            "due_date",
            "submitted_at",
            "on_time",
            "ratings",
        ]

    def get_letter(self, reply) -> str | None:
        if not reply.letter:
            return None
        return reverse("suggestions:file", args=["letter", reply.pk])


class AssignmentSummarySerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.name")
    due_date = serializers.DateField(source="obligation.due_date", default=None)
    state = Code(AssignmentState.choices, read_only=True)
    replies = ReplySerializer(many=True)

    class Meta:
        model = Assignment
        fields = ["id", "unit_id", "unit", "role", "state", "round", "due_date", "replies"]


class SuggestionSerializer(PublicSuggestionSerializer):
    """For staff, the proposers and the assigned units."""

    assignments = AssignmentSummarySerializer(many=True, source="live_assignments")

    class Meta(PublicSuggestionSerializer.Meta):
        fields = [
            *PublicSuggestionSerializer.Meta.fields,
            "meeting_id",
            "assigned_at",
            "closed_at",
            "supervising_leader",
            "merged_into_id",
            "assignments",
        ]


class FileSuggestionSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    content = serializers.CharField()
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.filter(is_active=True))
    co_proposers = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )


class AssignSerializer(serializers.Serializer):
    lead_unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(), required=False, allow_null=True
    )
    co_units = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(), many=True, required=False
    )
    split_units = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(), many=True, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = handling_units()
        self.fields["co_units"].child_relation.queryset = handling_units()
        self.fields["split_units"].child_relation.queryset = handling_units()


class MergeSerializer(serializers.Serializer):
    into = serializers.IntegerField(help_text="The suggestion to merge this one into.")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class RateSerializer(serializers.Serializer):
    reply = serializers.IntegerField()
    result = serializers.ChoiceField(choices=Satisfaction.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ContactInputSerializer(serializers.Serializer):
    method = Code(ContactMethod.choices)
    contacted_on = serializers.DateField()
    note = serializers.CharField()
    deputy = serializers.IntegerField(required=False, allow_null=True)


class ContactSerializer(serializers.ModelSerializer):
    method = Code(ContactMethod.choices, read_only=True)

    class Meta:
        model = Contact
        fields = ["id", "round", "method", "contacted_on", "deputy_id", "note"]


class ReplyInputSerializer(serializers.Serializer):
    reply_class = serializers.ChoiceField(choices=ReplyClass.choices)
    text = serializers.CharField()
    letter = serializers.FileField(
        validators=[lambda f: validate_document(f, {"pdf"})],
        help_text="The signed reply letter as PDF.",
    )


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField()


class AssignmentSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.name")
    suggestion = serializers.SerializerMethodField()
    state = Code(AssignmentState.choices, read_only=True)
    due_date = serializers.DateField(source="obligation.due_date", default=None)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "suggestion",
            "unit_id",
            "unit",
            "role",
            "state",
            "round",
            "assigned_at",
            "due_date",
        ]

    def get_suggestion(self, obj) -> dict:
        s = obj.suggestion
        return {"id": s.pk, "number": s.number, "title": s.title, "content": s.content}


class StatsQuerySerializer(serializers.Serializer):
    # A year a date can hold: "false" was read as every year, a huge one was a 500.
    year = serializers.IntegerField(min_value=1, max_value=9999, required=False)


class StatsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    rated = serializers.IntegerField()
    satisfied_share = serializers.FloatField(allow_null=True)
    by_class = serializers.DictField(child=serializers.IntegerField())
    by_result = serializers.DictField(child=serializers.IntegerField())
    by_state = serializers.DictField(child=serializers.IntegerField())
    by_unit = serializers.ListField(child=serializers.DictField())


# --- Filters and viewsets -------------------------------------------------------------------


class SuggestionFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=SuggestionState.choices)
    # A date's year: within what a date can hold (a larger one was a 500 in the year lookup).
    year = IntegerFilter(field_name="filed_at", lookup_expr="year", min_value=1, max_value=9999)
    unit = IntegerFilter(method="by_unit", help_text="Suggestions assigned to this unit.")
    category = IntegerFilter(field_name="category_id")
    term = IntegerFilter(field_name="term_id")
    is_key = filters.BooleanFilter()
    q = filters.CharFilter(
        method="search", help_text="Title contains (any length, Chinese included)."
    )

    class Meta:
        model = Suggestion
        fields = ["state", "year", "unit", "category", "term", "is_key", "q"]

    def search(self, queryset, name, value):
        # Index-served at every term length on PostgreSQL (congress/search.py).
        value = value.strip()
        return queryset.filter(contains_q("title", value)) if value else queryset

    def by_unit(self, queryset, name, value):
        return queryset.filter(
            pk__in=Assignment.objects.filter(unit_id=value)
            .exclude(state__in=queries.DEAD)
            .values("suggestion_id")
        )


def _with_related(qs):
    return qs.select_related("category").prefetch_related(
        Prefetch("proposers", queryset=Proposer.objects.select_related("deputy")),
        Prefetch(
            "assignments",
            queryset=Assignment.objects.exclude(state__in=queries.DEAD)
            .select_related("unit", "obligation")
            .prefetch_related(
                Prefetch(
                    "replies",
                    queryset=Reply.objects.prefetch_related(
                        Prefetch("ratings", queryset=Rating.objects.select_related("deputy"))
                    ),
                )
            ),
            to_attr="live_assignments",
        ),
    )


class SuggestionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Deputy suggestions, scoped to the user (published ones for everybody else)."""

    permission_classes = [permissions.AllowAny]
    filterset_class = SuggestionFilter
    ordering_fields = ["filed_at", "number"]
    ordering = ["-filed_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Suggestion.objects.none()
        user = self.request.user
        if _has_role(user):
            qs = queries.suggestions_for_user(user)
        else:
            qs = Suggestion.objects.filter(is_published=True).exclude(state=SuggestionState.MERGED)
        return _with_related(qs).order_by("-filed_at", "-id")

    def get_serializer_class(self):
        if self.action == "create":
            return FileSuggestionSerializer
        if getattr(self, "swagger_fake_view", False) or _has_role(self.request.user):
            return SuggestionSerializer
        return PublicSuggestionSerializer

    def _staff_only(self):
        if not actor_for(self.request.user).is_staff_member:
            raise PermissionDenied

    @extend_schema(request=FileSuggestionSerializer, responses={201: SuggestionSerializer})
    def create(self, request, *args, **kwargs):
        """A deputy files a suggestion in the current term."""
        deputy = queries.deputy_of(request.user)
        if deputy is None:
            raise PermissionDenied
        data = FileSuggestionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        from congress.queries import current_term
        from deputies.models import Deputy

        term = current_term()
        if term is None:
            raise NotFound
        co = list(Deputy.objects.filter(pk__in=data.validated_data["co_proposers"]))
        suggestion = services.file_suggestion(
            deputy=deputy,
            co_proposers=co,
            title=data.validated_data["title"],
            content=data.validated_data["content"],
            category=data.validated_data["category"],
            term=term,
            actor=request.user,
        )
        obj = _with_related(Suggestion.objects.filter(pk=suggestion.pk)).get()
        return Response(SuggestionSerializer(obj).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AssignSerializer, responses=SuggestionSerializer)
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def assign(self, request, pk=None):
        """Staff assign the suggestion to a lead unit, co-units and/or separate units."""
        self._staff_only()
        suggestion = self.get_object()
        data = AssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.assign_suggestion(
            suggestion,
            lead_unit=data.validated_data.get("lead_unit"),
            co_units=data.validated_data.get("co_units", []),
            split_units=data.validated_data.get("split_units", []),
            actor=request.user,
        )
        return Response(SuggestionSerializer(self.get_queryset().get(pk=suggestion.pk)).data)

    @extend_schema(request=MergeSerializer, responses=SuggestionSerializer)
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def merge(self, request, pk=None):
        """Staff merge this (duplicate) suggestion into another one."""
        self._staff_only()
        suggestion = self.get_object()
        data = MergeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        into = get_object_or_404(Suggestion, pk=data.validated_data["into"])
        services.merge_suggestions(
            suggestion, into=into, actor=request.user, reason=data.validated_data["reason"]
        )
        return Response(SuggestionSerializer(self.get_queryset().get(pk=suggestion.pk)).data)

    @extend_schema(request=RateSerializer, responses=RatingSerializer)
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def rate(self, request, pk=None):
        """A proposing deputy rates a reply of this suggestion."""
        deputy = queries.deputy_of(request.user)
        if deputy is None:
            raise PermissionDenied
        suggestion = self.get_object()
        data = RateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reply = get_object_or_404(
            Reply, pk=data.validated_data["reply"], assignment__suggestion=suggestion
        )
        rating = services.rate_reply(
            reply,
            deputy=deputy,
            result=data.validated_data["result"],
            comment=data.validated_data["comment"],
            actor=request.user,
        )
        return Response(RatingSerializer(rating).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[StatsQuerySerializer], responses=StatsSerializer)
    @action(detail=False, methods=["get"], permission_classes=[permissions.AllowAny])
    def stats(self, request):
        """Public statistics by state, reply class, satisfaction and unit (no personal data)."""
        # A plain dict: DRF reads an empty value of a form-like QueryDict as "not given".
        query = StatsQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)  # a malformed or empty year: the structured 400
        s = queries.public_stats(query.validated_data.get("year"))
        return Response(
            {
                "total": s["total"],
                "rated": s["rated"],
                "satisfied_share": s["satisfied_share"],
                "by_class": {c: n for c, _label, n in s["by_class"]},
                "by_result": {r: n for r, _label, n in s["by_result"]},
                "by_state": {st: n for st, _label, n in s["by_state"]},
                "by_unit": [
                    {"unit": row["unit__name"], "assigned": row["total"], "replied": row["replied"]}
                    for row in s["by_unit"]
                ],
            }
        )


class AssignmentFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=AssignmentState.choices)
    unit = IntegerFilter(field_name="unit_id")
    overdue = filters.BooleanFilter(method="by_overdue")

    class Meta:
        model = Assignment
        fields = ["state", "unit", "role", "overdue"]

    def by_overdue(self, queryset, name, value):
        from django.utils import timezone

        overdue = {
            "state__in": services.LIVE_HANDLING,
            "obligation__due_date__lt": timezone.localdate(),
        }
        return queryset.filter(**overdue) if value else queryset.exclude(**overdue)


class AssignmentViewSet(viewsets.ReadOnlyModelViewSet):
    """A unit's assignments (staff: all). Another unit's assignment answers 404."""

    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter
    parser_classes = [JSONParser, FormParser, MultiPartParser]
    ordering_fields = ["assigned_at", "obligation__due_date"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Assignment.objects.none()
        return queries.assignments_for_user(self.request.user).order_by("-assigned_at", "-id")

    @extend_schema(request=ContactInputSerializer, responses={201: ContactSerializer})
    @action(detail=True, methods=["post"])
    def contact(self, request, pk=None):
        """Record contact with the proposing deputies (required before replying)."""
        assignment = self.get_object()
        data = ContactInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        deputy = None
        if data.validated_data.get("deputy"):
            from deputies.models import Deputy

            deputy = Deputy.objects.filter(pk=data.validated_data["deputy"]).first()
        contact = services.record_contact(
            assignment,
            actor=request.user,
            method=data.validated_data["method"],
            contacted_on=data.validated_data["contacted_on"],
            note=data.validated_data["note"],
            deputy=deputy,
        )
        return Response(ContactSerializer(contact).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReplyInputSerializer, responses={201: ReplySerializer})
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        """Submit the reply (multipart, with the signed letter as PDF)."""
        assignment = self.get_object()
        data = ReplyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reply = services.submit_reply(
            assignment,
            actor=request.user,
            reply_class=data.validated_data["reply_class"],
            text=data.validated_data["text"],
            letter=data.validated_data["letter"],
        )
        return Response(ReplySerializer(reply).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReturnSerializer, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_assignment(self, request, pk=None):
        """Return the assignment for reassignment, with reasons (before replying)."""
        assignment = self.get_object()
        data = ReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.return_assignment(
            assignment, actor=request.user, reason=data.validated_data["reason"]
        )
        assignment.refresh_from_db()
        return Response(AssignmentSerializer(assignment).data)


def register(router) -> None:
    router.register("suggestions", SuggestionViewSet, basename="suggestion")
    router.register("suggestion-assignments", AssignmentViewSet, basename="suggestion-assignment")
