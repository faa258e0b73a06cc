"""Every state change of the expert pool. Views, the admin, the API and the sweep call these.

Deadlines (see docs/experts.md):
- a consultation is an obligation of the office that asked (rule `consultation-opinion`, kind
  `experts.consultation`, subject the consultation, due on its summary date): the deadline engine
  reminds that office and marks it overdue; staff summarising the opinions submits and accepts it;
- each expert's own opinion deadline is on the invitation (`opinion_due`); experts are not units,
  so `experts.tasks.remind_opinion_deadlines` reminds them (idempotent notification keys);
- an appointment term ending within `EXPIRY_NOTICE_DAYS` opens an obligation for the office that
  manages the pool (the general office; rule `expert-appointment-expiry`, due on the end date);
  renewing or ending the appointment submits and accepts it.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress import caching, deadlines
from congress.access import actor_for
from congress.errors import DomainError, InvalidInput, PermissionRefused
from congress.models import PENDING_STATES, Membership, Role, Unit, UnitKind
from congress.notifications import notify
from congress.workflow import ensure_transition, log_transition
from experts.models import (
    CONSULTATION_TRANSITIONS,
    INVITATION_TRANSITIONS,
    AppointmentTerm,
    Consultation,
    ConsultationState,
    Expert,
    ExpertStatus,
    Invitation,
    InvitationState,
    SubjectKind,
)

CONSULTATION_KIND = "experts.consultation"
EXPIRY_KIND = "experts.appointment_expiry"
CONSULTATION_RULE = "consultation-opinion"
EXPIRY_RULE = "expert-appointment-expiry"
# An appointment ending within this many days opens the managing office's obligation, due by
# the rule `expert-appointment-expiry` counted from the end date (default: 30 days before it).
EXPIRY_NOTICE_DAYS = 60

deadlines.register_kind(CONSULTATION_KIND, _("summary of an expert consultation"))
deadlines.register_kind(EXPIRY_KIND, _("decision on an expiring expert appointment"))


class ExpertError(DomainError):
    pass


def _require_staff(actor) -> None:
    if not actor_for(actor).is_staff_member:
        raise PermissionRefused("not_staff", _("Only committee staff may do this."))


def _staff_of(unit: Unit):
    return [
        m.user
        for m in Membership.objects.filter(
            unit=unit, role=Role.STAFF, is_active=True, user__is_active=True
        ).select_related("user")
    ]


def managing_office() -> Unit | None:
    """The office that manages the expert pool: the general office (办公室)."""
    return deadlines.general_office()


# --- Appointments -----------------------------------------------------------------------------


@transaction.atomic
def appoint(
    expert: Expert, *, starts_on: dt.date, ends_on: dt.date, actor=None, renewal: bool = False
) -> AppointmentTerm:
    """Record an appointment term (first or renewal) and make it the expert's current one."""
    if ends_on <= starts_on:
        raise InvalidInput(
            "bad_term", _("The appointment must end after it starts."), field="ends_on"
        )
    term, _created = AppointmentTerm.objects.get_or_create(
        expert=expert, starts_on=starts_on, defaults={"ends_on": ends_on, "is_renewal": renewal}
    )
    expert.appointed_on, expert.appointment_ends_on = starts_on, ends_on
    expert.status = ExpertStatus.ACTIVE
    expert.save(update_fields=["appointed_on", "appointment_ends_on", "status"])
    return term


def current_term(expert: Expert) -> AppointmentTerm:
    term = expert.terms.order_by("-starts_on").first()
    if term is None:  # experts entered before terms were tracked
        term, _created = AppointmentTerm.objects.get_or_create(
            expert=expert,
            starts_on=expert.appointed_on,
            defaults={"ends_on": expert.appointment_ends_on},
        )
    return term


def _close_expiry_obligation(term: AppointmentTerm, *, actor, text: str) -> None:
    for ob in deadlines.obligations_for(term).filter(state__in=PENDING_STATES):
        deadlines.submit_report(ob, actor=actor, title=str(_("Appointment decision")), text=text)
        deadlines.accept_report(ob, actor=actor)


@transaction.atomic
def renew_appointment(expert: Expert, *, actor, ends_on: dt.date) -> AppointmentTerm:
    """Staff renew (续聘) an expert: a new term from the day after the current one ends.

    Closes the managing office's expiry obligation for the old term. Errors: `not_staff`,
    `bad_term`.
    """
    _require_staff(actor)
    old = current_term(expert)
    term = appoint(
        expert, starts_on=old.ends_on + dt.timedelta(days=1), ends_on=ends_on, renewal=True
    )
    _close_expiry_obligation(old, actor=actor, text=f"续聘至{ends_on:%Y年%m月%d日}。")
    return term


