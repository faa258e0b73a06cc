"""Permissions of report reviews for the role groups (granted after every migrate)."""

_STAFF = [
    "reviews.view_supervisionplan",
    "reviews.add_supervisionplan",
    "reviews.change_supervisionplan",
    "reviews.view_reviewtopic",
    "reviews.add_reviewtopic",
    "reviews.change_reviewtopic",
    "reviews.view_opinionletter",
    "reviews.change_opinionletter",
    "reviews.view_rating",
]

PERMISSIONS = {
    "staff_general_office": _STAFF
    + ["congress.view_deadlinenotice", "congress.view_sweepheartbeat"],
    "staff_special_committee": _STAFF,
    "staff_deputy_affairs": ["reviews.view_reviewtopic", "reviews.view_rating"],
}
