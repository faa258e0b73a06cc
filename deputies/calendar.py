"""iCalendar feeds of reception days (icalendar), so voters know when to come."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Event

from deputies.models import ReceptionDay, Station


def station_calendar(station: Station, days, request=None) -> bytes:
    """A VCALENDAR with one VEVENT per reception day. Only public data: the station, the time,
    the topic and the names of the deputies on duty (never contacts)."""
    tz = ZoneInfo(settings.TIME_ZONE)
    cal = Calendar()
    cal.add("prodid", "-//Haidian District People's Congress//Deputies' stations//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{station.name} 代表接待日")
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    host = request.get_host() if request is not None else "haidian.invalid"
    url = request.build_absolute_uri(station.get_absolute_url()) if request is not None else ""
    for day in days:
        cal.add_component(_event(day, station, tz, host, url))
    return cal.to_ical()


def _event(day: ReceptionDay, station: Station, tz, host: str, url: str) -> Event:
    event = Event()
    event.add("uid", f"reception-{day.pk}@{host}")
    event.add("dtstamp", dt.datetime.now(dt.UTC))
    event.add("dtstart", dt.datetime.combine(day.date, day.starts_at, tzinfo=tz))
    event.add("dtend", dt.datetime.combine(day.date, day.ends_at, tzinfo=tz))
    event.add("summary", f"代表接待日 · {station.name}")
    names = "、".join(d.name for d in day.deputies.all())
    lines = [day.topic] if day.topic else []
    if names:
        lines.append(f"接待代表：{names}")
    if station.phone:
        lines.append(f"联系电话：{station.phone}")
    event.add("description", "\n".join(lines))
    event.add("location", station.address)
    if url:
        event.add("url", url)
    return event
