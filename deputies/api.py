"""REST API of the deputies app.

Public (AllowAny): deputies (public fields only), stations, reception days, published duty records.
Staff with `deputies.view_deputy` get the staff serializer (with contacts) on the same endpoint.
Voter opinions: scoped per user (the station's deputies, the unit it was forwarded to, staff);
the voter's name and contact appear only on `retrieve` for those allowed, and every such
response is written to the access log. Write actions call the same services as the pages.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from congress import access
from congress.api import IntegerFilter
from congress.models import HANDLING_UNIT_KINDS, CongressLevel, Unit
from congress.privacy import PersonalDataAPIMixin
from deputies import queries, services
from deputies.models import (
    Deputy,
    DutyRecord,
    Mandate,
    OpinionCategory,
    ReceptionDay,
    Station,
    VoterOpinion,
)


def _is_registry_staff(request) -> bool:
    user = request.user
    return access.is_staff_member(user) and user.has_perm("deputies.change_deputy")


# --- Deputies ------------------------------------------------------------------------------------


class PublicMandateSerializer(serializers.ModelSerializer):
    congress = serializers.CharField(source="term.congress.name")
    term = serializers.CharField(source="term.label")
    # Null when the deputy has no group or station: documented as nullable (Schemathesis found
    # responses with null where the schema said "string").
    group = serializers.CharField(source="group.name", default=None, allow_null=True)
    station = serializers.CharField(source="station.name", default=None, allow_null=True)
    station_id = serializers.IntegerField(allow_null=True)

    class Meta:
        model = Mandate
        fields = [
            "congress",
            "term",
            "level",
            "electoral_unit",
            "group",
            "station",
            "station_id",
            "is_committee_member",
        ]


class PublicDeputySerializer(serializers.ModelSerializer):
    """Public fields only: never mobile, e-mail or address."""

    mandates = PublicMandateSerializer(many=True, source="public_mandates")
    photo = serializers.ImageField(allow_null=True, use_url=True)

    class Meta:
        model = Deputy
        fields = ["id", "name", "gender", "party", "occupation", "photo", "bio", "mandates"]


class StaffMandateSerializer(PublicMandateSerializer):
    class Meta(PublicMandateSerializer.Meta):
        fields = [*PublicMandateSerializer.Meta.fields, "status", "started_on", "ended_on"]


class StaffDeputySerializer(serializers.ModelSerializer):
    """For staff of the registry: with personal contacts."""

    mandates = StaffMandateSerializer(many=True, source="all_mandates")
    photo = serializers.ImageField(allow_null=True, use_url=True)

    class Meta:
        model = Deputy
        fields = [
            "id",
            "number",
            "name",
            "gender",
            "birth_year",
            "ethnicity",
            "party",
            "occupation",
            "photo",
            "bio",
            "mobile",
            "email",
            "address",
            "mandates",
        ]


class DeputyFilter(filters.FilterSet):
    level = filters.ChoiceFilter(choices=CongressLevel.choices, method="by_mandate")
    group = IntegerFilter(method="by_mandate")
    station = IntegerFilter(method="by_mandate")
    q = filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = Deputy
        fields = ["level", "group", "station", "q"]

    def by_mandate(self, queryset, name, value):
        mandates = queries.serving_mandates().filter(
            **{f"{name}_id" if name != "level" else name: value}
        )
        return queryset.filter(pk__in=mandates.values("deputy_id"))


class PublishedDutySerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text="Duty kind code (see kind_display).")
    kind_display = serializers.CharField(source="get_kind_display")

    class Meta:
        model = DutyRecord
        fields = ["id", "date", "kind", "kind_display", "title"]


class DeputyViewSet(PersonalDataAPIMixin, viewsets.ReadOnlyModelViewSet):
    """The deputy directory. Anonymous and most users: serving deputies, public fields; staff of
    the registry: every deputy with contacts."""

    permission_classes = [permissions.AllowAny]
    filterset_class = DeputyFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Deputy.objects.none()
        if _is_registry_staff(self.request):
            return Deputy.objects.prefetch_related(
                Prefetch(
                    "mandates",
                    queryset=Mandate.objects.select_related("term__congress", "group", "station"),
                    to_attr="all_mandates",
                )
            ).order_by("name", "id")
        return queries.public_deputies()

    def get_serializer_class(self):
        if getattr(self, "swagger_fake_view", False) or not _is_registry_staff(self.request):
            return PublicDeputySerializer
        return StaffDeputySerializer

    @extend_schema(responses=PublishedDutySerializer(many=True))
    @action(detail=True, methods=["get"], permission_classes=[permissions.AllowAny])
    def duty(self, request, pk=None):
        """The deputy's published duty record (发布的履职情况)."""
        deputy = self.get_object()
        page = self.paginate_queryset(queries.published_duty(deputy))
        return self.get_paginated_response(PublishedDutySerializer(page, many=True).data)


