"""Model permissions of the roles (granted after every migrate, see congress/roles.py).

Deputies get no model permissions: what a deputy may see or do (their stations' opinions, their
own duty record) is an object-level check in deputies/queries.py.
"""

_ALL = [
    f"deputies.{action}_{model}"
    for model in (
        "deputy",
        "mandate",
        "deputygroup",
        "station",
        "receptionday",
        "voteropinion",
        "dutyrecord",
        "trainingmaterial",
        "trainingcompletion",
    )
    for action in ("view", "add", "change")
]

PERMISSIONS = {
    # 代表工委 runs the registry, stations, schedules and opinions; sees voters' contacts.
    "staff_deputy_affairs": [
        *_ALL,
        "deputies.delete_receptionday",
        "deputies.delete_dutyrecord",
        "deputies.view_voter_contact",
        "deputies.import_roster",
        "deputies.view_rosterimport",
        "deputies.view_opinionaccesslog",
    ],
    # 办公室 reads the registry, schedules, opinions (without voters' contacts) and statistics.
    "staff_general_office": [
        "deputies.view_deputy",
        "deputies.view_mandate",
        "deputies.view_deputygroup",
        "deputies.view_station",
        "deputies.view_receptionday",
        "deputies.view_voteropinion",
        "deputies.view_dutyrecord",
        "deputies.view_trainingmaterial",
    ],
    "staff_special_committee": [
        "deputies.view_deputy",
        "deputies.view_deputygroup",
        "deputies.view_station",
    ],
}
