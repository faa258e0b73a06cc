"""The shared institution: users, congresses, terms, meetings, units, streets, regulations, roles."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from congress.uploads import GeneratedName

CN_NUMERALS = "〇一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1..99 in Chinese numerals (第十七届, 第三次会议)."""
    if n <= 0 or n >= 100:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return CN_NUMERALS[ones]
    text = ("" if tens == 1 else CN_NUMERALS[tens]) + "十"
    return text + (CN_NUMERALS[ones] if ones else "")


class User(AbstractUser):
    """A person who logs in. Their roles come from memberships and profiles (deputy, expert)."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=[("zh-hans", "简体中文"), ("en", "English")],
        default="zh-hans",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class CongressLevel(models.TextChoices):
    CITY = "city", _("city")
    DISTRICT = "district", _("district")
    TOWN = "town", _("town")


class Congress(models.Model):
    """A people's congress: the district one (default) and the town ones, linked to the city."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    level = models.CharField(_("level"), max_length=10, choices=CongressLevel.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent congress"),
    )
    is_default = models.BooleanField(_("default congress"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("congress")
        verbose_name_plural = _("congresses")
        ordering = ["level", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_congress"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Term(models.Model):
    """A term of a congress (届), e.g. the 17th term of the Haidian District People's Congress."""

    congress = models.ForeignKey(
        Congress, on_delete=models.PROTECT, related_name="terms", verbose_name=_("congress")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    is_current = models.BooleanField(_("current term"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["congress", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "number"], name="unique_term_number"),
            models.UniqueConstraint(
                fields=["congress"], condition=Q(is_current=True), name="one_current_term"
            ),
        ]

    def __str__(self) -> str:
        return _("%(congress)s, term %(number)s") % {
            "congress": self.congress,
            "number": self.label,
        }

    @property
    def label(self) -> str:
        return f"第{chinese_number(self.number)}届"


class MeetingKind(models.TextChoices):
    CONGRESS_SESSION = "session", _("congress session")
    STANDING_COMMITTEE = "standing", _("standing committee meeting")
    CHAIRPERSONS = "chairpersons", _("chairpersons' meeting")


class Meeting(models.Model):
    """A congress session, standing committee meeting or chairpersons' meeting, numbered per term."""

    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("term")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    number = models.PositiveSmallIntegerField(_("number"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    motion_deadline = models.DateTimeField(
        _("motion submission deadline"),
        null=True,
        blank=True,
        help_text=_("Congress sessions only: motions can be submitted until this moment."),
    )
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "kind", "number"], name="unique_meeting_number"
            ),
        ]
        indexes = [models.Index(fields=["kind", "starts_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        n = chinese_number(self.number)
        term = self.term.label
        if self.kind == MeetingKind.CONGRESS_SESSION:
            # 海淀区第十七届人民代表大会第一次会议: the term goes before 人民代表大会.
            name = self.term.congress.name
            if name.endswith("人民代表大会"):
                return f"{name.removesuffix('人民代表大会')}{term}人民代表大会第{n}次会议"
            return f"{name}{term}第{n}次会议"
        if self.kind == MeetingKind.STANDING_COMMITTEE:
            return f"{term}常委会第{n}次会议"
        return f"{term}主任会议第{n}次会议"


class UnitKind(models.TextChoices):
    GOVERNMENT = "government", _("district government")
    DEPARTMENT = "department", _("government department")
    SUPERVISORY = "supervisory", _("supervisory commission")
    COURT = "court", _("court")
    PROCURATORATE = "procuratorate", _("procuratorate")
    STREET = "street", _("street office")
    TOWN = "town", _("town government")
    OFFICE = "office", _("committee office")


# The "one government, one commission, two courts" (一府一委两院) whose reports the committee reviews.
REVIEWED_AGENCY_KINDS = (
    UnitKind.GOVERNMENT,
    UnitKind.SUPERVISORY,
    UnitKind.COURT,
    UnitKind.PROCURATORATE,
)
HANDLING_UNIT_KINDS = (
    UnitKind.GOVERNMENT,
    UnitKind.DEPARTMENT,
    UnitKind.SUPERVISORY,
    UnitKind.COURT,
    UnitKind.PROCURATORATE,
    UnitKind.STREET,
    UnitKind.TOWN,
)


class Unit(models.Model):
    """An organisation: a handling unit (承办单位) or an office of the standing committee."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices, db_index=True)
    email = models.EmailField(_("office e-mail"), blank=True)
    office_role = models.CharField(
        _("office role"),
        max_length=30,
        blank=True,
        choices=[
            ("general_office", _("general office")),
            ("deputy_affairs", _("deputy affairs committee")),
            ("special_committee", _("special or working committee")),
        ],
        help_text=_("Committee offices only: decides which staff permissions its members get."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_office(self) -> bool:
        return self.kind == UnitKind.OFFICE


class StreetKind(models.TextChoices):
    STREET = "street", _("street")
    TOWN = "town", _("town")


class Street(models.Model):
    """A street (街道) or town (镇) of the district."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=StreetKind.choices)
    office = models.OneToOneField(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="street",
        verbose_name=_("street office / town government"),
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("street or town")
        verbose_name_plural = _("streets and towns")
        ordering = ["kind", "sort_order"]

    def __str__(self) -> str:
        suffix = "街道" if self.kind == StreetKind.STREET else "镇"
        return self.name if self.name.endswith(suffix) else f"{self.name}{suffix}"


class WorkCommittee(models.Model):
    """A street work committee (街道工委) of the standing committee: one per street."""

    street = models.OneToOneField(
        Street, on_delete=models.PROTECT, related_name="work_committee", verbose_name=_("street")
    )
    director_name = models.CharField(_("director"), max_length=50, blank=True)
    established_year = models.PositiveSmallIntegerField(_("established in"), null=True, blank=True)
    is_pilot = models.BooleanField(_("2001 pilot"), default=False)
    rotation_order = models.PositiveSmallIntegerField(
        _("rotation order"),
        unique=True,
        help_text=_("Agreed order in which streets lead the joint meeting."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("street work committee")
        verbose_name_plural = _("street work committees")
        ordering = ["rotation_order"]

    def __str__(self) -> str:
        return f"{self.street}人大工委"


class RegulationKind(models.TextChoices):
    RULES = "rules", _("rules of procedure")
    PROVISIONS = "provisions", _("provisions")
    MEASURES = "measures", _("measures")
    DETAILED_RULES = "detailed", _("detailed rules")


class Regulation(models.Model):
    """A regulation (制度) adopted or revised at a meeting."""

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=RegulationKind.choices)
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="regulations",
        verbose_name=_("adopted or revised at"),
    )
    is_revision = models.BooleanField(_("revision"), default=False)
    effective_on = models.DateField(_("effective on"), null=True, blank=True)
    is_trial = models.BooleanField(_("trial (试行)"), default=False)
    text = models.TextField(_("text"), blank=True)
    attachment = models.FileField(
        _("attachment"), upload_to=GeneratedName("regulations"), blank=True
    )
    is_published = models.BooleanField(_("published"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("regulation")
        verbose_name_plural = _("regulations")
        ordering = ["-effective_on", "title"]

    def __str__(self) -> str:
        return self.title + ("（试行）" if self.is_trial and "试行" not in self.title else "")

    def get_absolute_url(self) -> str:
        return reverse("public:regulation", args=[self.pk])


class Role(models.TextChoices):
    """A user's role in a unit or street. Group names for permissions are derived from these."""

    STAFF = "staff", _("committee staff")
    LIAISON = "liaison", _("unit liaison")
    RECORDER = "recorder", _("street recorder")


class Membership(models.Model):
    """Links a user to the unit (office or handling unit) or street they act for.

    Staff belong to a committee office; unit liaisons to a handling unit; street recorders to a
    street's work committee. A user may hold several memberships (and be a deputy or expert too).
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("unit"),
    )
    street = models.ForeignKey(
        Street,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("street"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role="recorder", street__isnull=False, unit__isnull=True)
                    | (~Q(role="recorder") & Q(unit__isnull=False, street__isnull=True))
                ),
                name="membership_target_matches_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "unit", "street"], name="unique_membership"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit or self.street}"
