"""Field-level access to personal data in the API, per role (issue 11, access control 2).

The rules (docs/deputies.md, docs/experts.md, CONTRIBUTING "Standards"):
- deputies' mobile and e-mail: only for registry staff (`deputies.change_deputy`: 代表工委 and the
  superuser) on `/api/deputies/`; everybody else, anonymous included, gets the public fields;
- experts' mobile and e-mail: `/api/experts/` never; `/api/expert-contacts/` staff only;
- voters' name and contact: never in a list; on `GET /api/voter-opinions/<id>/` only for the
  deputies serving at the station and staff with `deputies.view_voter_contact` (代表工委); 办公室
  staff read the opinion with the fields present and null; everyone else gets 404;
- writable: a voter opinion's fields (the voter's name and contact included) only for a deputy of
  the station; a duty record's owner, publication flag and kind label are read-only.

`test_personal_values_appear_only_where_allowed` sweeps every GET route of the API as every role
and looks for the world's personal values in the raw response, so a new serializer that leaks a
contact fails even if nobody thought of it.
"""

from __future__ import annotations

import json

import pytest

from tests.security.routes import clients, fill, project_routes
from tests.security.test_route_matrix import GROUPS, kwargs_for
from tests.security.world import ROLES

DEPUTY_MOBILE = "13912345678"  # every world deputy (tests/conftest.py `_make_deputy`)
DEPUTY_EMAIL = "liming@example.test"
EXPERT_MOBILE = "13800000000"
EXPERT_EMAIL = "expert@example.test"
VOTER_NAME = "赵选民"
VOTER_CONTACT = "13700001111"

PUBLIC_DEPUTY_FIELDS = {"id", "name", "gender", "party", "occupation", "photo", "bio", "mandates"}
CONTACT_FIELDS = {"mobile", "email"}
REGISTRY = {"daffairs", "superuser"}  # deputies.change_deputy / view_voter_contact
VOTER_DATA_ROLES = {"deputy", "daffairs", "superuser"}
OPINION_READERS = {"deputy", "staff", "daffairs", "superuser"}

# Where each personal value may appear: API route key → roles allowed to see it there.
ALLOWED = {
    DEPUTY_MOBILE: {"deputy-list": REGISTRY, "deputy-detail": REGISTRY},
    DEPUTY_EMAIL: {"deputy-list": REGISTRY, "deputy-detail": REGISTRY},
    EXPERT_MOBILE: {
        "expert-contact-list": set(GROUPS["staffs"]),
        "expert-contact-detail": set(GROUPS["staffs"]),
    },
    EXPERT_EMAIL: {
        "expert-contact-list": set(GROUPS["staffs"]),
        "expert-contact-detail": set(GROUPS["staffs"]),
    },
    VOTER_NAME: {"voter-opinion-detail": VOTER_DATA_ROLES},
    VOTER_CONTACT: {"voter-opinion-detail": VOTER_DATA_ROLES},
}


def _json(response):
    return json.loads(response.content.decode())


def _results(data):
    return data["results"] if isinstance(data, dict) and "results" in data else data


