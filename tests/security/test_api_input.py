"""Malformed input to the API answers 400 with the structured, translated error (congress.api):
the pagination parameters, every declared filter parameter (booleans included), and ids in the
URL that are not numbers (404, never a 500). The schema documents what the API really answers
(wall-clock times, a rule that may be null). Found or hardened after the Schemathesis run."""

from __future__ import annotations

import re

import pytest
from drf_spectacular.generators import SchemaGenerator

from congress.models import UnitKind
from deputies.models import Mandate
from evaluations.reviews.models import Rating, ReviewTopic, SupervisionPlan, TopicState
from tests.factories import OfficeFactory, UnitFactory


def _refused(response, field: str) -> str:
    """The 400 body's message for `field` (the structure every API error has)."""
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["message"] == "输入内容有误。"  # translated by congress.api
    return error["fields"][field][0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("page_size=abc", "page_size", "请填写合法的整数值。"),
        ("page_size=0", "page_size", "请确保该值大于或者等于 1。"),
        ("page_size=-5", "page_size", "请确保该值大于或者等于 1。"),
        ("page_size=2.5", "page_size", "请填写合法的整数值。"),
        ("page=last", "page", "请填写合法的整数值。"),  # DRF would read it as the last page
        ("page=", "page", "请填写合法的整数值。"),
        ("page=0", "page", "请确保该值大于或者等于 1。"),
    ],
)
def test_malformed_pagination_parameters_answer_400(client, query, field, message):
    assert _refused(client.get(f"/api/motions/?{query}"), field) == message


@pytest.mark.django_db
def test_well_formed_pagination_still_works_and_a_page_past_the_end_is_404(client):
    response = client.get("/api/motions/?page=1&page_size=5")
    assert response.status_code == 200 and response.json()["count"] == 0
    assert client.get("/api/motions/?page_size=500").status_code == 200  # reduced to 100
    assert client.get("/api/motions/?page=7").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["maybe", "yes", "2"])
def test_a_malformed_boolean_filter_answers_400(client, value):
    """django-filter reads anything but true/false/1/0 as "no filter"; congress.api's backend
    refuses it (suggestions' `is_key` is a public boolean filter)."""
    assert (
        _refused(client.get(f"/api/suggestions/?is_key={value}"), "is_key")
        == "必须是有效的布尔值。"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["true", "false", "1", "0", "TRUE"])
def test_a_well_formed_boolean_filter_is_applied(client, value):
    assert client.get(f"/api/suggestions/?is_key={value}").status_code == 200


@pytest.mark.django_db
def test_other_malformed_filter_values_answer_400_with_every_field(client):
    response = client.get("/api/suggestions/?state=nonsense&category=abc&is_key=maybe")
    assert set(response.json()["error"]["fields"]) == {"state", "category", "is_key"}
    _refused(response, "state")
    start = client.get("/api/reception-days/?start=2026-13-45")
    assert _refused(start, "start")


@pytest.mark.django_db
def test_a_filter_parameter_of_a_detail_url_is_checked_too(client):
    """DRF's get_object filters the queryset: a malformed filter on a detail URL is also 400."""
    assert client.get("/api/suggestions/1/?is_key=maybe").status_code == 400


def test_times_are_documented_as_wall_clock_strings():
    """Schemathesis: "17:00:00" is not an OpenAPI `format: time` (RFC 3339 wants an offset)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    props = schema["components"]["schemas"]["ReceptionDay"]["properties"]
    for name in ("starts_at", "ends_at"):
        assert props[name]["type"] == "string" and "format" not in props[name]
        pattern = re.compile(props[name]["pattern"])
        assert (
            pattern.search("17:00:00") and pattern.search("09:30") and pattern.search("08:00:00.5")
        )
        assert not pattern.search("25:00") and not pattern.search("17:00:00+08:00")


def test_an_obligations_rule_is_documented_as_nullable():
    """Schemathesis: an obligation with an explicit due date has no rule (null)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert schema["components"]["schemas"]["Obligation"]["properties"]["rule"]["nullable"] is True


@pytest.fixture
def rating_topic(term):
    plan = SupervisionPlan.objects.create(term=term, year=2024, title="2024年度监督工作计划")
    return ReviewTopic.objects.create(
        plan=plan,
        title="区人民法院关于行政审判工作情况的报告",
        agency=UnitFactory(name="区人民法院", kind=UnitKind.COURT),
        committee=OfficeFactory(name="监察和司法委员会", office_role="special_committee"),
        rating_required=True,
        state=TopicState.RATING,
    )