@transaction.atomic
def end_appointment(expert: Expert, *, actor, reason: str = "") -> Expert:
    """Staff let the appointment end (不再续聘) or withdraw the expert now."""
    _require_staff(actor)
    old = current_term(expert)
    expert.status = ExpertStatus.EXPIRED
    expert.save(update_fields=["status"])
    _close_expiry_obligation(old, actor=actor, text=reason or "聘期届满，不再续聘。")
    return expert


def expire_ended_appointments(*, now: dt.datetime | None = None) -> int:
    """Appointments whose term has ended without a renewal end (status "appointment ended"):
    the expert leaves the public list and is no longer suggested. The managing office's
    obligation, if still pending, stays open and goes overdue: the decision is still owed."""
    today = timezone.localdate(now or timezone.now())
    ended = list(Expert.objects.filter(status=ExpertStatus.ACTIVE, appointment_ends_on__lt=today))
    for expert in ended:
        expert.status = ExpertStatus.EXPIRED
        expert._change_reason = "appointment ended"
        expert.save(update_fields=["status"])
    return len(ended)


def open_expiring_appointments(*, now: dt.datetime | None = None) -> int:
    """Open the managing office's obligation for every active term ending within
    `EXPIRY_NOTICE_DAYS` (due on its end date). Idempotent: one obligation per term."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    office = managing_office()
    if office is None:
        return 0
    opened = 0
    experts = Expert.objects.filter(
        status=ExpertStatus.ACTIVE,
        appointment_ends_on__lte=today + dt.timedelta(days=EXPIRY_NOTICE_DAYS),
        appointment_ends_on__gte=today,
    )
    for expert in experts:
        term = current_term(expert)
        if deadlines.obligations_for(term).exists():
            continue
        with transaction.atomic():
            deadlines.open_obligation(
                unit=office,
                kind=EXPIRY_KIND,
                subject=term,
                title=f"专家顾问聘期届满：{expert.name}（{expert.organisation}）"
                f"{term.ends_on:%Y-%m-%d}",
                starts_on=term.ends_on,  # the rule counts from the end of the term
                rule_code=EXPIRY_RULE,
                supervising_office=office,
                now=now,
            )
        opened += 1
    return opened


# --- Consultations ----------------------------------------------------------------------------


@transaction.atomic
def request_consultation(
    *,
    actor,
    office: Unit,
    title: str,
    subject_kind: str,
    question: str,
    fields,
    opinion_due: dt.date | None = None,
    due_date: dt.date | None = None,
    subject=None,
    subject_reference: str = "",
    now: dt.datetime | None = None,
) -> Consultation:
    """Staff of `office` ask the experts. Opens the office's obligation (rule
    `consultation-opinion`, kind `experts.consultation`).

    The experts' opinions are due on `opinion_due`, by default the rule's time limit from today
    (《专家顾问工作规则》: 10 working days); the office's summary on `due_date`, by default the
    same day. The obligation is due on the summary date.

    Errors: `not_staff`, `not_your_office`, `bad_kind`, `no_fields`, `opinion_due_past`,
    `due_before_opinions`.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    a = actor_for(actor)
    if not a.is_staff_member:
        raise PermissionRefused("not_staff", _("Only committee staff may do this."))
    if office.kind != UnitKind.OFFICE or (
        not a.is_superuser and office.pk not in a.staff_office_ids
    ):
        raise InvalidInput(
            "not_your_office", _("Ask on behalf of your own office."), field="office"
        )
    if subject_kind not in SubjectKind.values:
        raise InvalidInput(
            "bad_kind", _("Choose what the consultation is about."), field="subject_kind"
        )
    fields = list(fields)
    if not fields:
        raise InvalidInput(
            "no_fields", _("Choose at least one field of expertise."), field="fields"
        )
    if opinion_due is None:
        opinion_due = deadlines.compute_due_date(today, deadlines.get_rule(CONSULTATION_RULE))
    if opinion_due < today:
        raise InvalidInput(
            "opinion_due_past", _("The opinion deadline is in the past."), field="opinion_due"
        )
    if due_date is not None and due_date < opinion_due:
        raise InvalidInput(
            "due_before_opinions",
            _("The summary cannot be due before the experts' opinions."),
            field="due_date",
        )
    consultation = Consultation(
        title=title.strip(),
        subject_kind=subject_kind,
        subject_reference=subject_reference.strip(),
        question=question.strip(),
        office=office,
        opinion_due=opinion_due,
        due_date=due_date or opinion_due,
        requested_by=actor,
        created_at=now,
    )
    if subject is not None:
        consultation.subject = subject
    consultation.save()
    consultation.fields.set(fields)
    deadlines.open_obligation(
        unit=office,
        kind=CONSULTATION_KIND,
        subject=consultation,
        title=f"专家咨询意见汇总：{consultation.title}",
        starts_on=today,
        rule_code=CONSULTATION_RULE,
        due_date=consultation.due_date,
        supervising_office=office,
        actor=actor,
        now=now,
    )
    log_transition(consultation, "", consultation.state, actor=actor, at=now)
    return consultation


