from django.urls import path

from evaluations import views

app_name = "evaluations"
urlpatterns = [
    path("evaluations/", views.public_results, name="public_results"),
    path("evaluations/coverage/", views.public_coverage, name="public_coverage"),
    path("evaluations/items/<int:pk>/", views.public_item, name="public_item"),
    path("evaluations/items/<int:pk>/opinion/", views.public_opinion, name="public_opinion"),
    path("portal/evaluations/", views.portal_items, name="portal_items"),
    path("portal/evaluations/ballots/", views.portal_ballots, name="portal_ballots"),
    path("portal/evaluations/ballots/<int:pk>/cast/", views.portal_cast, name="portal_cast"),
    path("portal/evaluations/coverage/", views.portal_coverage, name="portal_coverage"),
    path("portal/evaluations/items/<int:pk>/", views.portal_item, name="portal_item"),
]
