from django.urls import path

from congress.jointmeetings import views

app_name = "jointmeetings"
urlpatterns = [
    # Public: the record book (signed-off entries).
    path("joint-meetings/", views.book, name="book"),
    path("joint-meetings/print/", views.book_print, name="book_print"),
    path("joint-meetings/book.pdf", views.book_pdf, name="book_pdf"),
    path("joint-meetings/book.docx", views.book_docx, name="book_docx"),
    path("joint-meetings/<int:number>/", views.entry, name="entry"),
    path("joint-meetings/<int:number>/v<int:version_number>/", views.version, name="version"),
    path("joint-meetings/photos/<int:pk>/<str:size>/", views.photo, name="photo"),
    # Portal: recorders keep their street's entries; staff oversee.
    path("portal/joint-meetings/", views.portal_list, name="portal_list"),
    path("portal/joint-meetings/new/", views.portal_schedule, name="portal_schedule"),
    path("portal/joint-meetings/<int:pk>/", views.portal_entry, name="portal_entry"),
    path("portal/joint-meetings/<int:pk>/edit/", views.portal_edit, name="portal_edit"),
    path("portal/joint-meetings/<int:pk>/photos/", views.portal_photo_add, name="portal_photo_add"),
    path(
        "portal/joint-meetings/<int:pk>/photos/<int:photo_pk>/delete/",
        views.portal_photo_delete,
        name="portal_photo_delete",
    ),
    path("portal/joint-meetings/<int:pk>/held/", views.portal_mark_held, name="portal_mark_held"),
    path("portal/joint-meetings/<int:pk>/sign-off/", views.portal_sign_off, name="portal_sign_off"),
    path("portal/joint-meetings/<int:pk>/correct/", views.portal_correct, name="portal_correct"),
    path(
        "portal/joint-meetings/<int:pk>/lead/", views.portal_change_lead, name="portal_change_lead"
    ),
]
