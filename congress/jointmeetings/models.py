"""The street work committee directors' joint meeting (街道工委主任联席会) and its record book."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from congress.models import WorkCommittee


class MeetingForm(models.TextChoices):
    RESEARCH = "research", _("research visit")
    DISCUSSION = "discussion", _("discussion")


class JointMeetingState(models.TextChoices):
    PLANNED = "planned", _("planned")
    RECORDING = "recording", _("being recorded")
    SIGNED_OFF = "signed_off", _("signed off")


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
    form = models.CharField(_("form"), max_length=20, choices=MeetingForm.choices)
    topic = models.CharField(_("topic"), max_length=200)
    attendance = models.TextField(_("attendance"), blank=True)
    notice = models.TextField(_("notice (通知)"), blank=True)
    agenda = models.TextField(_("agenda (议程)"), blank=True)
    information = models.TextField(_("information (信息)"), blank=True)
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=JointMeetingState.choices,
        default=JointMeetingState.PLANNED,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("joint meeting")
        verbose_name_plural = _("joint meetings")
        ordering = ["-date", "-number"]

    def __str__(self) -> str:
        return f"第{self.number}次联席会 · {self.topic}"
