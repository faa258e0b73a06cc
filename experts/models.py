"""The expert advisor pool (专家顾问库)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class ExpertiseField(models.Model):
    """A field of expertise; the taxonomy is edited by staff."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("field of expertise")
        verbose_name_plural = _("fields of expertise")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class ExpertStatus(models.TextChoices):
    ACTIVE = "active", _("appointed")
    EXPIRED = "expired", _("appointment ended")
    WITHDRAWN = "withdrawn", pgettext_lazy("appointment", "withdrawn")


class Expert(models.Model):
    """An expert advisor appointed under the expert advisor rules. Contacts are private."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="expert",
        verbose_name=_("login"),
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    organisation = models.CharField(_("organisation"), max_length=100)
    title = models.CharField(pgettext_lazy("person", "title"), max_length=60, blank=True)
    fields = models.ManyToManyField(
        ExpertiseField, related_name="experts", verbose_name=_("fields of expertise")
    )
    appointed_on = models.DateField(_("appointed on"))
    appointment_ends_on = models.DateField(_("appointment ends on"))
    status = models.CharField(
        _("status"), max_length=20, choices=ExpertStatus.choices, default=ExpertStatus.ACTIVE
    )
    bio = models.TextField(_("profile"), blank=True)
    # Personal data (private):
    mobile = models.CharField(_("mobile"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    history = HistoricalRecords(excluded_fields=["mobile", "email"])

    PRIVATE_FIELDS = ("mobile", "email")

    class Meta:
        verbose_name = _("expert advisor")
        verbose_name_plural = _("expert advisors")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.organisation}）"


class AppointmentTerm(models.Model):
    """One appointment term (聘期) of an expert: the first one and each renewal.

    The expert's `appointed_on` / `appointment_ends_on` mirror the current (latest) term. The
    office that manages the pool owes a decision (renew or let end) before each term ends: an
    obligation of rule `expert-appointment-expiry` whose subject is the term.
    """

    expert = models.ForeignKey(
        Expert, on_delete=models.CASCADE, related_name="terms", verbose_name=_("expert")
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    is_renewal = models.BooleanField(_("renewal"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("appointment term")
        verbose_name_plural = _("appointment terms")
        ordering = ["expert", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["expert", "starts_on"], name="unique_expert_term")
        ]

    def __str__(self) -> str:
        return f"{self.expert.name} {self.starts_on:%Y-%m-%d}—{self.ends_on:%Y-%m-%d}"


class SubjectKind(models.TextChoices):
    MOTION = "motion", _("motion")
    SUGGESTION = "suggestion", _("deputy suggestion")
    REPORT_REVIEW = "report_review", _("special work report review")
    EVALUATION_ITEM = "evaluation_item", _("department evaluation item")
    MAJOR_DECISION = "major_decision", _("major decision (重大事项)")
    REGULATION_DRAFT = "regulation_draft", _("regulation draft")


class ConsultationState(models.TextChoices):
    OPEN = "open", _("collecting opinions")
    SUMMARISED = "summarised", _("summarised")
    CANCELLED = "cancelled", _("cancelled")


CONSULTATION_TRANSITIONS = {
    ConsultationState.OPEN: {ConsultationState.SUMMARISED, ConsultationState.CANCELLED},
    ConsultationState.SUMMARISED: set(),
    ConsultationState.CANCELLED: set(),
}


class Consultation(models.Model):
    """A consultation request (咨询) from a committee office to experts, by field, with a deadline.

    The subject is either a generic relation to an object of another app (a motion, a report
    review...) or just a kind plus a free reference (a major decision has no row anywhere).
    The office owes the summary by `due_date` (obligation, rule `consultation-opinion`); each
    invited expert's own opinion deadline is on the invitation.
    """

    title = models.CharField(_("title"), max_length=200)
    subject_kind = models.CharField(_("about"), max_length=30, choices=SubjectKind.choices)
    subject_reference = models.CharField(
        _("reference"),
        max_length=200,
        blank=True,
        help_text=_("For example the motion number or the title of the draft."),
    )
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    question = models.TextField(_("questions for the experts"))
    fields = models.ManyToManyField(
        ExpertiseField, related_name="consultations", verbose_name=_("fields wanted")
    )
    office = models.ForeignKey(
        "congress.Unit",
        on_delete=models.PROTECT,
        related_name="expert_consultations",
        verbose_name=_("requesting office"),
    )
    opinion_due = models.DateField(_("experts' opinions due"))
    due_date = models.DateField(_("summary due"))
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=ConsultationState.choices,
        default=ConsultationState.OPEN,
        db_index=True,
    )
    summary = models.TextField(_("summary of the opinions"), blank=True)
    summarised_at = models.DateTimeField(_("summarised at"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("experts:consultation", args=[self.pk])


class InvitationState(models.TextChoices):
    INVITED = "invited", _("invited")
    ACCEPTED = "accepted", _("no conflict declared")
    RECUSED = "recused", _("conflict of interest: recused")
    DECLINED = "declined", _("declined")
    SUBMITTED = "submitted", _("opinion submitted")
    WITHDRAWN = "withdrawn", _("invitation withdrawn")


# Invitations that still owe an opinion: they count as the expert's open load and get reminders.
OPEN_INVITATION_STATES = (InvitationState.INVITED, InvitationState.ACCEPTED)
INVITATION_TRANSITIONS = {
    InvitationState.INVITED: {
        InvitationState.ACCEPTED,
        InvitationState.RECUSED,
        InvitationState.DECLINED,
        InvitationState.WITHDRAWN,
    },
    InvitationState.ACCEPTED: {InvitationState.SUBMITTED, InvitationState.WITHDRAWN},
    InvitationState.RECUSED: set(),
    InvitationState.DECLINED: set(),
    InvitationState.SUBMITTED: set(),
    InvitationState.WITHDRAWN: set(),
}


class Invitation(models.Model):
    """An expert invited to a consultation: conflict declaration, then a written opinion."""

    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("consultation"),
    )
    expert = models.ForeignKey(
        Expert, on_delete=models.PROTECT, related_name="invitations", verbose_name=_("expert")
    )
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=InvitationState.choices,
        default=InvitationState.INVITED,
        db_index=True,
    )
    opinion_due = models.DateField(_("opinion due"))
    conflict_details = models.TextField(_("conflict of interest"), blank=True)
    declared_at = models.DateTimeField(_("declared at"), null=True, blank=True)
    opinion = models.TextField(_("written opinion"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    invited_at = models.DateTimeField(_("invited at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["opinion_due", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "expert"], name="one_invitation_per_expert"
            )
        ]
        indexes = [models.Index(fields=["state", "opinion_due"])]

    def __str__(self) -> str:
        return f"{self.consultation} · {self.expert.name}"

    def get_absolute_url(self) -> str:
        return reverse("experts:invitation", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_INVITATION_STATES

    @property
    def on_time(self) -> bool | None:
        if self.submitted_at is None:
            return None
        return timezone.localdate(self.submitted_at) <= self.opinion_due