# --- Stations and reception days -----------------------------------------------------------------


class StationSerializer(serializers.ModelSerializer):
    street = serializers.CharField(source="street.__str__")
    kind = serializers.CharField(
        read_only=True, help_text="home (代表之家) or station (代表联络站)."
    )
    kind_display = serializers.CharField(source="get_kind_display")
    ical_url = serializers.SerializerMethodField()

    class Meta:
        model = Station
        fields = [
            "id",
            "name",
            "kind",
            "kind_display",
            "street",
            "address",
            "opening_hours",
            "phone",
            "contact_person",
            "description",
            "ical_url",
        ]

    @extend_schema_field(serializers.CharField())
    def get_ical_url(self, station) -> str:
        from django.urls import reverse

        return reverse("deputies:station_ical", args=[station.pk])


class StationFilter(filters.FilterSet):
    class Meta:
        model = Station
        fields = ["street", "kind"]


class StationViewSet(viewsets.ReadOnlyModelViewSet):
    """代表之家 and 代表联络站: public directory."""

    permission_classes = [permissions.AllowAny]
    serializer_class = StationSerializer
    filterset_class = StationFilter
    queryset = Station.objects.filter(is_active=True).select_related("street")


class DutyDeputySerializer(serializers.ModelSerializer):
    class Meta:
        model = Deputy
        fields = ["id", "name"]


class ReceptionDaySerializer(serializers.ModelSerializer):
    station_name = serializers.CharField(source="station.name")
    deputies = DutyDeputySerializer(many=True)

    class Meta:
        model = ReceptionDay
        fields = [
            "id",
            "station",
            "station_name",
            "date",
            "starts_at",
            "ends_at",
            "topic",
            "deputies",
        ]


class ReceptionDayFilter(filters.FilterSet):
    start = filters.DateFilter(field_name="date", lookup_expr="gte")
    end = filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = ReceptionDay
        fields = ["station", "start", "end"]


class ReceptionDayViewSet(viewsets.ReadOnlyModelViewSet):
    """Reception days (not cancelled) with the deputies on duty; `start` defaults to today."""

    permission_classes = [permissions.AllowAny]
    serializer_class = ReceptionDaySerializer
    filterset_class = ReceptionDayFilter

    def get_queryset(self):
        qs = queries.reception_days()
        if "start" not in self.request.query_params:
            qs = qs.filter(date__gte=timezone.localdate())
        return qs


# --- Voter opinions ------------------------------------------------------------------------------


class OpinionSerializer(serializers.ModelSerializer):
    """Without the voter's name and contact."""

    station_name = serializers.CharField(source="station.name", read_only=True)
    state = serializers.CharField(
        read_only=True,
        help_text="recorded, answered, forwarded, replied, suggestion, reported or closed.",
    )
    # Null until the opinion is forwarded: documented as nullable (found by Schemathesis).
    forwarded_to_name = serializers.CharField(
        source="forwarded_to.name", default=None, read_only=True, allow_null=True
    )

    class Meta:
        model = VoterOpinion
        fields = [
            "id",
            "station",
            "station_name",
            "reception_day",
            "received_on",
            "category",
            "content",
            "state",
            "answer",
            "forwarded_to",
            "forwarded_to_name",
            "unit_reply",
            "report_note",
            "suggestion_id",
            "feedback",
            "feedback_on",
        ]
        read_only_fields = fields


