from django.urls import path

from deputies import views

app_name = "deputies"
urlpatterns = [
    # Public
    path("deputies/", views.deputy_list, name="deputy_list"),
    path("deputies/<int:pk>/", views.deputy_detail, name="deputy"),
    path("deputies/stations/", views.station_list, name="station_list"),
    path("deputies/stations/<int:pk>/", views.station_detail, name="station"),
    path("deputies/stations/<int:pk>/calendar.ics", views.station_ical, name="station_ical"),
    path("deputies/reception-days/", views.reception_calendar, name="reception_calendar"),
    # Portal
    path("portal/deputies/", views.portal_home, name="portal_home"),
    path("portal/deputies/opinions/", views.opinion_list, name="opinion_list"),
    path("portal/deputies/opinions/new/", views.opinion_create, name="opinion_create"),
    path("portal/deputies/opinions/<int:pk>/", views.opinion_detail, name="opinion"),
    path(
        "portal/deputies/opinions/<int:pk>/<slug:action>/",
        views.opinion_action,
        name="opinion_action",
    ),
    path(
        "portal/deputies/reception-days/<int:pk>/confirm/",
        views.reception_confirm,
        name="reception_confirm",
    ),
    path("portal/deputies/record/", views.duty_record, name="duty_record"),
    path("portal/deputies/record/new/", views.duty_add, name="duty_add"),
    path("portal/deputies/record/<int:pk>/delete/", views.duty_delete, name="duty_delete"),
    path("portal/deputies/record/<int:year>/summary/", views.duty_summary, name="duty_summary"),
    path("portal/deputies/training/", views.training_list, name="training_list"),
    path("portal/deputies/training/<int:pk>/", views.training_detail, name="training"),
    path("portal/deputies/roster/import/", views.roster_import, name="roster_import"),
    path("portal/deputies/roster/import/<int:pk>/", views.roster_preview, name="roster_preview"),
    path("portal/deputies/roster/export.xlsx", views.roster_export, name="roster_export"),
    path("portal/deputies/statistics/", views.statistics, name="statistics"),
]
