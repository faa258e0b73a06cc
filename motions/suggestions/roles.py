"""Model permissions of the suggestion roles (object-level scoping is in queries/views/api)."""

_VIEW = [
    "suggestions.view_suggestion",
    "suggestions.view_assignment",
    "suggestions.view_reply",
    "suggestions.view_rating",
    "suggestions.view_followup",
    "suggestions.view_category",
    "suggestions.view_scoringrules",
    "suggestions.view_bureauvisit",
    "suggestions.view_proposer",
    "suggestions.view_attachment",
    "suggestions.view_contact",
]
# The deputy affairs committee (代表工委) and the general office run the triage.
_MANAGE = [
    *_VIEW,
    "suggestions.change_suggestion",
    "suggestions.change_assignment",
    "suggestions.change_reply",
    "suggestions.add_category",
    "suggestions.change_category",
    "suggestions.add_scoringrules",
    "suggestions.change_scoringrules",
    "suggestions.add_bureauvisit",
    "suggestions.change_bureauvisit",
    "suggestions.add_proposer",
    "suggestions.change_proposer",
    "suggestions.delete_proposer",
    "suggestions.add_attachment",
    "suggestions.change_attachment",
]

PERMISSIONS = {
    "staff_general_office": _MANAGE,
    "staff_deputy_affairs": _MANAGE,
    "staff_special_committee": _VIEW,
    "deputy": ["suggestions.add_suggestion", "suggestions.add_rating"],
    "unit_liaison": ["suggestions.add_contact", "suggestions.add_reply"],
}
