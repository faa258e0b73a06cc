"""Model permissions of the motion roles (granted to the role groups after every migrate).

Object-level rules (whose draft, which unit, which supervising office) live in
`motions.permissions`; these only open the admin and the staff actions.
"""

_ALL_MODELS = [
    "motion",
    "cosigner",
    "assignment",
    "motionphase",
    "motionattachment",
    "progressupdate",
    "updatephoto",
    "updatevideo",
    "updatecomment",
    "follow",
    "sessionreport",
    "topic",
    "cosignaturerule",
]


def _perms(actions: list[str], models: list[str]) -> list[str]:
    return [f"motions.{a}_{m}" for m in models for a in actions]


PERMISSIONS = {
    # 办公室: the review committee's secretariat, assignment, supervision of every motion, the
    # report to the session, the topic list and co-signature rules.
    "staff_general_office": _perms(["view"], _ALL_MODELS)
    + _perms(
        ["change"],
        [
            "motion",
            "assignment",
            "progressupdate",
            "sessionreport",
            "topic",
            "cosignaturerule",
            "motionphase",
        ],
    )
    + _perms(["add"], ["topic", "progressupdate", "updatephoto", "updatevideo"])
    + [
        "motions.review_motion",
        "motions.assign_motion",
        "motions.supervise_any_motion",
    ],
    # 代表工委: motions come from deputies; it registers and assigns them and drafts the report.
    "staff_deputy_affairs": _perms(["view"], _ALL_MODELS)
    + _perms(["change"], ["motion", "assignment", "sessionreport"])
    + ["motions.review_motion", "motions.assign_motion"],
    # Special committees supervise the motions assigned to them (object level).
    "staff_special_committee": _perms(
        ["view"],
        [
            "motion",
            "assignment",
            "motionphase",
            "progressupdate",
            "updatephoto",
            "updatevideo",
            "updatecomment",
            "sessionreport",
            "topic",
        ],
    )
    + _perms(["change"], ["progressupdate"]),
}
