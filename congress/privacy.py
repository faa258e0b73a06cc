"""Personal data: the access log, erasure on request and retention (docs/privacy.md).

Personal data here means the private fields listed in ``PRIVATE_FIELDS`` (voters' names and
contacts on voter opinions; deputies' mobile, e-mail and address; experts' mobile and e-mail).

- Every read of those fields by a person is logged in ``congress.PersonalDataAccess`` (who, when,
  which record and fields, from which page or API, from which address): ``log_access`` for pages
  and services, ``PersonalDataAdminMixin`` for admin change pages, ``PersonalDataAPIMixin`` for
  DRF viewsets whose serializer shows the fields. One INSERT per response, whatever the rows.
- ``erase_voter_data`` / ``erase_contacts`` replace the data on request (a staff admin action
  calls them) while the record itself (the opinion and its handling) stays; each erasure leaves
  a ``PersonalDataErasure`` row without the data.
- ``enforce_retention(now=)`` erases what is older than ``settings.PRIVACY_RETENTION_DAYS`` (run
  daily by the beat entry "privacy-retention", task ``congress.enforce_privacy_retention``).
  It is idempotent: a second run erases nothing more.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from celery import shared_task
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from congress.models import (
    AccessChannel,
    ErasureReason,
    PersonalDataAccess,
    PersonalDataErasure,
)

log = logging.getLogger(__name__)

# "app_label.model" -> the private fields of that model.
PRIVATE_FIELDS: dict[str, tuple[str, ...]] = {
    "deputies.voteropinion": ("voter_name", "voter_contact"),
    "deputies.deputy": ("mobile", "email", "address"),
    "experts.expert": ("mobile", "email"),
}
# What an erased voter name reads as; contacts and addresses become empty.
ERASED_NAME = "（已删除）"

DEFAULT_RETENTION_DAYS = {
    "voter_contact": 730,
    "deputy_contact": 1825,
    "expert_contact": 1825,
    "access_log": 1095,
}


def private_fields_of(obj_or_model) -> tuple[str, ...]:
    meta = obj_or_model._meta
    return PRIVATE_FIELDS.get(f"{meta.app_label}.{meta.model_name}", ())


def retention_days(kind: str) -> int:
    configured = getattr(settings, "PRIVACY_RETENTION_DAYS", {}) or {}
    return int(configured.get(kind, DEFAULT_RETENTION_DAYS[kind]))


def _client_address(request) -> str | None:
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR") or None
    return address


# --- The access log -------------------------------------------------------------------------


def log_access(
    user,
    objects: Any,
    fields: Iterable[str] | None = None,
    *,
    channel: str,
    request=None,
    path: str = "",
    now: dt.datetime | None = None,
) -> list[PersonalDataAccess]:
    """Log that ``user`` was shown the private ``fields`` of ``objects`` (one object or many).

    Only fields that hold a value are logged (nothing personal was shown otherwise); objects
    without any are skipped. One INSERT for all the objects. Returns the rows written.
    """
    if objects is None:
        return []
    if not isinstance(objects, list | tuple | set) and hasattr(objects, "_meta"):
        objects = [objects]
    at = now or timezone.now()
    path = (path or (request.get_full_path() if request is not None else ""))[:300]
    address = _client_address(request)
    rows = []
    for obj in objects:
        wanted = tuple(fields) if fields is not None else private_fields_of(obj)
        shown = [f for f in wanted if getattr(obj, f, "")]
        if not shown:
            continue
        rows.append(
            PersonalDataAccess(
                at=at,
                user=user if getattr(user, "pk", None) else None,
                username=getattr(user, "username", "") or "",
                content_type=ContentType.objects.get_for_model(type(obj)),
                object_id=obj.pk,
                object_repr=str(obj)[:200],
                fields=",".join(shown)[:200],
                channel=channel,
                path=path,
                address=address,
            )
        )
    if rows:
        PersonalDataAccess.objects.bulk_create(rows)
    return rows


class PersonalDataAdminMixin:
    """Admin: opening a change page that shows private fields is logged (channel "admin")."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and getattr(response, "status_code", 0) == 200:
            obj = self.get_object(request, object_id)
            if obj is not None:
                shown = set(self.get_fields(request, obj)) & set(private_fields_of(obj))
                if shown:
                    log_access(
                        request.user,
                        obj,
                        [f for f in private_fields_of(obj) if f in shown],
                        channel=AccessChannel.ADMIN,
                        request=request,
                    )
        return response


class PersonalDataAPIMixin:
    """DRF viewset: a successful GET whose serializer shows private fields is logged for every
    object serialized (channel "api"), in one INSERT."""

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        instance = args[0] if args else kwargs.get("instance")
        if instance is not None and "data" not in kwargs:
            many = isinstance(instance, list | tuple) or hasattr(instance, "model")
            objs = list(instance) if many else [instance]
            child = getattr(serializer, "child", serializer)
            declared = set(getattr(child, "fields", {}).keys())
            self._personal_shown = (objs, declared)
        return serializer

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        shown = getattr(self, "_personal_shown", None)
        if shown and request.method == "GET" and response.status_code == 200:
            objs, declared = shown
            if objs:
                fields = [f for f in private_fields_of(objs[0]) if f in declared]
                if fields:
                    log_access(
                        request.user, objs, fields, channel=AccessChannel.API, request=request
                    )
        return response


