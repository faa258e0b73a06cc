"""REST API of the record book: published entries for everyone; all entries for staff and
recorders; the lead street's recorder writes, staff sign off, through the same services."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from congress.access import actor_for
from congress.api import ObjectLookupMixin
from congress.jointmeetings import queries, services
from congress.jointmeetings.models import JointMeeting, JointMeetingPhoto


class PhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = JointMeetingPhoto
        fields = ["id", "caption", "width", "height", "url", "thumbnail_url"]

    def get_url(self, obj) -> str:
        return reverse("jointmeetings:photo", args=[obj.pk, "full"])

    def get_thumbnail_url(self, obj) -> str:
        return reverse("jointmeetings:photo", args=[obj.pk, "thumb"])


class JointMeetingSerializer(serializers.ModelSerializer):
    lead_street = serializers.CharField(source="lead.street.__str__", read_only=True)
    photos = PhotoSerializer(many=True, read_only=True)

    class Meta:
        model = JointMeeting
        fields = [
            "id",
            "number",
            "date",
            "lead_street",
            "form",
            "topic",
            "place",
            "attendance",
            "notice",
            "agenda",
            "information",
            "state",
            "version",
            "corrected_at",
            "correction_reason",
            "photos",
        ]
        read_only_fields = fields


class EntryUpdateSerializer(serializers.Serializer):
    place = serializers.CharField(required=False, allow_blank=True, max_length=200)
    attendance = serializers.CharField(required=False, allow_blank=True)
    notice = serializers.CharField(required=False, allow_blank=True)
    agenda = serializers.CharField(required=False, allow_blank=True)
    information = serializers.CharField(required=False, allow_blank=True)


class JointMeetingViewSet(
    ObjectLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Joint meetings. Anonymous visitors see signed-off entries only."""

    serializer_class = JointMeetingSerializer
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):
        actor = actor_for(self.request.user)
        if actor.is_staff_member or actor.is_recorder:
            return (
                queries.portal_entries(self.request.user)
                .prefetch_related("photos")
                .order_by("date", "number")
            )
        return queries.published_entries()

    @extend_schema(request=EntryUpdateSerializer, responses=JointMeetingSerializer)
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def entry(self, request, pk=None):
        """The lead street's recorder writes the entry (404 for anybody else)."""
        meeting = self.get_object(queries.editable_entries(request.user))
        data = EntryUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.update_entry(meeting, actor=request.user, **data.validated_data)
        return Response(JointMeetingSerializer(self.get_object()).data)

    @extend_schema(request=None, responses=JointMeetingSerializer)
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request, pk=None):
        """Staff sign the entry off (locked, published, version 1)."""
        if not actor_for(request.user).is_staff_member:
            self.permission_denied(request)
        meeting = self.get_object()
        services.sign_off(meeting, actor=request.user)
        return Response(JointMeetingSerializer(self.get_object()).data)


def register(router) -> None:
    router.register("joint-meetings", JointMeetingViewSet, basename="joint-meeting")
