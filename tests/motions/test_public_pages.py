"""Public progress pages (云视察): flat queries, filters, search, only published content, no
personal data, share-friendly addresses and feeds."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from congress.uploads import sample_jpeg, sample_mp4
from motions.models import (
    Cosigner,
    CosignerState,
    MotionState,
    ProgressUpdate,
    Topic,
    UpdateKind,
    UpdatePhoto,
    UpdateState,
    UpdateVideo,
)
from tests.motions.factories import MotionFactory, handled_motion

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic(db):
    return Topic.objects.get_or_create(slug="transport", defaults={"name": "交通出行"})[0]


def make_motions(n, session, unit, office, other_unit=None, **kwargs):
    return [
        handled_motion(session, unit=unit, office=office, co_unit=other_unit, **kwargs)
        for _ in range(n)
    ]


@pytest.mark.parametrize("rows", [1, 50])
def test_public_list_costs_the_same_for_1_and_50_motions(
    client, django_assert_num_queries, session, unit, other_unit, committee_office, rows
):
    make_motions(rows, session, unit, committee_office, other_unit)
    # count, rows (latest update, units, topic by subquery/join), years, units, topics
    with django_assert_num_queries(5):
        response = client.get(reverse("motions:public_list"))
    assert response.status_code == 200
    assert response.content.decode().count('class="card motion-card"') == min(rows, 20)


def test_public_list_shows_phase_progress_and_latest_update(
    client, session, unit, committee_office
):
    motion = handled_motion(session, unit=unit, office=committee_office, published=2, progress=40)
    ProgressUpdate.objects.create(
        motion=motion,
        kind=UpdateKind.MEETING,
        title="尚未发布的座谈会",
        text="内部材料",
        happened_on=dt.date(2022, 12, 1),
        unit=unit,
        state=UpdateState.SUBMITTED,
    )
    page = client.get(reverse("motions:public_list")).content.decode()
    assert "督办年" in page
    assert 'value="40"' in page  # the progress bar
    assert "代表视察第2次" in page  # the latest *published* update
    assert "尚未发布的座谈会" not in page


def test_public_list_filters_by_year_phase_unit_topic_and_searches_in_chinese(
    client, session, next_session, unit, other_unit, committee_office, topic
):
    roads = handled_motion(
        session, unit=unit, office=committee_office, title="加快科学城北区道路建设", topic=topic
    )
    school = handled_motion(
        next_session,
        unit=other_unit,
        office=committee_office,
        title="增加学位供给",
        state=MotionState.FOLLOW_UP_1,
    )
    url = reverse("motions:public_list")

    def titles(**params):
        page = client.get(url, params).content.decode()
        return {m.title for m in (roads, school) if m.title in page}

    assert titles() == {roads.title, school.title}
    assert titles(year=2023) == {school.title}
    assert titles(phase="supervision") == {roads.title}
    assert titles(phase="follow_up") == {school.title}
    assert titles(unit=other_unit.pk) == {school.title}
    assert titles(topic="transport") == {roads.title}
    assert titles(q="科学城") == {roads.title}
    assert titles(q="科学城 道路") == {roads.title}
    assert titles(q="学位") == {school.title}
    assert titles(q="地铁") == set()
    # Nonsense filters are ignored, not errors.
    assert client.get(url, {"year": "abc", "phase": "<script>", "unit": "x"}).status_code == 200


def test_drafts_and_refused_motions_are_never_public(
    client, session, deputy, unit, committee_office
):
    for state in (
        MotionState.DRAFT,
        MotionState.SUBMITTED,
        MotionState.NOT_REGISTERED,
        MotionState.CONVERTED,
        MotionState.WITHDRAWN,
    ):
        MotionFactory(
            session=session, state=state, title=f"内部议案{state}", lead_deputy=deputy.deputy
        )
    page = client.get(reverse("motions:public_list")).content.decode()
    assert "内部议案" not in page
    hidden = MotionFactory(session=session, state=MotionState.DRAFT, number=77)
    assert client.get(reverse("motions:public_detail", args=[2022, 77])).status_code == 404
    assert hidden.get_absolute_url().startswith("/portal/")


def _rich_motion(session, unit, office, updates):
    motion = handled_motion(session, unit=unit, office=office, published=0)
    for i in range(updates):
        update = ProgressUpdate.objects.create(
            motion=motion,
            kind=UpdateKind.INSPECTION,
            title=f"云视察第{i + 1}期",
            text="议案督办vlog",
            happened_on=dt.date(2022, 3, 1) + dt.timedelta(days=i),
            unit=office,
            state=UpdateState.PUBLISHED,
            published_at=dt.datetime(2022, 3, 2, tzinfo=dt.UTC),
        )
        UpdatePhoto.objects.create(
            update=update,
            image=ContentFile(sample_jpeg(), name="p.jpg"),
            thumbnail=ContentFile(sample_jpeg(), name="t.jpg"),
        )
        UpdateVideo.objects.create(
            update=update,
            file=ContentFile(sample_mp4(), name="v.mp4"),
            poster=ContentFile(sample_jpeg(), name="poster.jpg"),
        )
    return motion


@pytest.mark.parametrize("updates,others", [(1, 0), (20, 49)])
def test_public_detail_costs_the_same_for_1_and_20_updates(
    client, django_assert_num_queries, session, unit, committee_office, updates, others
):
    motion = _rich_motion(session, unit, committee_office, updates)
    make_motions(others, session, unit, committee_office)  # 1 or 50 motions in all
    # motion (+units, topic), its assignments, its years, updates, their photos, their videos,
    # the co-signers' names
    with django_assert_num_queries(7):
        response = client.get(motion.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count("<video") == updates


def test_detail_page_is_share_friendly_and_shows_no_personal_data(
    client, session, deputy, other_deputy, unit, committee_office
):
    motion = handled_motion(session, unit=unit, office=committee_office, lead_deputy=deputy.deputy)
    Cosigner.objects.create(
        motion=motion, deputy=other_deputy.deputy, state=CosignerState.CONFIRMED
    )
    url = reverse("motions:public_detail", args=[motion.year, motion.number])
    assert motion.get_absolute_url() == url == f"/motions/2022/{motion.number}/"
    page = client.get(url).content.decode()
    assert f"<title>{motion.label} {motion.title}" in page
    assert f'<meta property="og:title" content="{motion.label} {motion.title}">' in page
    assert 'property="og:description"' in page
    assert "李明" in page and "王芳" in page  # names of the lead deputy and co-signer
    for private in ("13912345678", "liming@example.test", "wangfang@example.test"):
        assert private not in page
    assert reverse("motions:motion_feed", args=[motion.year, motion.number]) in page


def test_unpublished_media_are_not_served_to_the_public(client, session, unit, committee_office):
    motion = _rich_motion(session, unit, committee_office, 1)
    photo = UpdatePhoto.objects.get(update__motion=motion)
    video = UpdateVideo.objects.get(update__motion=motion)
    response = client.get(reverse("motions:update_file", args=["thumb", photo.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "public" in response["Cache-Control"]
    partial = client.get(
        reverse("motions:update_file", args=["video", video.pk]), HTTP_RANGE="bytes=0-9"
    )
    assert partial.status_code == 206
    assert partial["Content-Range"].startswith("bytes 0-9/")
    assert len(partial.content) == 10
    ProgressUpdate.objects.filter(pk=photo.update_id).update(state=UpdateState.WITHDRAWN)
    for kind, pk in (
        ("thumb", photo.pk),
        ("photo", photo.pk),
        ("video", video.pk),
        ("poster", video.pk),
    ):
        assert client.get(reverse("motions:update_file", args=[kind, pk])).status_code == 404
    assert client.get(reverse("motions:update_file", args=["other", photo.pk])).status_code == 404


@pytest.mark.parametrize("rows", [1, 20])
def test_feeds_cost_the_same_for_1_and_20_updates(
    client, django_assert_num_queries, session, unit, committee_office, rows
):
    motion = handled_motion(session, unit=unit, office=committee_office, published=rows)
    with django_assert_num_queries(1):  # updates with their motion and unit
        assert client.get(reverse("motions:feed")).status_code == 200
    with django_assert_num_queries(2):  # the motion, its updates
        assert (
            client.get(reverse("motions:motion_feed", args=[2022, motion.number])).status_code
            == 200
        )


def test_atom_feeds_list_only_published_updates(client, session, unit, committee_office):
    motion = handled_motion(session, unit=unit, office=committee_office, published=2)
    ProgressUpdate.objects.create(
        motion=motion,
        kind=UpdateKind.MILESTONE,
        title="内部草稿",
        text="不公开",
        happened_on=dt.date(2022, 6, 1),
        unit=unit,
        state=UpdateState.SUBMITTED,
    )
    for url in (
        reverse("motions:feed"),
        reverse("motions:motion_feed", args=[motion.year, motion.number]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/atom+xml")
        body = response.content.decode()
        assert body.count("<entry>") == 2
        assert "代表视察第1次" in body and "内部草稿" not in body
    assert client.get(reverse("motions:motion_feed", args=[2022, 999])).status_code == 404


def test_home_page_shows_the_latest_published_progress(client, session, unit, committee_office):
    handled_motion(session, unit=unit, office=committee_office, published=1)
    page = client.get(reverse("public:home")).content.decode()
    assert "代表视察第1次" in page
