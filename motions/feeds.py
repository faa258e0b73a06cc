"""Atom feeds of published progress updates: all motions, and one motion (follow without login)."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from motions import queries
from motions.models import ProgressUpdate

FEED_SIZE = 30


class LatestUpdatesFeed(Feed):
    """The latest published updates of every registered motion (no personal data: no author)."""

    feed_type = Atom1Feed
    title = _("Motion progress (cloud inspection)")
    subtitle = _("Published progress updates on the motions of the district people's congress.")

    def link(self):
        return reverse("motions:public_list")

    def feed_url(self):
        return reverse("motions:feed")

    def items(self):
        return (
            queries.published_updates()
            .select_related("motion", "unit")
            .order_by("-published_at", "-id")[:FEED_SIZE]
        )

    def item_title(self, item: ProgressUpdate) -> str:
        return f"{item.motion.label} {item.title}"

    def item_description(self, item: ProgressUpdate) -> str:
        return (
            f"{item.get_kind_display()} · {item.unit} · {item.happened_on:%Y-%m-%d}\n\n{item.text}"
        )

    def item_link(self, item: ProgressUpdate) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: ProgressUpdate) -> str:
        return f"tag:motions,{item.published_at:%Y-%m-%d}:update-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: ProgressUpdate):
        return item.published_at or timezone.now()

    def item_updateddate(self, item: ProgressUpdate):
        return item.published_at or timezone.now()

    def item_categories(self, item: ProgressUpdate):
        return [str(item.get_kind_display())]


class MotionUpdatesFeed(LatestUpdatesFeed):
    """The published updates of one motion."""

    def get_object(self, request, year: int, number: int):
        motion = queries.public_motions().filter(year=year, number=number).first()
        if motion is None:
            raise Http404
        return motion

    def title(self, motion):
        return f"{motion.label} {motion.title}"

    def subtitle(self, motion):
        return _("Published progress of this motion (cloud inspection).")

    def link(self, motion):
        return motion.get_absolute_url()

    def feed_url(self, motion):
        return reverse("motions:motion_feed", args=[motion.year, motion.number])

    def items(self, motion):
        return (
            queries.published_updates()
            .filter(motion=motion)
            .select_related("motion", "unit")
            .order_by("-published_at", "-id")[:FEED_SIZE]
        )