@pytest.mark.django_db
def test_personal_values_appear_only_where_allowed(world, world_files):
    routes = {
        k: r
        for k, r in project_routes().items()
        if r.pattern.startswith("api/^") and not k.endswith("-root")
    }
    by_role = clients(world.users)
    leaks, seen, asked = [], set(), 0
    for key, route in sorted(routes.items()):
        path = fill(route, kwargs_for(key, route, world.objects))
        for role in ROLES:
            response = by_role[role].get(path)
            if response.status_code == 405:
                break  # a POST-only action
            asked += 1
            body = response.content.decode()
            for value, places in ALLOWED.items():
                if value in body:
                    seen.add((value, key, role))
                    if role not in places.get(key, ()):
                        leaks.append(f"{value} in GET {path} as {role}")
    assert not leaks, "personal data where it must not be:\n" + "\n".join(leaks)
    # And the sweep can see: each value does appear where it is allowed.
    for value, places in ALLOWED.items():
        for key, roles in places.items():
            for role in roles:
                assert (value, key, role) in seen, f"{value} should be shown on {key} to {role}"
    assert asked > 300


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_deputy_fields_per_role(world, world_files, role):
    client = clients({role: world.users[role]})[role]
    pk = world.objects["deputy_profile"].pk
    detail = _json(client.get(f"/api/deputies/{pk}/"))
    listed = _results(_json(client.get("/api/deputies/")))
    for item in [detail, *listed]:
        if role in REGISTRY:
            assert set(item) >= CONTACT_FIELDS, item.keys()
        else:
            assert set(item) == PUBLIC_DEPUTY_FIELDS, set(item) ^ PUBLIC_DEPUTY_FIELDS
    if role in REGISTRY:
        assert (detail["mobile"], detail["email"]) == (DEPUTY_MOBILE, DEPUTY_EMAIL)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_expert_fields_per_role(world, world_files, role):
    client = clients({role: world.users[role]})[role]
    pk = world.objects["expert_profile"].pk
    public = _json(client.get(f"/api/experts/{pk}/"))
    assert set(public) == {"id", "name", "organisation", "title", "fields"}
    contacts = client.get(f"/api/expert-contacts/{pk}/")
    if role in GROUPS["staffs"]:
        assert contacts.status_code == 200
        data = _json(contacts)
        assert (data["mobile"], data["email"]) == (EXPERT_MOBILE, EXPERT_EMAIL)
    else:
        assert contacts.status_code == 403
        assert EXPERT_MOBILE not in contacts.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_voter_fields_per_role(world, world_files, role):
    client = clients({role: world.users[role]})[role]
    opinion = world.objects["opinion"]
    listed = client.get("/api/voter-opinions/")
    if role == "anonymous":
        assert listed.status_code == 403
    else:
        for item in _results(_json(listed)):
            assert not {"voter_name", "voter_contact"} & set(item)  # lists never carry them
    detail = client.get(f"/api/voter-opinions/{opinion.pk}/")
    if role not in OPINION_READERS:
        assert detail.status_code in (403, 404)
        return
    data = _json(detail)
    assert {"voter_name", "voter_contact"} <= set(data)
    if role in VOTER_DATA_ROLES:
        assert (data["voter_name"], data["voter_contact"]) == (VOTER_NAME, VOTER_CONTACT)
    else:
        assert data["voter_name"] is None and data["voter_contact"] is None


@pytest.mark.django_db
def test_only_the_station_deputy_writes_voter_opinion_fields(world, world_files):
    from deputies.models import VoterOpinion

    station = world.objects["station"].pk
    body = {
        "station": station,
        "category": world.objects["opinion"].category,
        "content": "路灯不亮。",
        "voter_name": "钱选民",
        "voter_contact": "13600002222",
    }
    by_role = clients(world.users)
    for role in ROLES:
        before = VoterOpinion.objects.count()
        response = by_role[role].post("/api/voter-opinions/", body, content_type="application/json")
        if role == "deputy":
            assert response.status_code == 201, response.content
            created = VoterOpinion.objects.latest("pk")
            assert (created.voter_name, created.voter_contact) == ("钱选民", "13600002222")
            # The creation response is the list serializer: no voter data echoed back.
            assert "13600002222" not in response.content.decode()
            created.delete()
        else:
            assert response.status_code in (403, 404, 400), (role, response.status_code)
            assert VoterOpinion.objects.count() == before, role


@pytest.mark.django_db
def test_duty_record_owner_and_publication_are_read_only(world, world_files):
    from deputies.models import DutyRecord

    client = clients({"deputy": world.users["deputy"]})["deputy"]
    other = world.users["other_deputy"].deputy
    response = client.post(
        "/api/duty-records/",
        {
            "kind": "other",
            "title": "走访社区",
            "date": "2026-11-02",
            "deputy": other.pk,
            "is_published": True,
            "is_manual": False,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    record = DutyRecord.objects.get(pk=_json(response)["id"])
    assert record.deputy == world.users["deputy"].deputy  # not the one sent
    assert record.is_published is False and record.is_manual is True
