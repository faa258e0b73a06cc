"""The review opinion letter (审议意见书) in its fixed formal layout: DOCX and PDF.

Layout (same in HTML, DOCX and PDF): the red issuing-authority head, the document number, the
title, the addressee, the body paragraphs (two-character first-line indent), the issuing authority
and date at the right, the copy-to line. A4 paper.
"""

from __future__ import annotations

import io

from evaluations.reviews.models import OpinionLetter

AUTHORITY = "北京市海淀区人民代表大会常务委员会"
HEAD = "北京市海淀区人民代表大会常务委员会"
KIND = "审议意见书"


def chinese_date(day) -> str:
    if day is None:
        return ""
    return f"{day.year}年{day.month}月{day.day}日"


def letter_context(letter: OpinionLetter) -> dict:
    return {
        "head": HEAD,
        "kind": KIND,
        "number": letter.number,
        "title": letter.title,
        "addressee": letter.addressee,
        "paragraphs": letter.paragraphs,
        "authority": AUTHORITY,
        "date": chinese_date(letter.issued_on),
        "copy_to": letter.copy_to,
        "is_draft": letter.state != "issued",
    }


def render_docx(letter: OpinionLetter) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    ctx = letter_context(letter)
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)

    def para(text, *, size=16, font="仿宋", bold=False, align=None, color=None, indent=False):
        p = doc.add_paragraph()
        if align is not None:
            p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = Pt(size * 2)
        p.paragraph_format.line_spacing = Pt(28)
        run = p.add_run(text)
        run.font.size, run.bold = Pt(size), bold
        run.font.name = font
        run._element.rPr.rFonts.set(qn("w:eastAsia"), font)
        if color:
            run.font.color.rgb = RGBColor(*color)
        return p

    para(
        ctx["head"],
        size=22,
        font="宋体",
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        color=(0xC0, 0, 0),
    )
    para(
        ctx["kind"],
        size=22,
        font="宋体",
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        color=(0xC0, 0, 0),
    )
    para(ctx["number"], size=16, align=WD_ALIGN_PARAGRAPH.CENTER)
    para(ctx["title"], size=20, font="黑体", align=WD_ALIGN_PARAGRAPH.CENTER)
    para(f"{ctx['addressee']}：")
    for text in ctx["paragraphs"]:
        para(text, indent=True)
    para("")
    para(ctx["authority"], align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(ctx["date"], align=WD_ALIGN_PARAGRAPH.RIGHT)
    if ctx["copy_to"]:
        para(f"抄送：{ctx['copy_to']}", size=14)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def render_pdf(letter: OpinionLetter) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import HRFlowable, Paragraph, SimpleDocTemplate, Spacer

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    ctx = letter_context(letter)

    def style(name, size, *, align=TA_JUSTIFY, color=colors.black, indent=0, leading=None):
        return ParagraphStyle(
            name,
            fontName=font,
            fontSize=size,
            leading=leading or size * 1.75,
            alignment=align,
            textColor=color,
            firstLineIndent=indent,
            wordWrap="CJK",
        )

    red = colors.Color(0.75, 0, 0)
    story = [
        Paragraph(escape(ctx["head"]), style("head", 20, align=TA_CENTER, color=red)),
        Paragraph(escape(ctx["kind"]), style("kind", 20, align=TA_CENTER, color=red)),
        Spacer(1, 3 * mm),
        Paragraph(escape(ctx["number"]), style("number", 14, align=TA_CENTER)),
        HRFlowable(width="100%", thickness=1.5, color=red, spaceBefore=2 * mm, spaceAfter=6 * mm),
        Paragraph(escape(ctx["title"]), style("title", 18, align=TA_CENTER)),
        Spacer(1, 4 * mm),
        Paragraph(escape(f"{ctx['addressee']}："), style("to", 14)),
    ]
    body = style("body", 14, indent=28)
    story += [Paragraph(escape(p), body) for p in ctx["paragraphs"]]
    story += [
        Spacer(1, 12 * mm),
        Paragraph(escape(ctx["authority"]), style("sign", 14, align=TA_RIGHT)),
        Paragraph(escape(ctx["date"]), style("date", 14, align=TA_RIGHT)),
    ]
    if ctx["copy_to"]:
        story += [
            Spacer(1, 10 * mm),
            HRFlowable(width="100%", thickness=0.8, color=colors.black),
            Paragraph(escape(f"抄送：{ctx['copy_to']}"), style("cc", 12)),
        ]
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=28 * mm,
        rightMargin=26 * mm,
        topMargin=30 * mm,
        bottomMargin=28 * mm,
        title=ctx["title"],
        author=ctx["authority"],
    ).build(story)
    return buffer.getvalue()
