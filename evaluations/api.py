"""REST API: public results (read-only) and ballots (list mine, cast through an action; staff open
and close). No endpoint ever returns a choice together with a voter: `cast` answers only that the
ballot was recorded; `participants` (staff) lists who has voted, never what."""

from __future__ import annotations

from django.db.models import BooleanField, Exists, OuterRef, Q, Value
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from congress.access import actor_for
from congress.api import IntegerFilter, IsCommitteeStaff
from evaluations import queries, services
from evaluations.models import Item, Participation, Vote, VoteState


class ResultsSerializer(serializers.Serializer):
    eligible_count = serializers.IntegerField()
    ballots_cast = serializers.IntegerField()
    satisfied = serializers.IntegerField()
    basically_satisfied = serializers.IntegerField()
    unsatisfied = serializers.IntegerField()
    satisfaction_rate = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)


def _results(vote: Vote | None) -> dict | None:
    if vote is None or vote.state != VoteState.CLOSED:
        return None
    return ResultsSerializer(vote).data


class PublicResultSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="campaign.year")
    department = serializers.CharField(source="unit.name")
    state_display = serializers.CharField(source="get_state_display")
    results = serializers.SerializerMethodField()

    class Meta:
        model = Item
        fields = ["id", "year", "department", "title", "state", "state_display", "results"]

    @extend_schema_field(ResultsSerializer(allow_null=True))
    def get_results(self, item: Item) -> dict | None:
        if item.published_at is None:
            return None
        return _results(getattr(item, "vote", None))


class PublicResultFilter(filters.FilterSet):
    year = IntegerFilter(field_name="campaign__year")

    class Meta:
        model = Item
        fields = ["year"]


class PublicResultViewSet(viewsets.ReadOnlyModelViewSet):
    """Evaluated departments and items of published campaigns; ballot results once published."""

    serializer_class = PublicResultSerializer
    permission_classes = [permissions.AllowAny]
    filterset_class = PublicResultFilter
    queryset = (
        Item.objects.filter(campaign__is_published=True)
        .select_related("campaign", "unit", "vote")
        .order_by("-campaign__year", "sort_order", "id")
    )


class BallotSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="item.unit.name")
    title = serializers.CharField(source="item.title")
    year = serializers.IntegerField(source="item.campaign.year")
    has_voted = serializers.BooleanField(read_only=True, help_text="Whether *you* have voted.")
    results = serializers.SerializerMethodField()

    class Meta:
        model = Vote
        fields = [
            "id",
            "item",
            "year",
            "department",
            "title",
            "method",
            "state",
            "meeting_on",
            "opened_at",
            "closed_at",
            "has_voted",
            "results",
        ]

    @extend_schema_field(ResultsSerializer(allow_null=True))
    def get_results(self, vote: Vote) -> dict | None:
        return _results(vote)


class CastSerializer(serializers.Serializer):
    choice = serializers.ChoiceField(
        choices=["satisfied", "basically", "unsatisfied"], required=False
    )
    score = serializers.IntegerField(min_value=0, max_value=100, required=False)


class RecordedSerializer(serializers.Serializer):
    recorded = serializers.BooleanField()


class ParticipantSerializer(serializers.Serializer):
    voter = serializers.CharField()


class BallotViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Ballots: deputies see those they may vote on, staff all. Results only once closed."""

    serializer_class = BallotSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["state"]

    def get_queryset(self):
        user = self.request.user
        qs = Vote.objects.select_related("item__unit", "item__campaign").order_by(
            "-item__campaign__year", "item__sort_order", "pk"
        )
        deputy = queries.deputy_of(user)
        if deputy is not None:
            qs = qs.annotate(
                has_voted=Exists(Participation.objects.filter(vote=OuterRef("pk"), voter=deputy))
            )
        else:
            qs = qs.annotate(has_voted=Value(False, output_field=BooleanField()))
        if actor_for(user).is_staff_member:
            return qs
        if deputy is None:
            return qs.none()
        return qs.filter(
            Q(
                item__campaign__term__mandates__deputy=deputy,
                item__campaign__term__mandates__is_committee_member=True,
            )
            | Q(invited=deputy)
        ).distinct()

    @extend_schema(request=CastSerializer, responses=RecordedSerializer)
    @action(detail=True, methods=["post"])
    def cast(self, request, pk=None):
        """Cast my secret ballot (a choice, or a score for weighted ballots). Once only."""
        vote = self.get_object()
        data = CastSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        deputy = queries.deputy_of(request.user)
        if deputy is None:
            from django.utils.translation import gettext as _

            from congress.errors import PermissionRefused

            raise PermissionRefused("not_eligible", _("Only deputies vote in evaluations."))
        services.cast_ballot(
            vote,
            voter=deputy,
            choice=data.validated_data.get("choice"),
            score=data.validated_data.get("score"),
        )
        return Response({"recorded": True}, status=201)

    @extend_schema(request=None, responses=BallotSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsCommitteeStaff])
    def open(self, request, pk=None):
        """Staff open voting."""
        self._check_control(request)
        vote = services.open_vote(self.get_object(), actor=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=vote.pk)).data)

    @extend_schema(request=None, responses=BallotSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsCommitteeStaff])
    def close(self, request, pk=None):
        """Staff close voting; the results are computed and locked."""
        self._check_control(request)
        vote = services.close_vote(self.get_object(), actor=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=vote.pk)).data)

    @extend_schema(responses=ParticipantSerializer(many=True))
    # A plain list, not paginated: the schema says so (Schemathesis found the mismatch).
    @action(
        detail=True, methods=["get"], permission_classes=[IsCommitteeStaff], pagination_class=None
    )
    def participants(self, request, pk=None):
        """Who has voted (turnout), in name order. Never what anyone voted."""
        vote = self.get_object()
        names = Participation.objects.filter(vote=vote).order_by("voter__name")
        return Response([{"voter": p.voter.name} for p in names.select_related("voter")])

    def _check_control(self, request):
        from rest_framework.exceptions import PermissionDenied

        if not request.user.has_perm("evaluations.control_vote"):
            raise PermissionDenied()


def register(router) -> None:
    router.register("evaluation-results", PublicResultViewSet, basename="evaluation-result")
    router.register("evaluation-ballots", BallotViewSet, basename="evaluation-ballot")
