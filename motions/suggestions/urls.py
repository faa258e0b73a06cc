from django.urls import path

from motions.suggestions import files, views

app_name = "suggestions"
urlpatterns = [
    # Public
    path("suggestions/", views.public_stats, name="public_stats"),
    path("suggestions/published/", views.public_list, name="public_list"),
    path("suggestions/published/<int:pk>/", views.public_detail, name="public_detail"),
    # Deputy portal
    path("portal/suggestions/", views.portal_list, name="portal_list"),
    path("portal/suggestions/new/", views.portal_new, name="portal_new"),
    path("portal/suggestions/<int:pk>/", views.portal_detail, name="portal_detail"),
    path("portal/suggestions/<int:pk>/withdraw/", views.portal_withdraw, name="portal_withdraw"),
    path("portal/suggestions/replies/<int:reply_pk>/rate/", views.portal_rate, name="portal_rate"),
    # Files (private storage; permission-checked downloads)
    path("portal/suggestions/files/<str:kind>/<int:pk>/", files.download, name="file"),
    # Unit portal
    path("portal/suggestions/assignments/", views.unit_list, name="unit_list"),
    path("portal/suggestions/assignments/<int:pk>/", views.unit_detail, name="unit_detail"),
    path(
        "portal/suggestions/assignments/<int:pk>/contact/", views.unit_contact, name="unit_contact"
    ),
    path("portal/suggestions/assignments/<int:pk>/reply/", views.unit_reply, name="unit_reply"),
    path("portal/suggestions/assignments/<int:pk>/return/", views.unit_return, name="unit_return"),
    path(
        "portal/suggestions/follow-ups/<int:pk>/report/", views.unit_followup, name="unit_followup"
    ),
    # Staff
    path("portal/suggestions/scores/", views.staff_scores, name="staff_scores"),
    path("portal/suggestions/scores.xlsx", views.staff_scores_xlsx, name="staff_scores_xlsx"),
]
