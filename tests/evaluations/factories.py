"""Factories for department evaluations."""

from __future__ import annotations

import factory

from evaluations.models import Campaign, Item
from tests.factories import TermFactory, UnitFactory


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign
        django_get_or_create = ("year",)

    term = factory.SubFactory(TermFactory)
    year = 2022
    title = factory.LazyAttribute(lambda o: f"{o.year}年评议政府部门工作")
    is_published = True


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item

    campaign = factory.SubFactory(CampaignFactory)
    unit = factory.SubFactory(UnitFactory)
    title = factory.Sequence(lambda n: f"重点工作{n}")
