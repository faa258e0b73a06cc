"""Roster import and export (代表名册): one XLSX format both ways.

Staff upload a roster for a term, see a preview with the errors of every row, and confirm. The
confirmed import parses the stored file again and re-validates against the database as it is then,
inside one transaction: either every row is imported or none is.

National ID numbers are never stored: a file with an ID column is refused as a whole.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from congress.errors import InvalidInput
from congress.models import Term
from deputies.models import (
    Deputy,
    DeputyGroup,
    Mandate,
    MandateStatus,
    RosterImport,
    RosterImportState,
    Station,
)

# (header, key) in file order. The headers are the format: export writes them, import needs them.
COLUMNS = [
    ("代表编号", "number"),
    ("姓名", "name"),
    ("性别", "gender"),
    ("出生年份", "birth_year"),
    ("民族", "ethnicity"),
    ("政治面貌", "party"),
    ("工作单位及职务", "occupation"),
    ("选区", "electoral_unit"),
    ("代表小组", "group"),
    ("联络站", "station"),
    ("状态", "status"),
    ("常委会组成人员", "committee"),
    ("手机", "mobile"),
    ("电子邮箱", "email"),
    ("通讯地址", "address"),
]
REQUIRED = ("number", "name", "gender")
GENDERS = {"男": "M", "女": "F"}
STATUSES = {
    "在任": MandateStatus.SERVING,
    "辞职": MandateStatus.RESIGNED,
    "终止": MandateStatus.TERMINATED,
}
YES_NO = {"是": True, "否": False, "": False}
ID_HEADERS = ("身份证", "证件号", "公民身份号码")
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
MAX_ROWS = 2000


@dataclass
class Row:
    line: int
    values: dict
    errors: list[str] = field(default_factory=list)
    action: str = ""  # "create" or "update"


@dataclass
class Parsed:
    rows: list[Row]
    file_errors: list[str]

    @property
    def error_count(self) -> int:
        return len(self.file_errors) + sum(1 for r in self.rows if r.errors)

    @property
    def ok(self) -> bool:
        return self.error_count == 0 and bool(self.rows)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse(content: bytes, term: Term) -> Parsed:
    """Read and validate every row against the database (nothing is written)."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable workbook is the same user error
        return Parsed([], [gettext("The file is not a readable XLSX workbook.")])
    ws = wb.worksheets[0]
    lines = ws.iter_rows(values_only=True)
    header = [_cell(v) for v in next(lines, ())]
    if any(any(marker in h for marker in ID_HEADERS) for h in header):
        return Parsed(
            [],
            [
                gettext(
                    "The file has a national ID column: remove it, the portal does not store ID numbers."
                )
            ],
        )
    index = {}
    missing = []
    for title, key in COLUMNS:
        if title in header:
            index[key] = header.index(title)
        else:
            missing.append(title)
    if missing:
        return Parsed([], [gettext("Missing columns: %(cols)s.") % {"cols": "、".join(missing)}])

    groups = {g.name: g for g in DeputyGroup.objects.all()}
    stations = {s.name: s for s in Station.objects.all()}
    known = set(Deputy.objects.filter(number__isnull=False).values_list("number", flat=True))
    rows: list[Row] = []
    seen: dict[str, int] = {}
    this_year = timezone.localdate().year
    for n, raw in enumerate(lines, start=2):
        if raw is None or all(_cell(v) == "" for v in raw):
            continue
        if len(rows) >= MAX_ROWS:
            return Parsed(rows, [gettext("Too many rows: at most %(n)d.") % {"n": MAX_ROWS}])
        v = {key: _cell(raw[i]) if i < len(raw) else "" for key, i in index.items()}
        row = Row(line=n, values=v)
        err = row.errors
        for key in REQUIRED:
            if not v[key]:
                err.append(
                    gettext("%(col)s is required.") % {"col": dict((k, t) for t, k in COLUMNS)[key]}
                )
        if v["number"]:
            if v["number"] in seen:
                err.append(
                    gettext("Deputy number %(n)s is repeated (also on row %(row)d).")
                    % {"n": v["number"], "row": seen[v["number"]]}
                )
            seen.setdefault(v["number"], n)
            row.action = "update" if v["number"] in known else "create"
        if v["gender"] and v["gender"] not in GENDERS:
            err.append(gettext("Gender must be 男 or 女."))
        year = v["birth_year"]
        if year and (not year.isdigit() or not 1900 <= int(year) <= this_year - 18):
            err.append(gettext("Year of birth “%(v)s” is not a valid year.") % {"v": year})
        if v["group"] and v["group"] not in groups:
            err.append(gettext("Unknown deputy group “%(v)s”.") % {"v": v["group"]})
        if v["station"] and v["station"] not in stations:
            err.append(gettext("Unknown station “%(v)s”.") % {"v": v["station"]})
        if v["status"] and v["status"] not in STATUSES:
            err.append(gettext("Status must be 在任, 辞职 or 终止."))
        if v["committee"] not in YES_NO:
            err.append(gettext("Standing committee member must be 是 or 否."))
        if v["mobile"] and not MOBILE_RE.match(v["mobile"]):
            err.append(
                gettext("Mobile “%(v)s” is not an 11-digit mobile number.") % {"v": v["mobile"]}
            )
        if v["email"]:
            try:
                validate_email(v["email"])
            except ValidationError:
                err.append(gettext("E-mail “%(v)s” is not valid.") % {"v": v["email"]})
        for key, limit in (("name", 50), ("number", 20), ("occupation", 200), ("address", 200)):
            if len(v[key]) > limit:
                err.append(
                    gettext("%(col)s is too long.") % {"col": dict((k, t) for t, k in COLUMNS)[key]}
                )
        rows.append(row)
    if not rows:
        return Parsed([], [gettext("The roster has no rows.")])
    return Parsed(rows, [])


