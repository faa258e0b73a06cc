"""Permissions of department evaluations per role group (granted after migrate).

The general office and the special committees run evaluations (campaigns, items, ballot control);
the deputy affairs committee reads them. Deputies, unit liaisons and the public use the portal and
public pages, which check object-level access themselves.
"""

_RUN = [
    "evaluations.view_campaign",
    "evaluations.add_campaign",
    "evaluations.change_campaign",
    "evaluations.view_phase",
    "evaluations.add_phase",
    "evaluations.change_phase",
    "evaluations.delete_phase",
    "evaluations.view_item",
    "evaluations.add_item",
    "evaluations.change_item",
    "evaluations.view_inspection",
    "evaluations.add_inspection",
    "evaluations.change_inspection",
    "evaluations.view_opinion",
    "evaluations.add_opinion",
    "evaluations.change_opinion",
    "evaluations.view_vote",
    "evaluations.add_vote",
    "evaluations.change_vote",
    "evaluations.control_vote",
    "evaluations.view_participation",
    "evaluations.view_tally",
    "evaluations.view_coveragerecord",
    "evaluations.add_coveragerecord",
    "evaluations.change_coveragerecord",
]

PERMISSIONS = {
    "staff_general_office": _RUN,
    "staff_special_committee": _RUN,
    "staff_deputy_affairs": [
        "evaluations.view_campaign",
        "evaluations.view_phase",
        "evaluations.view_item",
        "evaluations.view_inspection",
        "evaluations.view_vote",
        "evaluations.view_participation",
        "evaluations.view_coveragerecord",
    ],
}
