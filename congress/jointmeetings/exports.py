"""The record book as a bound book (PDF, reportlab with the built-in STSong-Light CID font) and as
a Word document (DOCX) for editing and archiving. Both take the published entries, in order."""

from __future__ import annotations

import io
from itertools import groupby
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from congress.jointmeetings.models import JointMeeting

BOOK_TITLE = "海淀区人大常委会街道工委主任联席会记录本"
SECTIONS = (
    ("notice", "通知"),
    ("agenda", "议程"),
    ("information", "信息"),
)


def _correction_note(m: JointMeeting) -> str:
    if not m.corrected_at:
        return ""
    return _("Corrected on %(date)s (%(reason)s)") % {
        "date": m.corrected_at.date().isoformat(),
        "reason": m.correction_reason,
    }


def _heading(m: JointMeeting) -> str:
    return f"第{m.number}次联席会 · {m.date:%Y年%m月%d日} · {m.topic}"


def _facts(m: JointMeeting) -> str:
    parts = [f"牵头街道：{m.lead.street}", f"形式：{m.get_form_display()}"]
    if m.place:
        parts.append(f"地点：{m.place}")
    return "　".join(parts)


def _thumbnail_bytes(photo) -> bytes | None:
    try:
        with photo.thumbnail.open("rb") as f:
            return f.read()
    except (FileNotFoundError, ValueError, OSError):
        return None


def book_pdf(entries: list[JointMeeting]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import (
        Image,
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
    )

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    base = ParagraphStyle(
        "base", fontName="STSong-Light", fontSize=10.5, leading=16, wordWrap="CJK"
    )
    title = ParagraphStyle("title", parent=base, fontSize=20, leading=28, alignment=1)
    year_style = ParagraphStyle("year", parent=base, fontSize=16, leading=24, spaceBefore=6)
    h2 = ParagraphStyle("h2", parent=base, fontSize=13, leading=20, spaceBefore=10)
    h3 = ParagraphStyle("h3", parent=base, fontSize=11, leading=18, spaceBefore=4)
    muted = ParagraphStyle("muted", parent=base, fontSize=9, textColor="#555555")

    def para(text: str, style=base):
        return Paragraph(escape(text).replace("\n", "<br/>"), style)

    story = [Spacer(1, 60 * mm), para(BOOK_TITLE, title), Spacer(1, 10 * mm)]
    story.append(para(f"共{len(entries)}次联席会", ParagraphStyle("c", parent=base, alignment=1)))
    story.append(PageBreak())
    for year, group in groupby(entries, key=lambda m: m.date.year):
        story.append(para(f"{year}年", year_style))
        for m in group:
            story.append(para(_heading(m), h2))
            story.append(para(_facts(m), muted))
            note = _correction_note(m)
            if note:
                story.append(para(note, muted))
            if m.attendance:
                story.append(para(f"出席：{m.attendance}"))
            for name, label in SECTIONS:
                text = getattr(m, name)
                if text:
                    story.append(para(label, h3))
                    story.append(para(text))
            images = []
            for photo in m.photos.all():
                data = _thumbnail_bytes(photo)
                if data:
                    img = Image(io.BytesIO(data))
                    ratio = 50 * mm / max(img.imageWidth, 1)
                    img.drawWidth, img.drawHeight = 50 * mm, img.imageHeight * ratio
                    images.append(img)
            for i in range(0, len(images), 3):
                story.append(Table([images[i : i + 3]], hAlign="LEFT"))
            story.append(Spacer(1, 6 * mm))
        story.append(PageBreak())

    buffer = io.BytesIO()

    def footer(canvas, doc):
        canvas.setFont("STSong-Light", 9)
        canvas.drawCentredString(A4[0] / 2, 12 * mm, f"{BOOK_TITLE}　第{doc.page}页")

    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=BOOK_TITLE,
        leftMargin=25 * mm,  # the binding margin of a bound book
        rightMargin=18 * mm,
        topMargin=20 * mm,
        bottomMargin=22 * mm,
    ).build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def book_docx(entries: list[JointMeeting]) -> bytes:
    import docx
    from docx.shared import Mm

    document = docx.Document()
    document.add_heading(BOOK_TITLE, level=0)
    for year, group in groupby(entries, key=lambda m: m.date.year):
        document.add_heading(f"{year}年", level=1)
        for m in group:
            document.add_heading(_heading(m), level=2)
            document.add_paragraph(_facts(m))
            note = _correction_note(m)
            if note:
                document.add_paragraph(note)
            if m.attendance:
                document.add_paragraph(f"出席：{m.attendance}")
            for name, label in SECTIONS:
                text = getattr(m, name)
                if text:
                    document.add_heading(label, level=3)
                    for line in text.splitlines():
                        document.add_paragraph(line)
            for photo in m.photos.all():
                data = _thumbnail_bytes(photo)
                if data:
                    document.add_picture(io.BytesIO(data), width=Mm(60))
                    if photo.caption:
                        document.add_paragraph(photo.caption)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