def upload(
    *, content: bytes, filename: str, term: Term, actor, now=None
) -> tuple[RosterImport, Parsed]:
    """Store the upload for preview. Nothing is imported yet."""
    parsed = parse(content, term)
    record = RosterImport.objects.create(
        term=term,
        filename=filename[:200],
        content=content,
        uploaded_by=actor,
        uploaded_at=now or timezone.now(),
        row_count=len(parsed.rows),
        error_count=parsed.error_count,
    )
    return record, parsed


def confirm(record: RosterImport, *, actor, now=None) -> RosterImport:
    """Re-validate and import every row in one transaction.

    Errors: `already_done`; `roster_invalid` (nothing is imported) when any row fails now.
    """
    with transaction.atomic():
        record = RosterImport.objects.select_for_update().get(pk=record.pk)
        if record.state != RosterImportState.PREVIEW:
            raise InvalidInput("already_done", _("This roster upload has already been handled."))
        parsed = parse(bytes(record.content), record.term)
        if not parsed.ok:
            record.error_count = parsed.error_count
            record.save(update_fields=["error_count"])
            raise InvalidInput(
                "roster_invalid",
                _(
                    "The roster has errors; nothing was imported. Correct the file and upload it again."
                ),
            )
        created = updated = 0
        groups = {g.name: g for g in DeputyGroup.objects.all()}
        stations = {s.name: s for s in Station.objects.all()}
        term = record.term
        for row in parsed.rows:
            v = row.values
            fields = {
                "name": v["name"],
                "gender": GENDERS[v["gender"]],
                "birth_year": int(v["birth_year"]) if v["birth_year"] else None,
                "ethnicity": v["ethnicity"],
                "party": v["party"],
                "occupation": v["occupation"],
                "mobile": v["mobile"],
                "email": v["email"],
                "address": v["address"],
            }
            deputy = Deputy.objects.filter(number=v["number"]).first()
            if deputy is None:
                deputy = Deputy.objects.create(number=v["number"], **fields)
                created += 1
            else:
                for k, val in fields.items():
                    setattr(deputy, k, val)
                deputy.save()
                updated += 1
            status = STATUSES.get(v["status"], MandateStatus.SERVING)
            Mandate.objects.update_or_create(
                deputy=deputy,
                term=term,
                defaults={
                    "level": term.congress.level,
                    "electoral_unit": v["electoral_unit"],
                    "group": groups.get(v["group"]),
                    "station": stations.get(v["station"]),
                    "status": status,
                    "is_committee_member": YES_NO[v["committee"]],
                    "started_on": term.starts_on,
                },
            )
        record.state = RosterImportState.DONE
        record.created_count, record.updated_count = created, updated
        record.error_count = 0
        record.finished_at = now or timezone.now()
        record.content = b""  # personal data is not kept once imported
        record.save()
    return record


def export(term: Term) -> bytes:
    """The roster of `term` in the import format (personal data included: staff only)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "代表名册"
    ws.append([title for title, _key in COLUMNS])
    status_label = {v: k for k, v in STATUSES.items()}
    gender_label = {v: k for k, v in GENDERS.items()}
    mandates = (
        Mandate.objects.filter(term=term)
        .select_related("deputy", "group", "station")
        .order_by("deputy__number", "deputy__name")
    )
    for m in mandates.iterator(chunk_size=500):
        d = m.deputy
        ws.append(
            [
                d.number or "",
                d.name,
                gender_label.get(d.gender, ""),
                d.birth_year or "",
                d.ethnicity,
                d.party,
                d.occupation,
                m.electoral_unit,
                m.group.name if m.group else "",
                m.station.name if m.station else "",
                status_label.get(m.status, ""),
                "是" if m.is_committee_member else "否",
                d.mobile,
                d.email,
                d.address,
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export_filename(term: Term, today: dt.date) -> str:
    return f"roster-{term.congress_id}-{term.number}-{today:%Y%m%d}.xlsx"
