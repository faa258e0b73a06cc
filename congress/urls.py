from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from congress import views

admin.site.site_header = _("Haidian District People's Congress Standing Committee")
admin.site.site_title = _("Standing Committee administration")
admin.site.index_title = _("Administration")

public_patterns = (
    [
        path("", views.home, name="home"),
        path("regulations/", views.regulation_list, name="regulations"),
        path("regulations/<int:pk>/", views.regulation_detail, name="regulation"),
    ],
    "public",
)
portal_patterns = (
    [
        path("", views.dashboard, name="dashboard"),
        path("inbox/", views.inbox, name="inbox"),
        path("inbox/<int:pk>/open/", views.open_notification, name="open_notification"),
    ],
    "portal",
)

urlpatterns = [
    path("", include(public_patterns)),
    path("portal/", include(portal_patterns)),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/", include("congress.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    # Domain apps: each owns its public pages and its portal pages (under /portal/<app>/).
    path("", include("congress.jointmeetings.urls")),
    path("", include("deputies.urls")),
    path("", include("experts.urls")),
    path("", include("motions.urls")),
    path("", include("motions.suggestions.urls")),
    path("", include("evaluations.urls")),
    path("", include("evaluations.reviews.urls")),
]
