"""The deadline engine's REST endpoints: obligations (scoped by role, with the actions) and rules."""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from congress import deadlines
from congress.access import actor_for
from congress.api import IsCommitteeStaff
from congress.models import (
    DeadlineRule,
    ExtensionRequest,
    ExtensionState,
    Meeting,
    MeetingKind,
    Obligation,
    ObligationDocument,
    ObligationState,
)
from congress.uploads import validate_document


def inline_enum(choices):
    """A read-only choice documented as a string listing its values: several apps have a field
    named `state`, and drf-spectacular's enum components would collide."""

    @extend_schema_field(OpenApiTypes.STR)
    class StateField(serializers.ChoiceField):
        pass

    help_text = "One of: " + ", ".join(str(value) for value, _label in choices)
    return StateField(choices=choices, read_only=True, help_text=help_text)


class ObligationUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ObligationDocumentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ObligationDocument
        fields = ["id", "title", "text", "submitted_at", "download_url"]

    def get_download_url(self, doc) -> str | None:
        if not doc.file:
            return None
        from django.urls import reverse

        return reverse("portal:obligation_document", args=[doc.obligation_id, doc.pk])


class ExtensionRequestSerializer(serializers.ModelSerializer):
    state = inline_enum(ExtensionState.choices)

    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "requested_at",
            "reason",
            "requested_due_date",
            "state",
            "decided_at",
            "meeting",
            "approved_due_date",
            "decision_note",
        ]


class ObligationSerializer(serializers.ModelSerializer):
    unit = ObligationUnitSerializer(read_only=True)
    kind_label = serializers.SerializerMethodField()
    # Null for an obligation with an explicit due date and no rule: documented as nullable
    # (Schemathesis found null where the schema said "string").
    rule = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    has_pending_extension = serializers.BooleanField(read_only=True)
    state = inline_enum(ObligationState.choices)

    class Meta:
        model = Obligation
        fields = [
            "id",
            "unit",
            "kind",
            "kind_label",
            "title",
            "rule",
            "starts_on",
            "due_date",
            "original_due_date",
            "state",
            "submitted_at",
            "accepted_at",
            "overdue_since",
            "has_pending_extension",
        ]

    def get_kind_label(self, ob) -> str:
        return deadlines.kind_label(ob.kind)


class ObligationDetailSerializer(ObligationSerializer):
    documents = ObligationDocumentSerializer(many=True, read_only=True)
    extension_requests = ExtensionRequestSerializer(many=True, read_only=True)

    class Meta(ObligationSerializer.Meta):
        fields = [*ObligationSerializer.Meta.fields, "documents", "extension_requests"]


class ObligationSubmitSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    text = serializers.CharField(required=False, allow_blank=True, default="")
    file = serializers.FileField(required=False, validators=[validate_document])


class ObligationExtensionInputSerializer(serializers.Serializer):
    requested_due_date = serializers.DateField()
    reason = serializers.CharField(max_length=4000)


class ObligationNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ObligationReturnSerializer(serializers.Serializer):
    reason = serializers.CharField()
    new_due_date = serializers.DateField(required=False, allow_null=True, default=None)


