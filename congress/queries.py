"""Reads of the shared institution (no side effects), shared by pages and the API."""

from __future__ import annotations

from django.db.models import QuerySet

from congress.models import Congress, Meeting, Notification, Regulation, Term, User


def default_congress() -> Congress | None:
    return Congress.objects.filter(is_default=True).first()


def current_term(congress: Congress | None = None) -> Term | None:
    qs = Term.objects.filter(is_current=True).select_related("congress")
    if congress is not None:
        return qs.filter(congress=congress).first()
    return qs.filter(congress__is_default=True).first()


def published_regulations() -> QuerySet[Regulation]:
    return Regulation.objects.filter(is_published=True).select_related("meeting__term__congress")


def recent_meetings(term: Term | None, today, limit: int = 5) -> list[Meeting]:
    """Meetings held up to `today`, newest first."""
    if term is None:
        return []
    qs = Meeting.objects.filter(term=term, starts_on__lte=today).select_related("term__congress")
    return list(qs.order_by("-starts_on", "-id")[:limit])


def upcoming_meetings(term: Term | None, today, limit: int = 3) -> list[Meeting]:
    """Scheduled meetings after `today`, soonest first."""
    if term is None:
        return []
    qs = Meeting.objects.filter(term=term, starts_on__gt=today).select_related("term__congress")
    return list(qs.order_by("starts_on", "id")[:limit])


def inbox(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")
