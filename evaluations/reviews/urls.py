from django.urls import path

from evaluations.reviews import views

app_name = "reviews"
urlpatterns = [
    # Public: published results (结果公开) and issued letters of published topics.
    path("reviews/", views.public_list, name="public_list"),
    path("reviews/<int:pk>/", views.public_detail, name="public_detail"),
    path("reviews/<int:pk>/letter/", views.letter_html, name="letter"),
    path("reviews/<int:pk>/letter.docx", views.letter_docx, name="letter_docx"),
    path("reviews/<int:pk>/letter.pdf", views.letter_pdf, name="letter_pdf"),
    # Portal: staff run the loop; committee members rate; agencies follow their topics.
    path("portal/reviews/", views.portal_list, name="portal_list"),
    path("portal/reviews/<int:pk>/", views.portal_detail, name="portal_detail"),
    path("portal/reviews/<int:pk>/request-report/", views.request_report, name="request_report"),
    path("portal/reviews/<int:pk>/review/", views.record_review, name="record_review"),
    path("portal/reviews/<int:pk>/letter/", views.save_letter, name="save_letter"),
    path("portal/reviews/<int:pk>/issue/", views.issue_letter, name="issue_letter"),
    path("portal/reviews/<int:pk>/rate/", views.rate, name="rate"),
    path("portal/reviews/<int:pk>/close-rating/", views.close_rating, name="close_rating"),
    path("portal/reviews/<int:pk>/publish/", views.publish, name="publish"),
    path("portal/reviews/<int:pk>/unpublish/", views.unpublish, name="unpublish"),
]
