from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from congress import views, views_deadlines, views_mfa
from congress.security import ThrottledAdminAuthenticationForm

admin.site.site_header = _("Haidian District People's Congress Standing Committee")
admin.site.site_title = _("Standing Committee administration")
admin.site.index_title = _("Administration")
admin.site.login_form = ThrottledAdminAuthenticationForm
API_DOCS_CSP = {
    "style-src": [UNSAFE_INLINE],
    "img-src": ["data:"],
    "worker-src": ["'self'", "blob:"],
}

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
        # The deadline engine: reports owed (units), one obligation and its actions, staff dashboard.
        path("obligations/", views_deadlines.obligation_list, name="obligations"),
        path("obligations/<int:pk>/", views_deadlines.obligation_detail, name="obligation"),
        path("obligations/<int:pk>/submit/", views_deadlines.submit, name="obligation_submit"),
        path(
            "obligations/<int:pk>/extension/",
            views_deadlines.request_extension,
            name="obligation_extension",
        ),
        path(
            "obligations/<int:pk>/extension/withdraw/",
            views_deadlines.withdraw_extension,
            name="obligation_extension_withdraw",
        ),
        path(
            "obligations/<int:pk>/extension/<int:request_pk>/decide/",
            views_deadlines.decide_extension,
            name="obligation_extension_decide",
        ),
        path("obligations/<int:pk>/accept/", views_deadlines.accept, name="obligation_accept"),
        path(
            "obligations/<int:pk>/return/", views_deadlines.return_report, name="obligation_return"
        ),
        path("obligations/<int:pk>/urge/", views_deadlines.urge, name="obligation_urge"),
        path(
            "obligations/<int:pk>/documents/<int:document_pk>/",
            views_deadlines.document,
            name="obligation_document",
        ),
        path("deadlines/", views_deadlines.staff_dashboard, name="deadlines"),
        path("deadlines/export.xlsx", views_deadlines.export_xlsx, name="deadlines_export"),
    ],
    "portal",
)

urlpatterns = [
    path("", include(public_patterns)),
    path("portal/", include(portal_patterns)),
    path("healthz", views.healthz, name="healthz"),
    # CSRF-exempt: a forged request can only change the visitor's language, and without a token
    # the public pages are the same for every visitor (congress/caching.py serves them early).
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    # Password, then the second factor (congress/mfa.py) for staff and whoever turned it on.
    path("accounts/login/", views_mfa.LoginView.as_view(), name="login"),
    path("accounts/mfa/", views_mfa.setup, name="mfa_setup"),
    path("accounts/mfa/verify/", views_mfa.verify, name="mfa_verify"),
    path("accounts/mfa/qr.svg", views_mfa.qr_code, name="mfa_qr"),
    path("accounts/mfa/backup-codes/", views_mfa.backup_codes, name="mfa_backup_codes"),
    path("accounts/mfa/disable/", views_mfa.disable, name="mfa_disable"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/", include("congress.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # API documentation under the Content Security Policy: Swagger UI's start script is a separate
    # file (split view); both UIs set inline styles and use data:/blob: images and workers, allowed
    # on these two pages only. No inline script anywhere.
    path(
        "api/docs/",
        csp_update(API_DOCS_CSP)(SpectacularSwaggerSplitView.as_view(url_name="schema")),
        name="api-docs",
    ),
    path(
        "api/redoc/",
        csp_update(API_DOCS_CSP)(SpectacularRedocView.as_view(url_name="schema")),
        name="api-redoc",
    ),
    # Domain apps: each owns its public pages and its portal pages (under /portal/<app>/).
    path("", include("congress.jointmeetings.urls")),
    path("", include("deputies.urls")),
    path("", include("experts.urls")),
    path("", include("motions.urls")),
    path("", include("motions.suggestions.urls")),
    path("", include("evaluations.urls")),
    path("", include("evaluations.reviews.urls")),
]
