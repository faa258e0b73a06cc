"""URLs of the load benchmark (bench/settings.py only): a trivial view, then the whole project."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_GET


@require_GET
def trivial(request):
    """The framework's floor: no database, no template, no cache; full middleware stack."""
    return HttpResponse(b"ok\n", content_type="text/plain; charset=utf-8")


urlpatterns = [
    path("bench/trivial/", trivial, name="bench_trivial"),
    path("", include("congress.urls")),
]
