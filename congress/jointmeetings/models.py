"""The street work committee directors' joint meeting (街道工委主任联席会) and its record book.

The lead street (牵头街道) rotates in the agreed order (`WorkCommittee.rotation_order`) and keeps
its meeting's entry: notice (通知), agenda (议程), information (信息) and photos. Staff sign the entry
off, which locks it; a later correction creates a new `EntryVersion` with a reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from congress.models import WorkCommittee
from congress.uploads import GeneratedName


class MeetingForm(models.TextChoices):
    RESEARCH = "research", _("research visit")
    DISCUSSION = "discussion", _("discussion")


class JointMeetingState(models.TextChoices):
    PLANNED = "planned", _("planned")
    RECORDING = "recording", _("being recorded")
    SIGNED_OFF = "signed_off", _("signed off")


# The entry is open (its lead street's recorder edits it) until it is signed off.
OPEN_STATES = (JointMeetingState.PLANNED, JointMeetingState.RECORDING)
TRANSITIONS = {
    JointMeetingState.PLANNED: {JointMeetingState.RECORDING},
    JointMeetingState.RECORDING: {JointMeetingState.SIGNED_OFF},
    JointMeetingState.SIGNED_OFF: set(),
}
# The texts of an entry: what a version keeps and a correction may change.
ENTRY_TEXT_FIELDS = ("topic", "place", "attendance", "notice", "agenda", "information")


class JointMeeting(models.Model):
    """One joint meeting; the lead street's recorder keeps its entry in the record book."""

    number = models.PositiveIntegerField(_("number"), unique=True)
    date = models.DateField(_("date"))
    lead = models.ForeignKey(
        WorkCommittee,
        on_delete=models.PROTECT,
        related_name="led_joint_meetings",
        verbose_name=_("lead street"),
    )
    proposed_lead = models.ForeignKey(
        WorkCommittee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lead street proposed by the rotation"),
    )
    lead_override_reason = models.TextField(_("reason for overriding the rotation"), blank=True)
    form = models.CharField(_("form"), max_length=20, choices=MeetingForm.choices)
    topic = models.CharField(_("topic"), max_length=200)
    place = models.CharField(_("place"), max_length=200, blank=True)
    attendance = models.TextField(_("attendance"), blank=True)
    attending = models.ManyToManyField(
        WorkCommittee,
        blank=True,
        related_name="attended_joint_meetings",
        verbose_name=_("street work committees present"),
    )
    notice = models.TextField(_("notice (通知)"), blank=True)
    agenda = models.TextField(_("agenda (议程)"), blank=True)
    information = models.TextField(_("information (信息)"), blank=True)
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=JointMeetingState.choices,
        default=JointMeetingState.PLANNED,
    )
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed off by"),
    )
    # 0 while open; 1 once signed off; each correction adds one (see EntryVersion).
    version = models.PositiveIntegerField(_("version"), default=0)
    corrected_at = models.DateTimeField(_("last corrected at"), null=True, blank=True)
    correction_reason = models.TextField(_("reason of the last correction"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("joint meeting")
        verbose_name_plural = _("joint meetings")
        ordering = ["-date", "-number"]
        indexes = [models.Index(fields=["state", "date"])]

    def __str__(self) -> str:
        return f"第{self.number}次联席会 · {self.topic}"

    def get_absolute_url(self) -> str:
        if self.is_published:
            return reverse("jointmeetings:entry", args=[self.number])
        return reverse("jointmeetings:portal_entry", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_locked(self) -> bool:
        return self.state == JointMeetingState.SIGNED_OFF

    @property
    def is_published(self) -> bool:
        return self.state == JointMeetingState.SIGNED_OFF


class EntryVersion(models.Model):
    """A frozen text of a signed-off entry: version 1 at sign-off, then one per correction."""

    meeting = models.ForeignKey(
        JointMeeting, on_delete=models.CASCADE, related_name="versions", verbose_name=_("meeting")
    )
    number = models.PositiveIntegerField(_("version"))
    topic = models.CharField(_("topic"), max_length=200)
    place = models.CharField(_("place"), max_length=200, blank=True)
    attendance = models.TextField(_("attendance"), blank=True)
    notice = models.TextField(_("notice (通知)"), blank=True)
    agenda = models.TextField(_("agenda (议程)"), blank=True)
    information = models.TextField(_("information (信息)"), blank=True)
    reason = models.TextField(_("reason for the correction"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("entry version")
        verbose_name_plural = _("entry versions")
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="unique_entry_version")
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · v{self.number}"

    @property
    def is_correction(self) -> bool:
        return self.number > 1


class LeadChange(models.Model):
    """Staff overrode the rotation's proposed lead street, with a reason (the log)."""

    meeting = models.ForeignKey(
        JointMeeting,
        on_delete=models.CASCADE,
        related_name="lead_changes",
        verbose_name=_("meeting"),
    )
    proposed = models.ForeignKey(
        WorkCommittee,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("proposed or previous lead"),
    )
    chosen = models.ForeignKey(
        WorkCommittee, on_delete=models.PROTECT, related_name="+", verbose_name=_("chosen lead")
    )
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("lead street override")
        verbose_name_plural = _("lead street overrides")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.meeting}: {self.proposed} → {self.chosen}"


class JointMeetingPhoto(models.Model):
    """A photo of the meeting: re-encoded without EXIF (congress.uploads), with a thumbnail."""

    meeting = models.ForeignKey(
        JointMeeting, on_delete=models.CASCADE, related_name="photos", verbose_name=_("meeting")
    )
    image = models.ImageField(
        _("photo"),
        upload_to=GeneratedName("jointmeetings/photos"),
        width_field="width",
        height_field="height",
    )
    thumbnail = models.ImageField(_("thumbnail"), upload_to=GeneratedName("jointmeetings/thumbs"))
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.caption or f"{self.meeting} · {self.pk}"
