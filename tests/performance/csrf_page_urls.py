"""A URLconf for the page cache's tests: the project's URLs plus one cached public page that
carries a form posting data (so a CSRF token per visitor), which no public page has today."""

from __future__ import annotations

from django.http import HttpResponse
from django.template import engines
from django.urls import include, path
from django.views.decorators.http import require_GET

from congress.caching import cache_public_page

FORM = engines["django"].from_string(
    '<form method="post" action="/i18n/setlang/">{% csrf_token %}'
    '<input name="language" value="en"><button>OK</button></form>'
)


@cache_public_page("motions.Motion")
@require_GET
def form_page(request):
    return HttpResponse(FORM.render({}, request))


urlpatterns = [
    path("cache-test/form/", form_page, name="cache_test_form"),
    path("", include("congress.urls")),
]
