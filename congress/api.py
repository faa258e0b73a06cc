"""REST API plumbing shared by every app: pagination, structured errors, permissions, the router."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination, permissions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from congress.access import actor_for
from congress.errors import DomainError


class Pagination(pagination.PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


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
