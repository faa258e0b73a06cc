"""REST API of motions.

- ``/api/motions/`` and ``/api/motion-updates/`` (anyone): registered motions and published
  updates only, no personal data (deputies appear by name, never with contacts).
- ``/api/portal-motions/`` (logged in): the motions the user may open in the portal, scoped by
  role exactly as the pages are; every write is an action calling the same service as the pages.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from congress.api import IntegerFilter
from congress.models import Meeting, MeetingKind, Unit
from deputies.models import Deputy
from motions import queries, services
from motions.models import (
    ACTIVE_ASSIGNMENT_STATES,
    PUBLIC_STATES,
    Assignment,
    Motion,
    MotionState,
    ProgressUpdate,
    Topic,
    UpdateKind,
)

# --- public ---------------------------------------------------------------------------------


class MotionUnitRoleSerializer(serializers.Serializer):
    unit = serializers.CharField(source="unit.name")
    role = serializers.CharField(help_text="lead (主办) or co (协办)")


class MotionLatestUpdateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    happened_on = serializers.DateField()


class MotionPhotoSerializer(serializers.Serializer):
    caption = serializers.CharField()
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    def get_url(self, photo) -> str:
        return reverse("motions:update_file", args=["photo", photo.pk])

    def get_thumbnail_url(self, photo) -> str:
        return reverse("motions:update_file", args=["thumb", photo.pk])


class MotionVideoSerializer(serializers.Serializer):
    caption = serializers.CharField()
    url = serializers.SerializerMethodField()
    poster_url = serializers.SerializerMethodField()

    def get_url(self, video) -> str:
        return reverse("motions:update_file", args=["video", video.pk])

    def get_poster_url(self, video) -> str | None:
        return reverse("motions:update_file", args=["poster", video.pk]) if video.poster else None


class PublicUpdateSerializer(serializers.ModelSerializer):
    motion = serializers.IntegerField(source="motion_id")
    kind = serializers.CharField(help_text="inspection, research, meeting or milestone")
    kind_display = serializers.CharField(source="get_kind_display")
    unit = serializers.CharField(source="unit.name")
    progress = serializers.IntegerField(source="approved_progress", allow_null=True)
    photos = MotionPhotoSerializer(many=True)
    videos = MotionVideoSerializer(many=True)
    url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = ProgressUpdate
        fields = [
            "id",
            "motion",
            "kind",
            "kind_display",
            "title",
            "text",
            "happened_on",
            "unit",
            "progress",
            "video_url",
            "photos",
            "videos",
            "published_at",
            "url",
        ]


class PublicMotionSerializer(serializers.ModelSerializer):
    label = serializers.CharField()
    state = serializers.CharField(
        help_text="registered, supervision, follow_up_1, follow_up_2, closed"
    )
    state_display = serializers.CharField(source="get_state_display")
    proposer = serializers.CharField(source="proposer_display")
    topic = serializers.CharField(source="topic.name", allow_null=True, default=None)
    lead_unit = serializers.CharField(source="lead_unit.name", allow_null=True, default=None)
    supervising_office = serializers.CharField(
        source="supervising_office.name", allow_null=True, default=None
    )
    units = MotionUnitRoleSerializer(source="active_assignments", many=True)
    latest_update = serializers.SerializerMethodField()
    url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = Motion
        fields = [
            "id",
            "year",
            "number",
            "label",
            "title",
            "reasons",
            "grounds",
            "measures",
            "topic",
            "state",
            "state_display",
            "proposer",
            "signer_count",
            "lead_unit",
            "units",
            "supervising_office",
            "assigned_on",
            "phase_ends_on",
            "closed_on",
            "progress",
            "latest_update",
            "url",
        ]

    @extend_schema_field(MotionLatestUpdateSerializer(allow_null=True))
    def get_latest_update(self, motion) -> dict | None:
        if not getattr(motion, "latest_update_id", None):
            return None
        return {
            "id": motion.latest_update_id,
            "title": motion.latest_update_title,
            "happened_on": motion.latest_update_on,
        }


class PublicMotionFilter(filters.FilterSet):
    year = IntegerFilter(field_name="year")
    phase = filters.ChoiceFilter(
        field_name="state", choices=[(s, MotionState(s).label) for s in PUBLIC_STATES]
    )
    unit = IntegerFilter(method="filter_unit", label="unit id")
    topic = filters.CharFilter(field_name="topic__slug")
    q = filters.CharFilter(method="filter_q", label="search (Chinese)")

    class Meta:
        model = Motion
        fields = ["year", "phase", "unit", "topic", "q"]

    def filter_unit(self, qs, name, value):
        return queries.PublicFilters(unit=int(value)).apply(qs)

    def filter_q(self, qs, name, value):
        return queries.PublicFilters(q=value.strip()[:100]).apply(qs)


def _with_units(qs):
    return qs.prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.filter(state__in=ACTIVE_ASSIGNMENT_STATES)
            .select_related("unit")
            .order_by("role", "id"),
            to_attr="active_assignments",
        )
    )


class MotionViewSet(viewsets.ReadOnlyModelViewSet):
    """Registered motions of the district congress with stage, progress and latest update."""

    serializer_class = PublicMotionSerializer
    permission_classes = [permissions.AllowAny]
    filterset_class = PublicMotionFilter
    ordering_fields = ["year", "number", "progress"]

    def get_queryset(self):
        return _with_units(queries.public_motions())

    @extend_schema(responses=PublicUpdateSerializer(many=True))
    @action(detail=True, methods=["get"])
    def updates(self, request, pk=None):
        """The motion's published progress updates, newest first."""
        motion = self.get_object()
        qs = (
            queries.published_updates()
            .filter(motion=motion)
            .select_related("unit", "motion")
            .prefetch_related("photos", "videos")
            .order_by("-happened_on", "-id")
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(PublicUpdateSerializer(page, many=True).data)


class PublicUpdateFilter(filters.FilterSet):
    motion = IntegerFilter(field_name="motion_id")
    kind = filters.ChoiceFilter(choices=UpdateKind.choices)

    class Meta:
        model = ProgressUpdate
        fields = ["motion", "kind"]


class MotionUpdateViewSet(viewsets.ReadOnlyModelViewSet):
    """Published progress updates (云视察) of registered motions."""

    serializer_class = PublicUpdateSerializer
    permission_classes = [permissions.AllowAny]
    filterset_class = PublicUpdateFilter

    def get_queryset(self):
        return (
            queries.published_updates()
            .select_related("unit", "motion")
            .prefetch_related("photos", "videos")
            .order_by("-published_at", "-id")
        )


# --- portal ---------------------------------------------------------------------------------


class PortalMotionSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    state = serializers.CharField(read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    proposer = serializers.CharField(source="proposer_display", read_only=True)
    session = serializers.PrimaryKeyRelatedField(
        queryset=Meeting.objects.filter(kind=MeetingKind.CONGRESS_SESSION)
    )
    topic = serializers.SlugRelatedField(
        slug_field="slug", queryset=Topic.objects.all(), allow_null=True, required=False
    )
    lead_unit = serializers.CharField(source="lead_unit.name", read_only=True, default=None)
    portal_url = serializers.CharField(source="get_portal_url", read_only=True)

    class Meta:
        model = Motion
        fields = [
            "id",
            "session",
            "year",
            "number",
            "label",
            "title",
            "reasons",
            "grounds",
            "measures",
            "topic",
            "state",
            "state_display",
            "proposer",
            "signer_count",
            "lead_unit",
            "assigned_on",
            "phase_ends_on",
            "closed_on",
            "progress",
            "decision_reasons",
            "portal_url",
        ]
        read_only_fields = [
            "year",
            "number",
            "state",
            "signer_count",
            "assigned_on",
            "phase_ends_on",
            "closed_on",
            "progress",
            "decision_reasons",
        ]


class MotionDraftUpdateSerializer(PortalMotionSerializer):
    class Meta(PortalMotionSerializer.Meta):
        read_only_fields = [*PortalMotionSerializer.Meta.read_only_fields, "session"]


class MotionInviteSerializer(serializers.Serializer):
    deputies = serializers.PrimaryKeyRelatedField(queryset=Deputy.objects.all(), many=True)


class MotionAnswerSerializer(serializers.Serializer):
    accept = serializers.BooleanField()


class MotionReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class MotionReviewSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["register", "convert", "refuse"])
    reasons = serializers.CharField(required=False, allow_blank=True, default="")


class MotionAssignSerializer(serializers.Serializer):
    lead_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    co_units = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(), many=True, required=False, default=list
    )
    supervising_office = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())


class MotionAddUnitSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    role = serializers.CharField(help_text="lead (主办) or co (协办)")


class MotionAnswerAssignmentSerializer(serializers.Serializer):
    assignment = serializers.IntegerField()
    accept = serializers.BooleanField()
    reasons = serializers.CharField(required=False, allow_blank=True, default="")


class MotionExtendSerializer(serializers.Serializer):
    ends_on = serializers.DateField()
    reason = serializers.CharField()


class MotionPostUpdateSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="inspection, research, meeting or milestone")
    title = serializers.CharField(max_length=200)
    text = serializers.CharField()
    happened_on = serializers.DateField()
    proposed_progress = serializers.IntegerField(
        min_value=0, max_value=100, required=False, allow_null=True, default=None
    )
    video_url = serializers.URLField(required=False, allow_blank=True, default="")
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)
    video = serializers.FileField(required=False, allow_null=True, default=None)
    poster = serializers.FileField(required=False, allow_null=True, default=None)
    publish = serializers.BooleanField(required=False, default=False)


class PortalUpdateSerializer(PublicUpdateSerializer):
    state = serializers.CharField(read_only=True)
    proposed_progress = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta(PublicUpdateSerializer.Meta):
        fields = [*PublicUpdateSerializer.Meta.fields, "state", "proposed_progress"]