# --- Erasure --------------------------------------------------------------------------------


def _record_erasure(obj, kind: str, fields: list[str], *, actor, reason: str, now, note=""):
    PersonalDataErasure.objects.create(
        at=now,
        by=actor if getattr(actor, "pk", None) else None,
        reason=reason,
        kind=kind,
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        fields=",".join(fields),
        note=note[:200],
    )


def erase_voter_data(
    opinion, *, actor=None, reason: str = ErasureReason.REQUEST, now=None, note: str = ""
) -> bool:
    """Replace a voter's name and contact on one opinion; the opinion, its handling, replies and
    feedback stay. Returns False when there was nothing left to erase (idempotent)."""
    now = now or timezone.now()
    erased = []
    if opinion.voter_name and opinion.voter_name != ERASED_NAME:
        opinion.voter_name = ERASED_NAME
        erased.append("voter_name")
    if opinion.voter_contact:
        opinion.voter_contact = ""
        erased.append("voter_contact")
    if not erased:
        return False
    with transaction.atomic():
        type(opinion).objects.filter(pk=opinion.pk).update(
            voter_name=opinion.voter_name, voter_contact=opinion.voter_contact
        )
        _record_erasure(
            opinion, "voter_contact", erased, actor=actor, reason=reason, now=now, note=note
        )
    return True


def erase_contacts(
    person, *, actor=None, reason: str = ErasureReason.REQUEST, now=None, note: str = ""
) -> bool:
    """Empty a deputy's or an expert's private fields (mobile, e-mail, address); the person's
    public record stays. Returns False when they were already empty."""
    now = now or timezone.now()
    fields = [f for f in private_fields_of(person) if getattr(person, f, "")]
    if not fields:
        return False
    for f in fields:
        setattr(person, f, "")
    kind = f"{person._meta.model_name}_contact"
    with transaction.atomic():
        type(person).objects.filter(pk=person.pk).update(**{f: "" for f in fields})
        _record_erasure(person, kind, fields, actor=actor, reason=reason, now=now, note=note)
    return True


# --- Retention ------------------------------------------------------------------------------


def _cutoff(kind: str, now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(days=retention_days(kind))


def expired_voter_opinions(now: dt.datetime):
    """Closed opinions whose voter data outlived its retention period (counted from closing)."""
    VoterOpinion = apps.get_model("deputies", "VoterOpinion")
    return (
        VoterOpinion.objects.filter(closed_at__lt=_cutoff("voter_contact", now))
        .exclude(voter_contact="", voter_name__in=["", ERASED_NAME])
        .order_by("pk")
    )


def expired_deputies(now: dt.datetime):
    """Deputies with no current mandate whose last mandate ended before the retention cutoff."""
    Deputy = apps.get_model("deputies", "Deputy")
    cutoff = _cutoff("deputy_contact", now).date()
    has_data = ~Q(mobile="") | ~Q(email="") | ~Q(address="")
    return (
        Deputy.objects.filter(has_data)
        .annotate(last_end=Max("mandates__ended_on"))
        .filter(last_end__lt=cutoff)
        .exclude(mandates__ended_on__isnull=True)
        .order_by("pk")
    )


def expired_experts(now: dt.datetime):
    """Experts whose appointment ended before the cutoff and who are not appointed any more."""
    Expert = apps.get_model("experts", "Expert")
    cutoff = _cutoff("expert_contact", now).date()
    return (
        Expert.objects.filter(~Q(mobile="") | ~Q(email=""), appointment_ends_on__lt=cutoff)
        .exclude(status="active")
        .order_by("pk")
    )


def enforce_retention(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Erase every kind of personal data older than its retention period. Idempotent."""
    now = now or timezone.now()
    done = {"voter_contact": 0, "deputy_contact": 0, "expert_contact": 0, "access_log": 0}
    for opinion in expired_voter_opinions(now).iterator():
        done["voter_contact"] += erase_voter_data(opinion, reason=ErasureReason.RETENTION, now=now)
    for deputy in expired_deputies(now).iterator():
        done["deputy_contact"] += erase_contacts(deputy, reason=ErasureReason.RETENTION, now=now)
    for expert in expired_experts(now).iterator():
        done["expert_contact"] += erase_contacts(expert, reason=ErasureReason.RETENTION, now=now)
    log_cutoff = _cutoff("access_log", now)
    deleted, _ = PersonalDataAccess.objects.filter(at__lt=log_cutoff).delete()
    OpinionAccessLog = apps.get_model("deputies", "OpinionAccessLog")
    deleted_app, _ = OpinionAccessLog.objects.filter(at__lt=log_cutoff).delete()
    done["access_log"] = deleted + deleted_app
    if any(done.values()):
        log.info("privacy retention: %s", done)
    return done


@shared_task(name="congress.enforce_privacy_retention", ignore_result=True)
def enforce_privacy_retention() -> dict[str, int]:
    return enforce_retention()
