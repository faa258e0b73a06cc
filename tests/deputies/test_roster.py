"""Roster import (preview, confirm in one transaction, re-validation) and export."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from congress.errors import InvalidInput
from deputies import roster
from deputies.models import Deputy, DeputyGroup, Mandate, RosterImport, RosterImportState

pytestmark = pytest.mark.django_db
HEADER = [t for t, _k in roster.COLUMNS]


def xlsx(rows, header=HEADER) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def row(number="D17-9001", name="周新", gender="男", **kw):
    values = {
        "birth_year": 1980, "ethnicity": "汉族", "party": "中国共产党", "occupation": "中学教师",
        "electoral_unit": "北下关街道第1选区", "group": "北下关街道代表小组",
        "station": "北下关街道代表之家", "status": "在任", "committee": "否",
        "mobile": "13600000001", "email": "zx@example.test", "address": "某小区1号楼",
    }  # fmt: skip
    values.update(kw)
    return [number, name, gender, *[values[k] for _t, k in roster.COLUMNS[3:]]]


@pytest.fixture
def group(street):
    return DeputyGroup.objects.create(name="北下关街道代表小组", street=street)


def test_a_valid_roster_is_previewed_then_imported(deputy_affairs_staff, term, group, station):
    content = xlsx([row(), row(number="D17-9002", name="吴静", gender="女", committee="是")])
    record, parsed = roster.upload(
        content=content, filename="名册.xlsx", term=term, actor=deputy_affairs_staff
    )
    assert parsed.ok and [r.action for r in parsed.rows] == ["create", "create"]
    assert not Deputy.objects.filter(number__startswith="D17-9").exists()  # preview writes nothing
    roster.confirm(record, actor=deputy_affairs_staff)
    record.refresh_from_db()
    assert record.state == RosterImportState.DONE and record.created_count == 2
    assert bytes(record.content) == b""  # personal data not kept after import
    m = Mandate.objects.get(deputy__number="D17-9002")
    assert (m.term, m.group, m.station, m.is_committee_member) == (term, group, station, True)
    assert m.deputy.mobile == "13600000001" and m.deputy.gender == "F"


def test_bad_rows_import_nothing_and_each_error_is_reported(
    deputy_affairs_staff, term, group, station
):
    content = xlsx(
        [
            row(),
            row(number="D17-9002", gender="X"),
            row(number="D17-9003", mobile="12345", email="not-an-email"),
            row(number="D17-9001", name="重复"),
            row(number="D17-9004", group="不存在的小组", station="不存在的站", status="休假"),
            row(number="", name=""),
            row(number="D17-9005", birth_year="一九八零"),
        ]
    )
    record, parsed = roster.upload(
        content=content, filename="bad.xlsx", term=term, actor=deputy_affairs_staff
    )
    errors = {r.line: r.errors for r in parsed.rows}
    assert errors[2] == []
    assert any("性别" in e or "Gender" in e or "男" in e for e in errors[3])
    assert len(errors[4]) == 2  # mobile and e-mail
    assert any("D17-9001" in e for e in errors[5])
    assert len(errors[6]) == 3  # group, station, status
    assert len(errors[7]) == 2  # number and name required
    assert len(errors[8]) == 1
    assert parsed.error_count == 6 and not parsed.ok
    with pytest.raises(InvalidInput) as err:
        roster.confirm(record, actor=deputy_affairs_staff)
    assert err.value.code == "roster_invalid"
    assert not Deputy.objects.filter(number__startswith="D17-9").exists()
    assert RosterImport.objects.get().state == RosterImportState.PREVIEW


def test_confirm_revalidates_against_the_database_as_it_is_then(
    deputy_affairs_staff, term, group, station
):
    record, parsed = roster.upload(
        content=xlsx([row(), row(number="D17-9002", name="吴静")]),
        filename="r.xlsx",
        term=term,
        actor=deputy_affairs_staff,
    )
    assert parsed.ok
    group.name = "改名后的小组"  # the group referenced by the file no longer exists
    group.save()
    with pytest.raises(InvalidInput):
        roster.confirm(record, actor=deputy_affairs_staff)
    assert not Deputy.objects.filter(number__startswith="D17-9").exists()


def test_a_national_id_column_refuses_the_file(deputy_affairs_staff, term):
    content = xlsx([[*row(), "110101198001011234"]], header=[*HEADER, "公民身份号码"])
    _record, parsed = roster.upload(
        content=content, filename="id.xlsx", term=term, actor=deputy_affairs_staff
    )
    assert parsed.file_errors and not parsed.rows


def test_missing_columns_and_garbage(deputy_affairs_staff, term):
    _r, parsed = roster.upload(
        content=xlsx([["x"]], header=["姓名"]),
        filename="a.xlsx",
        term=term,
        actor=deputy_affairs_staff,
    )
    assert parsed.file_errors and "代表编号" in parsed.file_errors[0]
    _r, parsed = roster.upload(
        content=b"PK\x03\x04garbage", filename="b.xlsx", term=term, actor=deputy_affairs_staff
    )
    assert parsed.file_errors


def test_export_uses_the_import_format_and_round_trips(
    deputy_affairs_staff, term, group, station, station_deputy
):
    Deputy.objects.filter(pk=station_deputy.pk).update(number="D17-0007")
    content = roster.export(term)
    ws = load_workbook(io.BytesIO(content)).active
    lines = list(ws.iter_rows(values_only=True))
    assert list(lines[0]) == HEADER
    assert lines[1][0] == "D17-0007" and lines[1][1] == "李明" and lines[1][12] == "13912345678"
    _record, parsed = roster.upload(
        content=content, filename="x.xlsx", term=term, actor=deputy_affairs_staff
    )
    assert parsed.ok and parsed.rows[0].action == "update"


def test_import_pages_for_deputy_affairs_only(
    client, deputy_affairs_staff, staff, deputy, term, group, station
):
    url = reverse("deputies:roster_import")
    for user in (staff, deputy):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(deputy_affairs_staff)
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile("名册.xlsx", xlsx([row()]))
    response = client.post(url, {"file": upload})
    record = RosterImport.objects.get()
    assert response.status_code == 302
    preview = client.get(reverse("deputies:roster_preview", args=[record.pk]))
    assert "周新" in preview.content.decode()
    client.post(reverse("deputies:roster_preview", args=[record.pk]))
    assert Deputy.objects.filter(number="D17-9001").exists()
    # Another staff member cannot open someone else's upload.
    client.force_login(staff)
    assert client.get(reverse("deputies:roster_preview", args=[record.pk])).status_code == 403


def test_upload_refuses_a_non_xlsx_file(client, deputy_affairs_staff, term):
    client.force_login(deputy_affairs_staff)
    upload = SimpleUploadedFile("名册.xlsx", b"<html><script>alert(1)</script></html>")
    response = client.post(reverse("deputies:roster_import"), {"file": upload})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not RosterImport.objects.exists()


def test_export_is_for_the_registry_keepers_only(client, staff, deputy_affairs_staff, deputy, term):
    url = reverse("deputies:roster_export")
    for user in (deputy, staff):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(deputy_affairs_staff)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
