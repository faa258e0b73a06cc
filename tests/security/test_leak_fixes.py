"""Regression tests of the leaks and schema mismatches the matrix and the fuzzer found (each is
also a row of the matrix or an operation of the fuzz run; these say it in one place, fast)."""

from __future__ import annotations

import pytest

from tests.security.routes import clients


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["answer", "forward", "reply", "report", "close"])
def test_an_opinion_nobody_may_see_answers_404_whatever_the_body(world, world_files, action):
    """The voter-opinion actions used to validate the body first: 400 told a stranger that the
    opinion exists. Now the opinion is looked up and the permission checked before the body."""
    by_role = clients(world.users)
    path = f"/api/voter-opinions/{world.objects['opinion'].pk}/{action}/"
    for role in ("other_deputy", "liaison", "other_liaison", "recorder", "expert", "committee"):
        assert by_role[role].post(path, {}, content_type="application/json").status_code == 404
    # 办公室 staff may read the opinion but not handle it: 403, not a validation error.
    assert by_role["staff"].post(path, {}, content_type="application/json").status_code == 403
    # Someone allowed still gets the validation error for an empty body.
    allowed = "daffairs" if action == "reply" else "deputy"
    response = by_role[allowed].post(path, {}, content_type="application/json")
    assert response.status_code == 400


@pytest.mark.django_db
def test_a_deputy_without_group_or_station_is_documented_as_null(world, world_files):
    """Schemathesis: /api/deputies/ returned null for `group` and `station` where the schema
    said string. The fields are now nullable in the schema."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    mandate = schema["components"]["schemas"]["PublicMandate"]["properties"]
    assert mandate["group"].get("nullable") is True
    assert mandate["station"].get("nullable") is True
    data = clients({"anonymous": None})["anonymous"].get("/api/deputies/").json()
    other = next(d for d in data["results"] if d["name"] == "李明")
    assert other["mandates"][0]["group"] is None  # the world's deputies have no group


@pytest.mark.django_db
def test_a_joint_meeting_id_that_is_not_a_number_answers_404(world, world_files):
    """Schemathesis: POST /api/joint-meetings/null/entry/ and …/<garbage>/sign-off/ were 500."""
    by_role = clients({"recorder": world.users["recorder"], "staff": world.users["staff"]})
    entry = by_role["recorder"].post("/api/joint-meetings/null/entry/", {"information": "x"})
    assert entry.status_code == 404
    sign_off = by_role["staff"].post("/api/joint-meetings/%C3%9E/sign-off/")
    assert sign_off.status_code == 404


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/api/consultations/{id}/suggestions/", "get"),
        ("/api/evaluation-ballots/{id}/participants/", "get"),
        ("/api/consultations/{id}/invite/", "post"),
    ],
)
def test_actions_answering_a_plain_list_are_documented_as_one(path, method):
    """Schemathesis: these actions answer a JSON array; the schema documented a paginated object."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    body = schema["paths"][path][method]["responses"]["200"]["content"]["application/json"]
    assert body["schema"]["type"] == "array"


@pytest.mark.django_db
def test_an_opinion_not_forwarded_has_a_null_unit_name_and_the_schema_allows_it(world):
    """Schemathesis: voter-opinion responses had null where the schema said string."""
    from drf_spectacular.generators import SchemaGenerator

    from deputies.api import OpinionSerializer

    assert OpinionSerializer(world.objects["opinion"]).data["forwarded_to_name"] is None
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for name in ("Opinion", "OpinionDetail"):
        assert schema["components"]["schemas"][name]["properties"]["forwarded_to_name"]["nullable"]
