"""Permissions of the record book's roles (admin access is for staff; recorders use the portal)."""

_VIEW = [
    "jointmeetings.view_jointmeeting",
    "jointmeetings.view_entryversion",
    "jointmeetings.view_leadchange",
    "jointmeetings.view_jointmeetingphoto",
]
_MANAGE = [
    *_VIEW,
    "jointmeetings.add_jointmeeting",
    "jointmeetings.change_jointmeeting",
]

PERMISSIONS = {
    "staff_general_office": _MANAGE,
    "staff_deputy_affairs": _MANAGE,
    "staff_special_committee": _VIEW,
    "street_recorder": ["jointmeetings.view_jointmeeting"],
}
