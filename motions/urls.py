"""Public progress pages under /motions/, the portal under /portal/motions/."""

from django.urls import path

from motions import feeds
from motions.views import files, portal, public, reports

app_name = "motions"

urlpatterns = [
    # Public (云视察): share-friendly addresses by year and registration number.
    path("motions/", public.public_list, name="public_list"),
    path("motions/feed/", feeds.LatestUpdatesFeed(), name="feed"),
    path("motions/<int:year>/<int:number>/", public.public_detail, name="public_detail"),
    path("motions/<int:year>/<int:number>/feed/", feeds.MotionUpdatesFeed(), name="motion_feed"),
    path("motions/files/<str:kind>/<int:pk>/", files.update_file, name="update_file"),
    # Portal.
    path("portal/motions/", portal.portal_list, name="portal_list"),
    path("portal/motions/new/", portal.create, name="create"),
    path("portal/motions/new-body-motion/", portal.body_motion, name="body_motion"),
    path("portal/motions/<int:pk>/", portal.portal_detail, name="portal_detail"),
    path("portal/motions/<int:pk>/edit/", portal.edit, name="edit"),
    path("portal/motions/<int:pk>/invite/", portal.invite, name="invite"),
    path("portal/motions/<int:pk>/cosign/", portal.answer_invitation, name="cosign"),
    path("portal/motions/<int:pk>/submit/", portal.submit, name="submit"),
    path("portal/motions/<int:pk>/withdraw/", portal.withdraw, name="withdraw"),
    path("portal/motions/<int:pk>/attach/", portal.attach, name="attach"),
    path("portal/motions/attachments/<int:pk>/", files.attachment_file, name="attachment"),
    path("portal/motions/<int:pk>/review/", portal.review, name="review"),
    path("portal/motions/<int:pk>/assign/", portal.assign, name="assign"),
    path("portal/motions/<int:pk>/add-unit/", portal.add_unit, name="add_unit"),
    path(
        "portal/motions/<int:pk>/assignments/<int:assignment_id>/",
        portal.answer_assignment,
        name="answer_assignment",
    ),
    path("portal/motions/<int:pk>/phase/", portal.phase, name="phase"),
    path("portal/motions/<int:pk>/updates/new/", portal.post_update, name="post_update"),
    path(
        "portal/motions/<int:pk>/updates/<int:update_id>/publish/",
        portal.publish_update,
        name="publish_update",
    ),
    path(
        "portal/motions/<int:pk>/updates/<int:update_id>/unpublish/",
        portal.unpublish_update,
        name="unpublish_update",
    ),
    path(
        "portal/motions/<int:pk>/updates/<int:update_id>/comment/",
        portal.comment,
        name="comment",
    ),
    path("portal/motions/<int:pk>/follow/", portal.follow, name="follow"),
    # Staff: the yearly report to the congress session.
    path("portal/motions/reports/", reports.report_list, name="report_list"),
    path("portal/motions/reports/prepare/", reports.report_prepare, name="report_prepare"),
    path("portal/motions/reports/<int:pk>/", reports.report_detail, name="report_detail"),
    path(
        "portal/motions/reports/<int:pk>/generate/",
        reports.report_generate,
        name="report_generate",
    ),
    path("portal/motions/reports/<int:pk>/submit/", reports.report_submit, name="report_submit"),
    path("portal/motions/reports/<int:pk>/report.docx", reports.report_docx, name="report_docx"),
    path("portal/motions/reports/<int:pk>/report.pdf", reports.report_pdf, name="report_pdf"),
]
