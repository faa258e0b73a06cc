"""One object of each kind, owned by particular actors, for the route × role matrix.

The "right" actors own everything: `deputy` (李明, serving at the 北下关 station) leads the motion,
files the suggestion and recorded the voter opinion; `liaison` acts for `unit` (区教委), the lead
unit of the motion and the suggestion, the unit owing the obligations, the evaluated and reviewed
unit; `recorder` keeps 北下关's joint meeting entry; `expert` is invited to 办公室's consultation;
`committee_staff` (教科文卫委) supervises the motion and reviews the topic. The "other" actors of
each role own nothing here, so every object-level check has a refused actor of the same role.

Everything goes through the services (as users would make it), except a few rows the services
make only from uploads or background jobs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

TZ = ZoneInfo("Asia/Shanghai")

ROLES = (
    "anonymous",
    "deputy",
    "other_deputy",
    "liaison",
    "other_liaison",
    "recorder",
    "other_recorder",
    "expert",
    "other_expert",
    "staff",
    "daffairs",
    "committee",
    "superuser",
)
STAFF_ROLES = ("staff", "daffairs", "committee")
# Which office group each staff role is in (for the admin rows, from the roles tables).
STAFF_GROUP = {
    "staff": "staff_general_office",
    "daffairs": "staff_deputy_affairs",
    "committee": "staff_special_committee",
}


def at(day: str, hour: int = 10) -> dt.datetime:
    d = dt.date.fromisoformat(day)
    return dt.datetime(d.year, d.month, d.day, hour, tzinfo=TZ)


@dataclass
class World:
    users: dict = field(default_factory=dict)  # role → User (None for anonymous)
    objects: dict = field(default_factory=dict)  # name → model instance
    kwargs: dict = field(default_factory=dict)  # route key → URL kwargs


def _rules() -> None:
    from congress.models import DeadlineRule, LimitUnit

    specs = {
        "motion-handling-plan": (1, LimitUnit.MONTHS),
        "motion-yearly-report": (12, LimitUnit.MONTHS),
        "motion-session-report": (-30, LimitUnit.CALENDAR_DAYS),
        "suggestion-reply": (3, LimitUnit.MONTHS),
        "suggestion-rehandling": (1, LimitUnit.MONTHS),
        "suggestion-followup": (6, LimitUnit.MONTHS),
        "review-plan-report": (3, LimitUnit.MONTHS),
        "review-status-report": (6, LimitUnit.MONTHS),
        "evaluation-self-report": (-30, LimitUnit.CALENDAR_DAYS),
        "evaluation-rectification-plan": (1, LimitUnit.MONTHS),
        "evaluation-rectification-report": (6, LimitUnit.MONTHS),
        "voter-opinion-reply": (15, LimitUnit.WORKING_DAYS),
        "consultation-opinion": (10, LimitUnit.WORKING_DAYS),
        "expert-appointment-expiry": (-30, LimitUnit.CALENDAR_DAYS),
    }
    for code, (amount, unit) in specs.items():
        DeadlineRule.objects.get_or_create(
            code=code,
            defaults={
                "name": code,
                "amount": amount,
                "limit_unit": unit,
                "anchor": "起算日",
                "source": "测试",
            },
        )
    from motions.models import CosignatureRule

    for level, minimum in (("district", 10), ("town", 5)):
        CosignatureRule.objects.get_or_create(level=level, defaults={"minimum_signers": minimum})


def build() -> World:  # noqa: PLR0915 - one story, told in order
    from congress import access
    from congress.models import MeetingKind, Regulation, Role, UnitKind
    from congress.notifications import notify
    from tests import conftest as shared
    from tests.factories import (
        MeetingFactory,
        OfficeFactory,
        StreetFactory,
        TermFactory,
        UnitFactory,
        UserFactory,
        WorkCommitteeFactory,
        grant,
        staff_user,
    )

    w = World()
    o = w.objects
    _rules()
    term = o["term"] = TermFactory()
    session = o["session"] = MeetingFactory(
        term=term,
        kind=MeetingKind.CONGRESS_SESSION,
        number=1,
        starts_on=dt.date(2022, 1, 5),
        ends_on=dt.date(2022, 1, 8),
        motion_deadline=at("2022-01-07", 12),
    )
    MeetingFactory(
        term=term,
        kind=MeetingKind.CONGRESS_SESSION,
        number=6,
        starts_on=dt.date(2027, 1, 8),
        ends_on=dt.date(2027, 1, 11),
    )
    o["office"] = office = OfficeFactory(name="办公室", office_role="general_office")
    o["daffairs_office"] = daffairs_office = OfficeFactory(
        name="代表工作委员会", office_role="deputy_affairs"
    )
    o["committee_office"] = committee_office = OfficeFactory(
        name="教育科学文化卫生委员会", office_role="special_committee"
    )
    o["unit"] = unit = UnitFactory(name="区教委", kind=UnitKind.DEPARTMENT)
    o["other_unit"] = other_unit = UnitFactory(name="区体育局", kind=UnitKind.DEPARTMENT)
    o["street"] = street = StreetFactory(name="北下关")
    o["other_street"] = other_street = StreetFactory(name="中关村")
    o["work_committee"] = work_committee = WorkCommitteeFactory(street=street, rotation_order=1)
    WorkCommitteeFactory(street=other_street, rotation_order=2)

    u = w.users
    u["anonymous"] = None
    u["staff"] = staff = staff_user("staff", office)
    u["daffairs"] = daffairs = staff_user("daffairs", daffairs_office)
    u["committee"] = staff_user("committee", committee_office)
    u["liaison"] = liaison = UserFactory(username="liaison")
    grant(liaison, Role.LIAISON, unit=unit)
    u["other_liaison"] = other_liaison = UserFactory(username="otherliaison")
    grant(other_liaison, Role.LIAISON, unit=other_unit)
    u["recorder"] = recorder = UserFactory(username="recorder")
    grant(recorder, Role.RECORDER, street=street)
    u["other_recorder"] = other_recorder = UserFactory(username="otherrecorder")
    grant(other_recorder, Role.RECORDER, street=other_street)
    u["deputy"] = deputy = shared._make_deputy("liming", "李明", term)
    o["deputy_profile"] = deputy.deputy
    u["other_deputy"] = other_deputy = shared._make_deputy("wangfang", "王芳", term)
    u["expert"] = expert = shared._make_expert("expert", "陈教授")
    u["other_expert"] = shared._make_expert("otherexpert", "刘研究员")
    u["superuser"] = UserFactory(username="root", is_superuser=True, is_staff=True)
    for user in u.values():
        if user is not None:
            access.forget(user)

    # --- congress: a regulation, a notification --------------------------------------------
    o["regulation"] = Regulation.objects.create(
        title="海淀区人大常委会议事规则", kind=Regulation.kind.field.choices[0][0]
    )
    notify([deputy], kind="test.matrix", title="测试通知", body="正文", url="/portal/")
    from congress.models import Notification

    o["notification"] = Notification.objects.get(recipient=deputy)

    # --- deputies: stations, a reception day, a voter opinion, duty, training, roster -------
    from deputies import services as dep
    from deputies.models import Mandate, Station, StationKind, TrainingMaterial

    station = o["station"] = Station.objects.create(
        name="北下关街道代表之家",
        kind=StationKind.HOME,
        street=street,
        address="北京市海淀区北下关某路1号",
        phone="010-62000001",
    )
    other_station = Station.objects.create(
        name="中关村街道代表之家", kind=StationKind.HOME, street=other_street, address="中关村"
    )
    Mandate.objects.filter(deputy=deputy.deputy).update(station=station, is_committee_member=True)
    Mandate.objects.filter(deputy=other_deputy.deputy).update(station=other_station)
    o["reception_day"], o["future_reception_day"] = (
        dep.schedule_reception_day(
            station,
            date=day,
            starts_at=dt.time(14, 30),
            ends_at=dt.time(17, 0),
            deputies=[deputy.deputy],
            topic="听取选民意见",
        )
        for day in (dt.date(2026, 11, 11), dt.date(2026, 12, 9))
    )
    o["opinion"] = dep.record_opinion(
        station,
        recorded_by=deputy.deputy,
        content="小区停车难，晚上车辆占用消防通道。",
        category="transport",
        voter_name="赵选民",
        voter_contact="13700001111",
        received_on=dt.date(2026, 11, 11),
        actor=deputy,
    )
    o["duty"] = dep.add_manual_duty(
        deputy.deputy,
        kind="other",
        title="参加社区议事会",
        date=dt.date(2026, 3, 1),
        actor=deputy,
        now=at("2026-11-20"),
    )
    o["training"] = TrainingMaterial.objects.create(
        title="代表履职培训", body="内容", is_published=True, published_on=dt.date(2026, 1, 5)
    )
    from deputies.models import RosterImport

    o["roster_import"] = RosterImport.objects.create(
        term=term,
        filename="roster.xlsx",
        content=b"",
        uploaded_by=daffairs,
        uploaded_at=at("2026-11-20"),
    )

    # --- motions: 李明's motion with nine co-signers, registered, assigned to 区教委 ----------
    from motions import services as mot
    from motions.models import ProgressUpdate, UpdatePhoto, UpdateState

    cosigners = [shared._make_deputy(f"cosigner{i}", f"联名代表{i}", term) for i in range(1, 10)]
    motion = mot.create_draft(
        actor=deputy,
        session=session,
        now=at("2022-01-05"),
        title="关于加快科学城北区道路交通基础设施建设的议案",
        reasons="科学城北区路网密度低。",
        grounds="规划道路实施率不足五成。",
        measures="打通断头路。",
    )
    from congress.uploads import sample_jpeg, sample_pdf

    o["attachment"] = mot.add_attachment(
        motion,
        actor=deputy,
        title="调研报告",
        file=SimpleUploadedFile("调研.pdf", sample_pdf("x"), content_type="application/pdf"),
        now=at("2022-01-05", 10),
    )
    mot.invite_cosigners(
        motion, [c.deputy for c in cosigners], actor=deputy, now=at("2022-01-05", 11)
    )
    for c in cosigners:
        mot.answer_invitation(motion, actor=c, accept=True, now=at("2022-01-05", 12))
    motion.refresh_from_db()
    motion = mot.submit_motion(motion, actor=deputy, now=at("2022-01-06"))
    motion = mot.register_motion(motion, actor=staff, now=at("2022-01-08"))
    motion = mot.assign_motion(
        motion,
        actor=staff,
        lead_unit=unit,
        co_units=[],
        supervising_office=committee_office,
        now=at("2022-02-15"),
    )
    o["motion"] = motion
    o["assignment"] = motion.assignments.get(unit=unit)
    update = o["update"] = ProgressUpdate.objects.create(
        motion=motion,
        kind="inspection",
        title="代表视察",
        text="代表实地查看工程进展。",
        happened_on=dt.date(2022, 3, 10),
        unit=committee_office,
        state=UpdateState.PUBLISHED,
        approved_progress=30,
        published_at=at("2022-03-11"),
    )
    storage = UpdatePhoto._meta.get_field("image").storage
    photo = UpdatePhoto.objects.create(
        update=update,
        image=storage.save("motions/photos/p.jpg", ContentFile(sample_jpeg())),
        thumbnail=storage.save("motions/thumbs/t.jpg", ContentFile(sample_jpeg((16, 12)))),
        width=64,
        height=48,
    )
    o["update_photo"] = photo
    o["session_report"] = mot.ensure_session_report(
        term, now=at("2026-11-20"), office=committee_office, actor=staff
    )

    # --- obligations: the motion's handling plan (an extension asked), a generic one (submitted)
    from congress import deadlines
    from congress.models import Obligation

    o["obligation"] = Obligation.objects.filter(unit=unit).order_by("pk").first()

    def report_owed(subject, title: str) -> Obligation:
        return deadlines.open_obligation(
            unit=unit,
            kind="test.report",
            subject=subject,
            title=title,
            starts_on=dt.date(2026, 11, 1),
            due_date=dt.date(2026, 12, 31),
            supervising_office=office,
            actor=staff,
            now=at("2026-11-01"),
        )

    generic = report_owed(o["regulation"], "实施情况报告")
    o["document"] = deadlines.submit_report(
        generic,
        actor=liaison,
        title="报告",
        text="报告正文",
        file=SimpleUploadedFile("报告.pdf", sample_pdf("report"), content_type="application/pdf"),
        now=at("2026-11-10"),
    )
    o["generic_obligation"] = generic
    ext_ob = report_owed(o["training"], "培训情况报告")
    o["extension"] = deadlines.request_extension(
        ext_ob,
        actor=liaison,
        reason="需要更多时间",
        requested_due_date=dt.date(2027, 1, 31),
        now=at("2026-11-10"),
    )
    o["extension_obligation"] = ext_ob

    # --- suggestions: filed by 李明, assigned to 区教委, replied "B" (a follow-up is owed) ----
    from motions.suggestions import services as sug

    suggestion = o["suggestion"] = sug.file_suggestion(
        deputy=deputy.deputy,
        co_proposers=[],
        title="关于增设学校周边停车接送区的建议",
        content="建议在小学周边增设临时停车接送区。",
        term=term,
        category="教育",
        actor=deputy,
        now=at("2024-01-10"),
    )
    [s_assignment] = sug.assign_suggestion(
        suggestion, lead_unit=unit, actor=staff, now=at("2024-01-15")
    )
    sug.record_contact(
        s_assignment,
        actor=liaison,
        method="phone",
        contacted_on=dt.date(2024, 3, 1),
        note="电话沟通",
        now=at("2024-03-01"),
    )
    reply = o["reply"] = sug.submit_reply(
        s_assignment,
        actor=liaison,
        reply_class="B",
        text="答复内容。",
        letter=SimpleUploadedFile("答复函.pdf", sample_pdf("r"), content_type="application/pdf"),
        now=at("2024-03-01", 11),
    )
    s_assignment.refresh_from_db()
    o["suggestion_assignment"] = s_assignment
    from motions.suggestions.models import FollowUp

    o["follow_up"] = FollowUp.objects.filter(reply=reply).first()

    # --- joint meetings: 北下关 leads an open entry with a photo; a signed-off entry ---------
    from congress.jointmeetings import services as jm
    from congress.jointmeetings.models import JointMeeting, JointMeetingState, MeetingForm

    meeting = o["joint_meeting"] = JointMeeting.objects.create(
        number=1,
        date=dt.date(2026, 11, 5),
        lead=work_committee,
        form=MeetingForm.DISCUSSION,
        topic="第1次主题",
        state=JointMeetingState.RECORDING,
        information="会议纪要",
    )
    o["joint_photo"] = jm.add_photo(
        meeting,
        actor=recorder,
        file=SimpleUploadedFile("p.jpg", sample_jpeg(), content_type="image/jpeg"),
    )
    signed = JointMeeting.objects.create(
        number=2,
        date=dt.date(2026, 9, 5),
        lead=work_committee,
        form=MeetingForm.DISCUSSION,
        topic="第2次主题",
        state=JointMeetingState.RECORDING,
        information="原始纪要",
    )
    o["signed_meeting"] = jm.sign_off(signed, actor=staff)

    # --- experts: 办公室 consults; `expert` is invited, `other_expert` is not -----------------
    from experts import services as exp
    from experts.models import ExpertiseField

    law = ExpertiseField.objects.get_or_create(name="法律", defaults={"sort_order": 10})[0]
    expert.expert.fields.set([law])
    expert.expert.appointment_ends_on = dt.date(2031, 4, 30)
    expert.expert.save(update_fields=["appointment_ends_on"])
    consultation = o["consultation"] = exp.request_consultation(
        actor=staff,
        office=office,
        title="《街道人大工委工作规范（草案）》论证",
        subject_kind="regulation_draft",
        subject_reference="工作规范草案",
        question="请提出修改意见。",
        fields=[law],
        opinion_due=dt.date(2030, 6, 10),
        due_date=dt.date(2030, 6, 30),
        now=at("2030-06-01", 9),
    )
    exp.invite(consultation, [expert.expert], actor=staff, now=at("2030-06-01", 10))
    o["invitation"] = consultation.invitations.get(expert=expert.expert)
    o["expert_profile"] = expert.expert
    o["expertise_field"] = law

    # --- evaluations: 区教委's item in the 2022 campaign, its vote open ----------------------
    from evaluations import services as ev
    from evaluations.models import Phase, PhaseKind
    from tests.evaluations.factories import CampaignFactory, ItemFactory

    campaign = CampaignFactory(term=term, year=2022, lead_office=office)
    Phase.objects.create(campaign=campaign, kind=PhaseKind.MEETING, starts_on=dt.date(2022, 8, 25))
    item = o["item"] = ItemFactory(campaign=campaign, unit=unit, title="学位供给")
    ev.request_self_report(item, actor=staff)
    ev.start_research(item, actor=staff)
    item.refresh_from_db()
    vote = ev.prepare_vote(item, actor=staff)
    o["vote"] = ev.open_vote(vote, actor=staff, notify=False)

    # --- reviews: 教科文卫委 reviews 区教委's report ------------------------------------------
    from evaluations.reviews.models import ReviewTopic, SupervisionPlan

    plan_ = SupervisionPlan.objects.create(term=term, year=2024, title="2024年度监督工作计划")
    o["topic"] = ReviewTopic.objects.create(
        plan=plan_,
        title="区教委关于义务教育均衡发展情况的报告",
        agency=unit,
        committee=committee_office,
        rating_required=True,
    )
    # A second-factor device (the superuser's), so that django-otp's admin pages have a row.
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=u["superuser"], name="手机", confirmed=True)
    StaticDevice.objects.create(user=u["superuser"], name="备用码", confirmed=True)
    for user in u.values():
        if user is not None:
            access.forget(user)
    return w
