"""Permissions of the expert pool's roles. Staff edit the taxonomy and profiles in the admin."""

_VIEW = [
    "experts.view_expertisefield",
    "experts.view_expert",
    "experts.view_appointmentterm",
    "experts.view_consultation",
    "experts.view_invitation",
]
_MANAGE = [
    *_VIEW,
    "experts.add_expertisefield",
    "experts.change_expertisefield",
    "experts.delete_expertisefield",
    "experts.add_expert",
    "experts.change_expert",
    "experts.add_appointmentterm",
    "experts.change_consultation",
]

PERMISSIONS = {
    "staff_general_office": _MANAGE,
    "staff_deputy_affairs": _VIEW,
    "staff_special_committee": [*_VIEW, "experts.change_consultation"],
}