class OpinionDetailSerializer(OpinionSerializer):
    """With the voter's data when the requester may see it (else null); access is logged."""

    voter_name = serializers.SerializerMethodField()
    voter_contact = serializers.SerializerMethodField()

    class Meta(OpinionSerializer.Meta):
        fields = [*OpinionSerializer.Meta.fields, "voter_name", "voter_contact"]
        read_only_fields = fields

    def _voter(self, opinion) -> dict | None:
        cache = self.context.setdefault("_voter", {})
        if opinion.pk not in cache:
            request = self.context["request"]
            cache[opinion.pk] = (
                services.reveal_voter_data(
                    opinion, user=request.user, channel="api", request=request
                )
                if queries.can_see_voter_data(request.user, opinion)
                else None
            )
        return cache[opinion.pk]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_voter_name(self, opinion) -> str | None:
        data = self._voter(opinion)
        return data["voter_name"] if data else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_voter_contact(self, opinion) -> str | None:
        data = self._voter(opinion)
        return data["voter_contact"] if data else None


class OpinionCreateSerializer(serializers.Serializer):
    station = serializers.PrimaryKeyRelatedField(queryset=Station.objects.all())
    reception_day = serializers.PrimaryKeyRelatedField(
        queryset=ReceptionDay.objects.all(), required=False, allow_null=True
    )
    received_on = serializers.DateField(required=False)
    category = serializers.ChoiceField(choices=OpinionCategory.choices)
    content = serializers.CharField()
    voter_name = serializers.CharField(required=False, allow_blank=True, max_length=50)
    voter_contact = serializers.CharField(required=False, allow_blank=True, max_length=100)


class TextSerializer(serializers.Serializer):
    text = serializers.CharField()


class ForwardSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.filter(kind__in=HANDLING_UNIT_KINDS, is_active=True)
    )


class OpinionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Voter opinions visible to the requester. Create: a deputy of the station records one."""

    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["state", "station", "category"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return VoterOpinion.objects.none()
        return queries.opinions_for(self.request.user)

    def get_serializer_class(self):
        if self.action == "retrieve":
            return OpinionDetailSerializer
        if self.action == "create":
            return OpinionCreateSerializer
        return OpinionSerializer

    @extend_schema(request=OpinionCreateSerializer, responses=OpinionDetailSerializer)
    def create(self, request, *args, **kwargs):
        deputy = queries.deputy_of(request.user)
        if deputy is None:
            raise PermissionDenied()
        s = OpinionCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        opinion = services.record_opinion(
            d["station"],
            recorded_by=deputy,
            content=d["content"],
            category=d["category"],
            voter_name=d.get("voter_name", ""),
            voter_contact=d.get("voter_contact", ""),
            reception_day=d.get("reception_day"),
            received_on=d.get("received_on"),
            actor=request.user,
        )
        return Response(OpinionSerializer(opinion).data, status=201)

    def _handle(self, request, check, call, serializer_class=None):
        """Find the opinion and check the permission BEFORE reading the body: someone who may
        not see the opinion gets 404 whatever they send (a 400 would tell them it exists)."""
        opinion = self.get_object()
        if not check(request.user, opinion):
            raise PermissionDenied()
        s = (serializer_class or TextSerializer)(data=request.data)
        s.is_valid(raise_exception=True)
        opinion = call(opinion, s.validated_data)
        opinion.refresh_from_db()
        return Response(OpinionSerializer(opinion).data)

    @extend_schema(request=TextSerializer, responses=OpinionSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        return self._handle(
            request,
            queries.can_handle_opinion,
            lambda o, d: services.answer_on_spot(o, answer=d["text"], actor=request.user),
        )

    @extend_schema(request=ForwardSerializer, responses=OpinionSerializer)
    @action(detail=True, methods=["post"])
    def forward(self, request, pk=None):
        return self._handle(
            request,
            queries.can_handle_opinion,
            lambda o, d: services.forward_opinion(o, unit=d["unit"], actor=request.user),
            ForwardSerializer,
        )

    @extend_schema(request=TextSerializer, responses=OpinionSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        return self._handle(
            request,
            queries.can_reply_opinion,
            lambda o, d: services.record_unit_reply(o, reply=d["text"], actor=request.user),
        )

    @extend_schema(request=TextSerializer, responses=OpinionSerializer)
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        return self._handle(
            request,
            queries.can_handle_opinion,
            lambda o, d: services.report_to_committee(o, note=d["text"], actor=request.user),
        )

    @extend_schema(request=TextSerializer, responses=OpinionSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._handle(
            request,
            queries.can_handle_opinion,
            lambda o, d: services.close_opinion(o, feedback=d["text"], actor=request.user),
        )


# --- Duty records --------------------------------------------------------------------------------


class DutyRecordSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text="Duty kind code (see kind_display).")
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = DutyRecord
        fields = [
            "id",
            "deputy",
            "date",
            "kind",
            "kind_display",
            "title",
            "note",
            "is_manual",
            "is_published",
        ]
        read_only_fields = ["id", "deputy", "kind_display", "is_manual", "is_published"]


class DutyEntrySerializer(serializers.Serializer):
    kind = serializers.CharField(
        help_text="A duty kind code: inspection, meeting, training, other…"
    )
    title = serializers.CharField(max_length=300)
    date = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True)


class DutyRecordViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """A deputy's own duty record (staff with the view permission: everyone's)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = DutyRecordSerializer
    filterset_fields = ["kind", "is_published", "deputy"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return DutyRecord.objects.none()
        user = self.request.user
        if access.is_staff_member(user) and user.has_perm("deputies.view_dutyrecord"):
            return DutyRecord.objects.all()
        deputy = queries.deputy_of(user)
        return DutyRecord.objects.filter(deputy=deputy) if deputy else DutyRecord.objects.none()

    def _deputy(self):
        deputy = queries.deputy_of(self.request.user)
        if deputy is None:
            raise PermissionDenied()
        return deputy

    @extend_schema(request=DutyEntrySerializer, responses=DutyRecordSerializer)
    def create(self, request, *args, **kwargs):
        deputy = self._deputy()
        s = DutyEntrySerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        record = services.add_manual_duty(
            deputy,
            kind=d["kind"],
            title=d["title"],
            date=d["date"],
            note=d.get("note", ""),
            actor=request.user,
        )
        return Response(DutyRecordSerializer(record).data, status=201)

    def _publish(self, published: bool):
        deputy = self._deputy()
        record = self.get_object()
        if record.deputy_id != deputy.pk:
            raise PermissionDenied()
        services.set_duty_published([record], deputy=deputy, published=published)
        record.refresh_from_db()
        return Response(DutyRecordSerializer(record).data)

    @extend_schema(request=None, responses=DutyRecordSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._publish(True)

    @extend_schema(request=None, responses=DutyRecordSerializer)
    @action(detail=True, methods=["post"])
    def unpublish(self, request, pk=None):
        return self._publish(False)


def register(router) -> None:
    router.register("deputies", DeputyViewSet, basename="deputy")
    router.register("deputy-stations", StationViewSet, basename="deputy-station")
    router.register("reception-days", ReceptionDayViewSet, basename="reception-day")
    router.register("voter-opinions", OpinionViewSet, basename="voter-opinion")
    router.register("duty-records", DutyRecordViewSet, basename="duty-record")
