from django.urls import path

from experts import views

app_name = "experts"
urlpatterns = [
    path("experts/", views.public_list, name="public_list"),
    path("portal/experts/", views.portal_list, name="portal_list"),
    path("portal/experts/invitations/<int:pk>/", views.invitation, name="invitation"),
    path(
        "portal/experts/invitations/<int:pk>/declare/",
        views.invitation_declare,
        name="invitation_declare",
    ),
    path(
        "portal/experts/invitations/<int:pk>/opinion/",
        views.invitation_opinion,
        name="invitation_opinion",
    ),
    path(
        "portal/experts/invitations/<int:pk>/decline/",
        views.invitation_decline,
        name="invitation_decline",
    ),
    path("portal/experts/consultations/new/", views.consultation_new, name="consultation_new"),
    path("portal/experts/consultations/<int:pk>/", views.consultation, name="consultation"),
    path(
        "portal/experts/consultations/<int:pk>/invite/",
        views.consultation_invite,
        name="consultation_invite",
    ),
    path(
        "portal/experts/consultations/<int:pk>/summary/",
        views.consultation_summarise,
        name="consultation_summarise",
    ),
    path(
        "portal/experts/consultations/<int:pk>/cancel/",
        views.consultation_cancel,
        name="consultation_cancel",
    ),
    path("portal/experts/review/", views.yearly_review, name="yearly_review"),
    path("portal/experts/<int:pk>/record/", views.expert_record, name="expert_record"),
]