def _require_open(consultation: Consultation) -> None:
    if consultation.state != ConsultationState.OPEN:
        raise ExpertError("consultation_closed", _("This consultation is closed."))


@transaction.atomic
def invite(
    consultation: Consultation,
    experts,
    *,
    actor,
    opinion_due: dt.date | None = None,
    now: dt.datetime | None = None,
) -> list[Invitation]:
    """Staff invite experts; each is told. Already invited experts are skipped.

    Errors: `not_staff`, `consultation_closed`, `not_appointed`.
    """
    _require_staff(actor)
    now = now or timezone.now()
    _require_open(consultation)
    created = []
    today = timezone.localdate(now)
    for expert in experts:
        if expert.status != ExpertStatus.ACTIVE or expert.appointment_ends_on < today:
            raise ExpertError(
                "not_appointed",
                _("%(name)s is not an appointed expert.") % {"name": expert.name},
            )
        try:
            with transaction.atomic():
                inv = Invitation.objects.create(
                    consultation=consultation,
                    expert=expert,
                    opinion_due=opinion_due or consultation.opinion_due,
                    invited_by=actor,
                    invited_at=now,
                )
        except IntegrityError:
            continue
        created.append(inv)
        if expert.user_id:
            notify(
                [expert.user],
                kind="experts.invitation",
                title=_("You are invited to give an opinion: %(title)s")
                % {"title": consultation.title},
                body=_(
                    "Please declare any conflict of interest, then submit your written opinion by %(date)s."
                )
                % {"date": inv.opinion_due.isoformat()},
                url=reverse("experts:invitation", args=[inv.pk]),
                subject=inv,
                key=f"experts.invitation:{inv.pk}",
            )
    return created


def _own_invitation(invitation: Invitation, actor) -> Invitation:
    inv = (
        Invitation.objects.select_for_update()
        .select_related("consultation", "expert")
        .get(pk=invitation.pk)
    )
    if getattr(actor, "expert", None) is None or actor.expert.pk != inv.expert_id:
        raise PermissionRefused("not_invited", _("This invitation is not yours."))
    return inv


@transaction.atomic
def declare_conflict(
    invitation: Invitation,
    *,
    actor,
    has_conflict: bool,
    details: str = "",
    now: dt.datetime | None = None,
) -> Invitation:
    """The invited expert declares whether they have a conflict of interest. With one, they are
    recused (and staff told); without, they may submit an opinion.

    Errors: `not_invited`, `bad_transition`, `consultation_closed`, `details_required`.
    """
    now = now or timezone.now()
    inv = _own_invitation(invitation, actor)
    _require_open(inv.consultation)
    target = InvitationState.RECUSED if has_conflict else InvitationState.ACCEPTED
    ensure_transition(
        INVITATION_TRANSITIONS,
        inv.state,
        target,
        ExpertError,
        _("The conflict of interest has already been declared."),
    )
    if has_conflict and not details.strip():
        raise InvalidInput(
            "details_required",
            _("Describe the conflict of interest."),
            field="conflict_details",
        )
    old = inv.state
    inv.state, inv.conflict_details, inv.declared_at = target, details.strip(), now
    inv.save(update_fields=["state", "conflict_details", "declared_at"])
    log_transition(inv, old, inv.state, actor=actor, reason=inv.conflict_details, at=now)
    if has_conflict:
        _tell_office(inv, _("An expert declared a conflict of interest: %(name)s"))
    return inv


@transaction.atomic
def decline(invitation: Invitation, *, actor, reason: str = "", now=None) -> Invitation:
    now = now or timezone.now()
    inv = _own_invitation(invitation, actor)
    ensure_transition(
        INVITATION_TRANSITIONS,
        inv.state,
        InvitationState.DECLINED,
        ExpertError,
        _("Only a new invitation can be declined."),
    )
    old = inv.state
    inv.state, inv.declared_at = InvitationState.DECLINED, now
    inv.save(update_fields=["state", "declared_at"])
    log_transition(inv, old, inv.state, actor=actor, reason=reason, at=now)
    return inv