class MotionPublishSerializer(serializers.Serializer):
    update = serializers.IntegerField()
    approved_progress = serializers.IntegerField(
        min_value=0, max_value=100, required=False, allow_null=True, default=None
    )


class PortalMotionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Motions as the logged-in user may see them: deputies their own and those they were
    invited to co-sign, units their assignments, staff all but deputies' drafts. Another
    actor's motion answers 404. Writes go through the motion services."""

    serializer_class = PortalMotionSerializer
    permission_classes = [permissions.IsAuthenticated]
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_fields = ["state", "year"]

    def get_queryset(self):
        return queries.portal_list(self.request.user)

    def get_serializer_class(self):
        if self.action == "partial_update":
            return MotionDraftUpdateSerializer
        return super().get_serializer_class()

    def _done(self, motion: Motion) -> Response:
        motion = self.get_queryset().get(pk=motion.pk)
        return Response(PortalMotionSerializer(motion).data)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.create_draft(
            actor=self.request.user,
            session=data["session"],
            title=data["title"],
            reasons=data.get("reasons", ""),
            grounds=data.get("grounds", ""),
            measures=data.get("measures", ""),
            topic=data.get("topic"),
        )

    def perform_update(self, serializer):
        motion = serializer.instance
        data = {
            f: serializer.validated_data.get(f, getattr(motion, f))
            for f in ("title", "reasons", "grounds", "measures", "topic")
        }
        serializer.instance = services.update_draft(motion, actor=self.request.user, **data)

    def _input(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(request=MotionInviteSerializer, responses=PortalMotionSerializer)
    @action(detail=True, methods=["post"])
    def invite(self, request, pk=None):
        motion = self.get_object()
        data = self._input(MotionInviteSerializer)
        services.invite_cosigners(motion, data["deputies"], actor=request.user)
        return self._done(motion)

    @extend_schema(request=MotionAnswerSerializer, responses=PortalMotionSerializer)
    @action(detail=True, methods=["post"])
    def cosign(self, request, pk=None):
        motion = self.get_object()
        data = self._input(MotionAnswerSerializer)
        services.answer_invitation(motion, actor=request.user, accept=data["accept"])
        return self._done(motion)

    @extend_schema(request=None, responses=PortalMotionSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        motion = self.get_object()
        services.submit_motion(motion, actor=request.user)
        return self._done(motion)

    @extend_schema(request=MotionReasonSerializer, responses=PortalMotionSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        motion = self.get_object()
        data = self._input(MotionReasonSerializer)
        services.withdraw_motion(motion, actor=request.user, reason=data["reason"])
        return self._done(motion)

    @extend_schema(request=MotionReviewSerializer, responses=PortalMotionSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        motion = self.get_object()
        data = self._input(MotionReviewSerializer)
        service = {
            "register": services.register_motion,
            "convert": services.convert_to_suggestion,
            "refuse": services.refuse_registration,
        }[data["decision"]]
        service(motion, actor=request.user, reasons=data["reasons"])
        return self._done(motion)

    @extend_schema(request=MotionAssignSerializer, responses=PortalMotionSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        motion = self.get_object()
        data = self._input(MotionAssignSerializer)
        services.assign_motion(
            motion,
            actor=request.user,
            lead_unit=data["lead_unit"],
            co_units=data["co_units"],
            supervising_office=data["supervising_office"],
        )
        return self._done(motion)

    @extend_schema(request=MotionAddUnitSerializer, responses=PortalMotionSerializer)
    @action(detail=True, methods=["post"], url_path="add-unit")
    def add_unit(self, request, pk=None):
        motion = self.get_object()
        data = self._input(MotionAddUnitSerializer)
        services.add_unit(motion, actor=request.user, unit=data["unit"], role=data["role"])
        return self._done(motion)

    @extend_schema(request=MotionAnswerAssignmentSerializer, responses=PortalMotionSerializer)
    @action(detail=True, methods=["post"], url_path="answer-assignment")
    def answer_assignment(self, request, pk=None):
        motion = self.get_object()
        data = self._input(MotionAnswerAssignmentSerializer)
        assignment = Assignment.objects.filter(motion=motion, pk=data["assignment"]).first()
        if assignment is None:
            raise Http404
        services.answer_assignment(
            assignment, actor=request.user, accept=data["accept"], reasons=data["reasons"]
        )
        return self._done(motion)

    @extend_schema(request=MotionReasonSerializer, responses=PortalMotionSerializer)
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        motion = self.get_object()
        data = self._input(MotionReasonSerializer)
        services.advance_phase(motion, actor=request.user, reason=data["reason"])
        return self._done(motion)

    @extend_schema(request=MotionExtendSerializer, responses=PortalMotionSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        motion = self.get_object()
        data = self._input(MotionExtendSerializer)
        services.extend_phase(
            motion, actor=request.user, ends_on=data["ends_on"], reason=data["reason"]
        )
        return self._done(motion)

    @extend_schema(request=MotionReasonSerializer, responses=PortalMotionSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        motion = self.get_object()
        data = self._input(MotionReasonSerializer)
        services.close_motion(motion, actor=request.user, reason=data["reason"])
        return self._done(motion)

    @extend_schema(
        request={"multipart/form-data": MotionPostUpdateSerializer},
        responses={201: PortalUpdateSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="post-update",
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def post_update(self, request, pk=None):
        """Post a progress update; photos and a video are checked by the upload policy."""
        motion = self.get_object()
        data = self._input(MotionPostUpdateSerializer)
        update = services.post_update(
            motion,
            actor=request.user,
            kind=data["kind"],
            title=data["title"],
            text=data["text"],
            happened_on=data["happened_on"],
            proposed_progress=data["proposed_progress"],
            video_url=data["video_url"],
            photos=data["photos"],
            video=data["video"],
            poster=data["poster"],
            publish=data["publish"],
        )
        update = ProgressUpdate.objects.prefetch_related("photos", "videos").get(pk=update.pk)
        return Response(PortalUpdateSerializer(update).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MotionPublishSerializer, responses=PortalUpdateSerializer)
    @action(detail=True, methods=["post"], url_path="publish-update")
    def publish_update(self, request, pk=None):
        motion = self.get_object()
        data = self._input(MotionPublishSerializer)
        update = ProgressUpdate.objects.filter(motion=motion, pk=data["update"]).first()
        if update is None:
            raise Http404
        update = services.publish_update(
            update, actor=request.user, approved_progress=data["approved_progress"]
        )
        return Response(PortalUpdateSerializer(update).data)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def follow(self, request, pk=None):
        services.follow(self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def unfollow(self, request, pk=None):
        services.unfollow(self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


def register(router) -> None:
    router.register("motions", MotionViewSet, basename="motion")
    router.register("motion-updates", MotionUpdateViewSet, basename="motion-update")
    router.register("portal-motions", PortalMotionViewSet, basename="portal-motion")