class ObligationDecideExtensionSerializer(serializers.Serializer):
    request = serializers.IntegerField(help_text="The extension request's id.")
    approve = serializers.BooleanField()
    new_due_date = serializers.DateField(required=False, allow_null=True, default=None)
    meeting = serializers.PrimaryKeyRelatedField(
        queryset=Meeting.objects.filter(kind=MeetingKind.CHAIRPERSONS),
        required=False,
        allow_null=True,
        default=None,
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ObligationFilter(filters.FilterSet):
    due_after = filters.DateFilter(field_name="due_date", lookup_expr="gte")
    due_before = filters.DateFilter(field_name="due_date", lookup_expr="lte")
    state = filters.MultipleChoiceFilter(choices=ObligationState.choices)

    class Meta:
        model = Obligation
        fields = ["unit", "kind", "state", "due_after", "due_before"]


class ObligationViewSet(viewsets.ReadOnlyModelViewSet):
    """Obligations: a unit liaison sees its unit's, staff see all. Liaisons submit and ask for
    extensions; staff accept, return, urge and record extension decisions."""

    filterset_class = ObligationFilter
    ordering_fields = ["due_date", "id", "state"]
    ordering = ["due_date", "id"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        qs = deadlines.with_pending_extension(deadlines.visible_obligations(self.request.user))
        if self.action != "list":
            qs = qs.prefetch_related("documents", "extension_requests")
        return qs

    def get_serializer_class(self):
        return ObligationSerializer if self.action == "list" else ObligationDetailSerializer

    def _for_unit(self) -> Obligation:
        ob = self.get_object()
        if ob.unit_id not in actor_for(self.request.user).liaison_unit_ids:
            raise exceptions.PermissionDenied()
        return ob

    def _for_staff(self) -> Obligation:
        if not actor_for(self.request.user).is_staff_member:
            raise exceptions.NotFound()
        return self.get_object()

    def _answer(self, ob: Obligation, status: int = 200) -> Response:
        fresh = self.get_queryset().get(pk=ob.pk)
        return Response(ObligationDetailSerializer(fresh).data, status=status)

    @extend_schema(request=ObligationSubmitSerializer, responses=ObligationDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        ob = self._for_unit()
        data = ObligationSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        deadlines.ensure_generic_submission(ob)
        deadlines.submit_report(
            ob, actor=request.user, title=d["title"], text=d["text"], file=d.get("file")
        )
        return self._answer(ob)

    @extend_schema(request=ObligationExtensionInputSerializer, responses=ObligationDetailSerializer)
    @action(detail=True, methods=["post"], url_path="request-extension")
    def request_extension(self, request, pk=None):
        ob = self._for_unit()
        data = ObligationExtensionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        deadlines.request_extension(ob, actor=request.user, **data.validated_data)
        return self._answer(ob, 201)

    @extend_schema(request=ObligationNoteSerializer, responses=ObligationDetailSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        ob = self._for_staff()
        data = ObligationNoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        deadlines.accept_report(ob, actor=request.user, note=data.validated_data["note"])
        return self._answer(ob)

    @extend_schema(request=ObligationReturnSerializer, responses=ObligationDetailSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_report(self, request, pk=None):
        ob = self._for_staff()
        data = ObligationReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        deadlines.return_report(ob, actor=request.user, **data.validated_data)
        return self._answer(ob)

    @extend_schema(request=ObligationNoteSerializer, responses=ObligationDetailSerializer)
    @action(detail=True, methods=["post"])
    def urge(self, request, pk=None):
        ob = self._for_staff()
        data = ObligationNoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        deadlines.urge_obligation(ob, actor=request.user, note=data.validated_data["note"])
        return self._answer(ob, 201)

    @extend_schema(
        request=ObligationDecideExtensionSerializer, responses=ObligationDetailSerializer
    )
    @action(detail=True, methods=["post"], url_path="decide-extension")
    def decide_extension(self, request, pk=None):
        ob = self._for_staff()
        data = ObligationDecideExtensionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        try:
            req = ob.extension_requests.get(pk=d["request"], state=ExtensionState.PENDING)
        except ExtensionRequest.DoesNotExist:
            raise exceptions.NotFound()
        deadlines.decide_extension(
            req,
            actor=request.user,
            approve=d["approve"],
            new_due_date=d["new_due_date"],
            meeting=d["meeting"],
            note=d["note"],
        )
        return self._answer(ob)


class DeadlineRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeadlineRule
        fields = ["code", "name", "amount", "limit_unit", "anchor", "source", "is_active"]


class DeadlineRuleViewSet(viewsets.ReadOnlyModelViewSet):
    """The default time limits (staff edit them in the admin), each with its source."""

    queryset = DeadlineRule.objects.all()
    serializer_class = DeadlineRuleSerializer
    permission_classes = [IsCommitteeStaff]
    lookup_field = "code"
    filterset_fields = ["limit_unit", "is_active"]


def register(router) -> None:
    router.register("obligations", ObligationViewSet, basename="obligation")
    router.register("deadline-rules", DeadlineRuleViewSet, basename="deadline-rule")
