"""REST API of the expert pool.

- `experts` (public): name, organisation, title, fields. Never contacts.
- `expert-contacts` (staff only): the same with mobile and e-mail.
- `consultations`: staff see all, an expert only those they are invited to; staff invite and
  summarise through actions.
- `expert-invitations`: an expert's own invitations (staff: all); declare and submit actions.
Every write calls experts.services.
"""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from congress.access import actor_for
from congress.api import IsCommitteeStaff
from congress.privacy import PersonalDataAPIMixin
from experts import queries, services
from experts.models import Consultation, Expert, ExpertiseField, Invitation


class FieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExpertiseField
        fields = ["id", "name"]


class PublicExpertSerializer(serializers.ModelSerializer):
    """What the public may know about an expert: no contacts."""

    fields = FieldSerializer(many=True, read_only=True)

    class Meta:
        model = Expert
        fields = ["id", "name", "organisation", "title", "fields"]


class StaffExpertSerializer(PublicExpertSerializer):
    class Meta:
        model = Expert
        fields = [
            *PublicExpertSerializer.Meta.fields,
            "status",
            "appointed_on",
            "appointment_ends_on",
            "mobile",
            "email",
        ]


class ExpertFilter(filters.FilterSet):
    field = filters.ModelChoiceFilter(field_name="fields", queryset=ExpertiseField.objects.all())

    class Meta:
        model = Expert
        fields = ["field"]


class ExpertiseFieldViewSet(viewsets.ReadOnlyModelViewSet):
    """The fields of expertise (taxonomy)."""

    queryset = ExpertiseField.objects.order_by("sort_order", "name")
    serializer_class = FieldSerializer
    permission_classes = [permissions.AllowAny]


class PublicExpertViewSet(viewsets.ReadOnlyModelViewSet):
    """Appointed experts, filterable by field. Public; no contacts."""

    serializer_class = PublicExpertSerializer
    permission_classes = [permissions.AllowAny]
    filterset_class = ExpertFilter

    def get_queryset(self):
        return queries.public_experts()


class StaffExpertViewSet(PersonalDataAPIMixin, viewsets.ReadOnlyModelViewSet):
    """All experts with their contacts: committee staff only."""

    serializer_class = StaffExpertSerializer
    permission_classes = [IsCommitteeStaff]
    filterset_class = ExpertFilter

    def get_queryset(self):
        return Expert.objects.prefetch_related("fields").order_by("name", "id")


class InvitationSerializer(serializers.ModelSerializer):
    expert_name = serializers.CharField(source="expert.name", read_only=True)
    consultation_title = serializers.CharField(source="consultation.title", read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "consultation",
            "consultation_title",
            "expert",
            "expert_name",
            "state",
            "opinion_due",
            "conflict_details",
            "opinion",
            "submitted_at",
        ]
        read_only_fields = fields


class ConsultationSerializer(serializers.ModelSerializer):
    fields = FieldSerializer(many=True, read_only=True)
    office_name = serializers.CharField(source="office.name", read_only=True)

    class Meta:
        model = Consultation
        fields = [
            "id",
            "title",
            "subject_kind",
            "subject_reference",
            "question",
            "fields",
            "office",
            "office_name",
            "opinion_due",
            "due_date",
            "state",
            "summary",
        ]
        read_only_fields = fields


class InviteSerializer(serializers.Serializer):
    experts = serializers.PrimaryKeyRelatedField(many=True, queryset=Expert.objects.all())


class SummarySerializer(serializers.Serializer):
    summary = serializers.CharField()


class DeclarationSerializer(serializers.Serializer):
    has_conflict = serializers.BooleanField()
    conflict_details = serializers.CharField(required=False, allow_blank=True, default="")


class OpinionSerializer(serializers.Serializer):
    opinion = serializers.CharField()


class ConsultationViewSet(viewsets.ReadOnlyModelViewSet):
    """Consultations: staff see all; an expert sees only those they are invited to."""

    serializer_class = ConsultationSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return queries.consultations_for(self.request.user).prefetch_related("fields")

    def _staff_object(self, request):
        if not actor_for(request.user).is_staff_member:
            self.permission_denied(request)
        return self.get_object()

    # pagination_class=None: these actions answer a plain list, and the schema must say so
    # (Schemathesis: "[] is not of type object" against a paginated schema).
    @extend_schema(request=InviteSerializer, responses=InvitationSerializer(many=True))
    @action(detail=True, methods=["post"], pagination_class=None)
    def invite(self, request, pk=None):
        consultation = self._staff_object(request)
        data = InviteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        created = services.invite(consultation, data.validated_data["experts"], actor=request.user)
        return Response(InvitationSerializer(created, many=True).data)

    @extend_schema(request=None, responses=PublicExpertSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def suggestions(self, request, pk=None):
        """Appointed experts in the fields wanted, fewest open consultations first."""
        consultation = self._staff_object(request)
        experts = queries.suggest_experts(consultation.fields.all(), exclude=consultation)
        return Response(PublicExpertSerializer(experts, many=True).data)

    @extend_schema(request=SummarySerializer, responses=ConsultationSerializer)
    @action(detail=True, methods=["post"])
    def summarise(self, request, pk=None):
        consultation = self._staff_object(request)
        data = SummarySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.summarise(consultation, actor=request.user, summary=data.validated_data["summary"])
        return Response(ConsultationSerializer(self.get_queryset().get(pk=consultation.pk)).data)


class InvitationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """An expert's own invitations (staff: all)."""

    serializer_class = InvitationSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return queries.invitations_for(self.request.user).order_by("opinion_due", "id")

    @extend_schema(request=DeclarationSerializer, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def declare(self, request, pk=None):
        inv = self.get_object()
        data = DeclarationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        inv = services.declare_conflict(
            inv,
            actor=request.user,
            has_conflict=data.validated_data["has_conflict"],
            details=data.validated_data["conflict_details"],
        )
        return Response(InvitationSerializer(inv).data)

    @extend_schema(request=OpinionSerializer, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def opinion(self, request, pk=None):
        inv = self.get_object()
        data = OpinionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        inv = services.submit_opinion(
            inv, actor=request.user, opinion=data.validated_data["opinion"]
        )
        return Response(InvitationSerializer(inv).data)


def register(router) -> None:
    router.register("expertise-fields", ExpertiseFieldViewSet, basename="expertise-field")
    router.register("experts", PublicExpertViewSet, basename="expert")
    router.register("expert-contacts", StaffExpertViewSet, basename="expert-contact")
    router.register("consultations", ConsultationViewSet, basename="consultation")
    router.register("expert-invitations", InvitationViewSet, basename="expert-invitation")