@transaction.atomic
def submit_opinion(
    invitation: Invitation, *, actor, opinion: str, now: dt.datetime | None = None
) -> Invitation:
    """The expert submits a written opinion (after declaring no conflict). Late opinions are
    accepted while the consultation is open; the record shows they were late.

    Errors: `not_invited`, `bad_transition` (no declaration yet, recused, already submitted),
    `consultation_closed`, `empty_opinion`.
    """
    now = now or timezone.now()
    inv = _own_invitation(invitation, actor)
    _require_open(inv.consultation)
    ensure_transition(
        INVITATION_TRANSITIONS,
        inv.state,
        InvitationState.SUBMITTED,
        ExpertError,
        _("Declare that you have no conflict of interest before giving an opinion."),
    )
    if not opinion.strip():
        raise InvalidInput("empty_opinion", _("Write your opinion."), field="opinion")
    old = inv.state
    inv.state, inv.opinion, inv.submitted_at = InvitationState.SUBMITTED, opinion.strip(), now
    inv.save(update_fields=["state", "opinion", "submitted_at"])
    log_transition(inv, old, inv.state, actor=actor, at=now)
    _tell_office(inv, _("An expert submitted an opinion: %(name)s"))
    return inv


def _tell_office(inv: Invitation, title) -> None:
    notify(
        _staff_of(inv.consultation.office),
        kind="experts.opinion",
        title=title % {"name": inv.expert.name},
        body=inv.consultation.title,
        url=reverse("experts:consultation", args=[inv.consultation_id]),
        subject=inv,
        key=f"experts.office:{inv.pk}:{inv.state}",
    )


@transaction.atomic
def withdraw_invitation(invitation: Invitation, *, actor, reason: str = "") -> Invitation:
    _require_staff(actor)
    inv = Invitation.objects.select_for_update().get(pk=invitation.pk)
    ensure_transition(
        INVITATION_TRANSITIONS,
        inv.state,
        InvitationState.WITHDRAWN,
        ExpertError,
        _("This invitation can no longer be withdrawn."),
    )
    old = inv.state
    inv.state = InvitationState.WITHDRAWN
    inv.save(update_fields=["state"])
    log_transition(inv, old, inv.state, actor=actor, reason=reason)
    return inv


@transaction.atomic
def summarise(
    consultation: Consultation, *, actor, summary: str, now: dt.datetime | None = None
) -> Consultation:
    """Staff summarise the opinions: the consultation closes and the office's obligation is met
    (submitted and accepted). Invitations still open are withdrawn.

    Errors: `not_staff`, `bad_transition`, `empty_summary`.
    """
    _require_staff(actor)
    now = now or timezone.now()
    c = Consultation.objects.select_for_update().get(pk=consultation.pk)
    ensure_transition(
        CONSULTATION_TRANSITIONS,
        c.state,
        ConsultationState.SUMMARISED,
        ExpertError,
        _("Only an open consultation can be summarised."),
    )
    if not summary.strip():
        raise InvalidInput("empty_summary", _("Write the summary."), field="summary")
    old = c.state
    c.state, c.summary, c.summarised_at = ConsultationState.SUMMARISED, summary.strip(), now
    c.save(update_fields=["state", "summary", "summarised_at"])
    c.invitations.filter(state__in=[InvitationState.INVITED, InvitationState.ACCEPTED]).update(
        state=InvitationState.WITHDRAWN
    )
    caching.changed(Invitation)  # update() sends no signal
    log_transition(c, old, c.state, actor=actor, at=now)
    for ob in deadlines.obligations_for(c).filter(state__in=PENDING_STATES):
        deadlines.submit_report(
            ob,
            actor=actor,
            title=str(_("Summary of the experts' opinions")),
            text=c.summary,
            now=now,
        )
        deadlines.accept_report(ob, actor=actor, now=now)
    return c


@transaction.atomic
def cancel(consultation: Consultation, *, actor, reason: str) -> Consultation:
    """Staff cancel a consultation; the office's obligation is waived."""
    _require_staff(actor)
    c = Consultation.objects.select_for_update().get(pk=consultation.pk)
    ensure_transition(
        CONSULTATION_TRANSITIONS,
        c.state,
        ConsultationState.CANCELLED,
        ExpertError,
        _("Only an open consultation can be cancelled."),
    )
    if not reason.strip():
        raise InvalidInput("reason_required", _("Give a reason."), field="reason")
    old = c.state
    c.state = ConsultationState.CANCELLED
    c.save(update_fields=["state"])
    c.invitations.filter(state__in=[InvitationState.INVITED, InvitationState.ACCEPTED]).update(
        state=InvitationState.WITHDRAWN
    )
    caching.changed(Invitation)  # update() sends no signal
    log_transition(c, old, c.state, actor=actor, reason=reason)
    for ob in deadlines.obligations_for(c).filter(state__in=PENDING_STATES):
        deadlines.waive_obligation(ob, actor=actor, reason=reason)
    return c