@pytest.mark.django_db
def test_rating_through_the_api_finds_a_topic_open_for_rating_and_404s_anything_else(
    client, deputy, rating_topic
):
    """The rate action looks the topic up among those open for rating (not the viewset's
    published ones) with congress.api's shared lookup: a malformed id is 404, not a 500."""
    Mandate.objects.filter(deputy__user=deputy).update(is_committee_member=True)
    client.force_login(deputy)
    for bad in ("null", "%C3%9E", "-1", "99999999999999999999999"):
        response = client.post(f"/api/reviews/{bad}/rate/", {"value": "satisfied"})
        assert response.status_code == 404, bad
        assert response.json()["error"]["code"] == "not_found"
    # A dot is outside the router's id pattern: Django's own 404 page.
    assert client.post("/api/reviews/0.8/rate/", {"value": "satisfied"}).status_code == 404
    response = client.post(f"/api/reviews/{rating_topic.pk}/rate/", {"value": "satisfied"})
    assert response.status_code == 201
    assert Rating.objects.filter(topic=rating_topic, member=deputy).count() == 1
    rating_topic.state = TopicState.CONCLUDED
    rating_topic.save(update_fields=["state"])
    closed = client.post(f"/api/reviews/{rating_topic.pk}/rate/", {"value": "satisfied"})
    assert closed.status_code == 404


@pytest.mark.django_db
def test_consultation_actions_answer_404_to_an_id_that_is_not_a_number(client, staff):
    client.force_login(staff)
    for path in ("null/suggestions/", "0.8/suggestions/"):
        assert client.get(f"/api/consultations/{path}").status_code == 404
    for path in ("null/summarise/", "true/invite/"):
        assert client.post(f"/api/consultations/{path}", {}).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "year=-6.616258258964427e-77",  # was a 500: a decimal in the year lookup of a date
        "year=99999",  # was a 500 too: beyond what a date holds
        "term=10.5",  # was read as 10
        "category=abc",
        "unit=1.5",
    ],
)
def test_id_and_year_filters_take_whole_numbers_only(client, query):
    name = query.split("=")[0]
    assert _refused(client.get(f"/api/suggestions/?{query}"), name)


@pytest.mark.django_db
def test_id_and_year_filters_still_filter(client):
    assert client.get("/api/suggestions/?year=2026&term=1&unit=3").status_code == 200
    assert client.get("/api/motions/?year=2026&unit=3").status_code == 200


def test_id_and_year_filters_are_documented_as_integers_and_public_reads_need_no_session():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, names in (
        ("/api/suggestions/", {"year", "unit", "category", "term"}),
        ("/api/motions/", {"year", "unit"}),
        ("/api/motion-updates/", {"motion"}),
        ("/api/deputies/", {"group", "station"}),
        ("/api/evaluation-results/", {"year"}),
        ("/api/reviews/", {"year"}),
    ):
        params = {p["name"]: p["schema"] for p in schema["paths"][path]["get"]["parameters"]}
        assert {n: params[n]["type"] for n in names} == dict.fromkeys(names, "integer"), path
    # Schemathesis: anonymous visitors read published reviews, but the session cookie was
    # documented as required there; writing still requires it.
    assert {} in schema["paths"]["/api/reviews/"]["get"]["security"]
    assert {} not in schema["paths"]["/api/reviews/"]["post"]["security"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/motions/?unit=", "unit"),
        ("/api/reception-days/?station=", "station"),
        ("/api/suggestions/?state=", "state"),
        ("/api/reception-days/?start=", "start"),
        ("/api/suggestions/?is_key=", "is_key"),
    ],
)
def test_an_empty_filter_value_means_no_filter_and_is_documented_so(client, path, name):
    """Web forms (the browsable API's filter form too) send every field, the empty ones empty:
    that is "no filter", as in django-filter, and the schema allows it (`allowEmptyValue`)."""
    base = path.split("?")[0]
    response = client.get(path)
    assert response.status_code == 200
    assert response.json()["count"] == client.get(base).json()["count"]
    schema = client.get("/api/schema/?format=json").json()
    [param] = [p for p in schema["paths"][base]["get"]["parameters"] if p["name"] == name]
    assert param["allowEmptyValue"] is True


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["false", "", "-34597396121455625739698176", "10000", "0"])
def test_the_suggestion_statistics_refuse_a_malformed_year(client, year):
    """Found by a wider fuzz run: `?year=false` was read as every year, a huge year was a 500."""
    assert _refused(client.get(f"/api/suggestions/stats/?year={year}"), "year")


@pytest.mark.django_db
def test_the_suggestion_statistics_take_a_year_or_none(client):
    assert client.get("/api/suggestions/stats/?year=2026").json()["total"] == 0
    assert client.get("/api/suggestions/stats/").status_code == 200
