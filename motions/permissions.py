"""Who may do what to which motion. Views, the API and services ask these; nothing else decides.

- A deputy edits only the drafts they lead, answers only their own co-sign invitations, and
  comments on published updates.
- A unit liaison acts for the units of their active assignments only.
- Staff: the review committee's work (register, convert, refuse) and assignment need the model
  permissions `motions.review_motion` / `motions.assign_motion` (general office and deputy
  affairs); supervision (publish updates, approve progress, advance, extend, close) belongs to the
  motion's supervising office, or to holders of `motions.supervise_any_motion`.
"""

from __future__ import annotations

from congress.access import actor_for


def deputy_of(user):
    """The user's deputy profile, or None (anonymous users and users without one)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.deputy
    except Exception:  # RelatedObjectDoesNotExist
        return None


def can_review(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("motions.review_motion"))


def can_assign(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("motions.assign_motion"))


def can_supervise(user, motion) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.has_perm("motions.supervise_any_motion"):
        return True
    return (
        motion.supervising_office_id is not None
        and motion.supervising_office_id in actor_for(user).staff_office_ids
    )


def can_prepare_reports(user, report=None) -> bool:
    """Edit and hand in the report to the session: holders of `motions.change_sessionreport`,
    and staff of the office that owes it."""
    if user is None or not user.is_authenticated:
        return False
    if user.has_perm("motions.change_sessionreport"):
        return True
    return report is not None and report.office_id in actor_for(user).staff_office_ids


def is_lead(user, motion) -> bool:
    deputy = deputy_of(user)
    return deputy is not None and motion.lead_deputy_id == deputy.pk


def liaison_unit_ids(user) -> frozenset[int]:
    return actor_for(user).liaison_unit_ids
