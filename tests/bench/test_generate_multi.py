"""The multi-congress profile of the scale data generator: a city with 16 district congresses."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from bench.generate import generate
from congress.models import Congress, Street, Term, Unit
from deputies.models import Station
from evaluations.models import Campaign
from motions.models import Motion

pytestmark = pytest.mark.django_db


def test_sixteen_district_congresses_under_the_city_one_of_them_default(client):
    generate("multi", 0.001, seed=9, today=dt.date(2026, 11, 26), out=io.StringIO())

    city = Congress.objects.get(level="city")
    districts = Congress.objects.filter(level="district")
    assert districts.count() == 16
    assert set(districts.values_list("parent", flat=True)) == {city.pk}
    assert districts.filter(is_default=True).get().name == "海淀区人民代表大会"
    # One current term each; their own units, streets and stations (names stay unique).
    assert Term.objects.filter(is_current=True).count() == 16
    assert Unit.objects.filter(name__startswith="朝阳区").exists()
    assert Street.objects.count() == 16 * Street.objects.filter(name__startswith="朝阳").count()
    assert Station.objects.filter(name__startswith="延庆区").exists()
    # Every congress has motions; evaluations only for the default district (a year is unique).
    assert set(Motion.objects.values_list("term__congress", flat=True)) == set(
        districts.values_list("pk", flat=True)
    )
    assert set(Campaign.objects.values_list("term__congress__name", flat=True)) == {
        "海淀区人民代表大会"
    }
    # The public motion list shows the default congress's motions only.
    response = client.get("/api/motions/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert (
        response.json()["count"]
        == Motion.objects.filter(term__congress__is_default=True, number__isnull=False)
        .exclude(state__in=["draft", "submitted", "not_registered", "converted", "withdrawn"])
        .count()
    )
