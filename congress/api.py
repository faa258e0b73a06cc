"""REST API plumbing shared by every app: pagination, structured errors, permissions, the router."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django_filters import filters as django_filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, pagination, permissions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from congress.access import actor_for
from congress.errors import DomainError

_POSITIVE_INT = re.compile(r"0*[1-9][0-9]*")
_INTEGER = re.compile(r"-?[0-9]+")


def _positive_int_error(raw: str) -> str:
    """DRF's own (translated) message for a query value that is not a whole number from 1."""
    messages = serializers.IntegerField.default_error_messages
    if _INTEGER.fullmatch(raw):  # zero or negative
        return str(messages["min_value"]).format(min_value=1)
    return str(messages["invalid"])


class Pagination(pagination.PageNumberPagination):
    """Pages of 20 (a client may ask for 1 to 100). `page` and `page_size` are whole numbers
    from 1: anything else answers 400 (DRF would ignore a bad `page_size` and read `page=last`);
    a page past the end answers 404."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    last_page_strings = ()

    def paginate_queryset(self, queryset, request, view=None):
        errors = {
            name: [_positive_int_error(request.query_params[name])]
            for name in (self.page_query_param, self.page_size_query_param)
            if name in request.query_params
            and not _POSITIVE_INT.fullmatch(request.query_params[name])
        }
        if errors:
            raise exceptions.ValidationError(errors)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
        return parameters


class FilterBackend(DjangoFilterBackend):
    """django-filter, strict: a declared filter parameter with a malformed value answers 400
    with the structured error below instead of being ignored. django-filter itself refuses bad
    numbers, dates and choices; for booleans it reads anything but true/false/1/0 as "no
    filter": refused here. An empty value stays "no filter", as web forms send it (the browsable
    API's filter form submits every field), and the schema says so (`allowEmptyValue`)."""

    BOOLEAN_VALUES = frozenset({"true", "false", "1", "0"})

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        params = request.query_params
        errors = {}
        for name, f in filterset.filters.items():
            if name not in params or params[name] == "":
                continue
            if (
                isinstance(f, django_filters.BooleanFilter)
                and params[name].lower() not in self.BOOLEAN_VALUES
            ):
                errors[name] = [str(serializers.BooleanField.default_error_messages["invalid"])]
        if not filterset.is_valid():
            errors.update({k: list(v) for k, v in filterset.errors.items()})
        if errors:
            raise exceptions.ValidationError(errors)
        return filterset.qs


class FilterBackendExtension(DjangoFilterExtension):
    """The filters' documentation, as drf-spectacular gives it, plus `allowEmptyValue`."""

    target_class = "congress.api.FilterBackend"
    priority = 1

    def get_schema_operation_parameters(self, auto_schema, *args, **kwargs):
        parameters = super().get_schema_operation_parameters(auto_schema, *args, **kwargs)
        for parameter in parameters:
            if parameter.get("in") == "query":
                parameter["allowEmptyValue"] = True
        return parameters


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(django_filters.NumberFilter):
    """A whole-number filter (an id, a year). django-filter's NumberFilter reads a decimal:
    `?term=10.5` was quietly read as 10 and `?year=1e-77` on a date's year was a 500."""

    field_class = forms.IntegerField


class LocalTimeFieldExtension(OpenApiSerializerFieldExtension):
    """DRF's TimeField answers a wall-clock time ("14:30:00") without an offset, which OpenAPI's
    `format: time` (RFC 3339 full-time) does not allow: documented as a patterned string."""

    target_class = "rest_framework.fields.TimeField"

    def map_serializer_field(self, auto_schema, direction):
        return {
            "type": "string",
            "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
            "example": "14:30:00",
        }


class ObjectLookupMixin:
    """The one object lookup of the API's viewsets: `get_object()` finds the URL's object in
    the viewset's (filtered) queryset as DRF does; `get_object(queryset)` in a narrower scope
    (the entries a recorder may edit, the topics open for rating). Either way an id that is
    not a valid key ("null", "0.8") answers 404 like an unknown one (Django's lookup would
    raise ValueError: a 500), and the object permissions are checked."""

    def get_object(self, queryset=None):
        if queryset is None:
            return super().get_object()
        # DRF's shortcut, imported here: rest_framework.generics imports this module (Pagination).
        from rest_framework.generics import get_object_or_404

        lookup_url_kwarg = self.lookup_url_kwarg or self.lookup_field
        obj = get_object_or_404(queryset, **{self.lookup_field: self.kwargs[lookup_url_kwarg]})
        self.check_object_permissions(self.request, obj)
        return obj


def exception_handler(exc, context):
    """Every error answers `{"error": {"code", "message", "fields"?}}` with a fitting status."""
    if isinstance(exc, DomainError):
        body = {"code": exc.code, "message": str(exc.message)}
        if exc.field:
            body["fields"] = {exc.field: [str(exc.message)]}
        return Response({"error": body}, status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = {
            "error": {
                "code": "invalid",
                "message": _("The input is not valid."),
                "fields": {
                    k: [str(m) for m in (v if isinstance(v, list) else [v])]
                    for k, v in detail.items()
                },
            }
        }
    else:
        code = getattr(exc, "default_code", "error")
        detail = (
            exc.detail
            if isinstance(getattr(exc, "detail", None), str)
            else str(getattr(exc, "detail", exc))
        )
        response.data = {"error": {"code": code, "message": str(detail)}}
    return response


class IsCommitteeStaff(permissions.BasePermission):
    """Committee staff (a staff membership) or superusers."""

    def has_permission(self, request, view) -> bool:
        return actor_for(request.user).is_staff_member


def register(router) -> None:
    """The deadline engine's endpoints (obligations, rules). They live in congress/api_deadlines.py,
    imported here lazily: DRF imports this module for `Pagination` while building viewsets."""
    from congress.api_deadlines import register as register_deadlines

    register_deadlines(router)
