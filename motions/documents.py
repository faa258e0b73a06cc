"""The report to the congress session: its generated draft, and the DOCX and PDF files.

The draft is plain text rendered from `templates/motions/session_report_draft.txt` in the site
language: lines starting with ``#`` are headings, ``##`` sub-headings, everything else paragraphs.
Staff edit the text on the staff page; the files are rendered from the edited text.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter, defaultdict
from xml.sax.saxutils import escape

from django.conf import settings
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation

from congress.models import Meeting, MeetingKind, Obligation
from motions.models import (
    ACTIVE_ASSIGNMENT_STATES,
    PHASES,
    Assignment,
    Motion,
    MotionState,
    ProgressUpdate,
    SessionReport,
    UpdateState,
)


def _previous_session(report: SessionReport) -> Meeting | None:
    return (
        Meeting.objects.filter(
            term__congress_id=report.term.congress_id,
            kind=MeetingKind.CONGRESS_SESSION,
            starts_on__lt=report.session.starts_on,
        )
        .order_by("-starts_on")
        .first()
    )


def report_context(report: SessionReport, *, now: dt.datetime) -> dict:
    """Everything the draft says, read in a fixed number of queries whatever the motions."""
    from motions.services import KIND_PLAN, KIND_YEARLY, obligation_filter_for_motions

    motions = list(
        Motion.objects.filter(term=report.term)
        .exclude(state__in=[MotionState.DRAFT, MotionState.WITHDRAWN])
        .select_related("lead_unit", "supervising_office", "lead_deputy", "session")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(state__in=ACTIVE_ASSIGNMENT_STATES)
                .select_related("unit")
                .order_by("role", "id"),
                to_attr="active_assignments",
            ),
            "phases",
        )
        .order_by("year", "number", "id")
    )
    ids = [m.pk for m in motions]
    obligations: dict[int, list[Obligation]] = defaultdict(list)
    for ob in (
        Obligation.objects.filter(
            obligation_filter_for_motions(ids), kind__in=[KIND_PLAN, KIND_YEARLY]
        )
        .select_related("unit")
        .prefetch_related("documents")
        .order_by("starts_on", "id")
    ):
        obligations[ob.subject_id].append(ob)
    updates: dict[int, list[ProgressUpdate]] = defaultdict(list)
    for update in ProgressUpdate.objects.filter(
        motion_id__in=ids, state=UpdateState.PUBLISHED
    ).order_by("-happened_on", "-id"):
        updates[update.motion_id].append(update)
    states = Counter(m.state for m in motions)
    handled = []
    for m in motions:
        if m.state not in (*PHASES, MotionState.CLOSED):
            continue
        reports = []
        for ob in obligations.get(m.pk, []):
            documents = list(ob.documents.all())
            reports.append({"obligation": ob, "document": documents[-1] if documents else None})
        handled.append(
            {
                "motion": m,
                "co_units": [a.unit for a in m.active_assignments if a.role == "co"],
                "phase": next((p for p in m.phases.all() if p.state == m.state), None),
                "phases": list(m.phases.all()),
                "reports": reports,
                "updates": updates.get(m.pk, [])[:3],
                "update_count": len(updates.get(m.pk, [])),
            }
        )
    return {
        "report": report,
        "session": report.session,
        "previous": _previous_session(report),
        "today": timezone.localdate(now),
        "total": len(motions),
        "registered": sum(states[s] for s in (MotionState.REGISTERED, *PHASES, MotionState.CLOSED)),
        "converted": states[MotionState.CONVERTED],
        "not_registered": states[MotionState.NOT_REGISTERED],
        "awaiting_review": states[MotionState.SUBMITTED],
        "in_supervision": states[MotionState.SUPERVISION],
        "in_follow_up_1": states[MotionState.FOLLOW_UP_1],
        "in_follow_up_2": states[MotionState.FOLLOW_UP_2],
        "closed": states[MotionState.CLOSED],
        "handled": handled,
    }


def draft_session_report(report: SessionReport, *, now: dt.datetime) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string("motions/session_report_draft.txt", report_context(report, now=now))
    # The template keeps its logic readable with blank lines; the document wants one between
    # paragraphs at most.
    lines = [line.rstrip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip() + "\n"


def blocks(text: str) -> list[tuple[str, str]]:
    """("h1" | "h2" | "p", text) for each non-empty line of the report's text."""
    result = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("## "):
            result.append(("h2", line[3:].strip()))
        elif line.startswith("# "):
            result.append(("h1", line[2:].strip()))
        else:
            result.append(("p", line))
    return result


def render_docx(report: SessionReport) -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = docx.Document()
    for style_name, size in (("Normal", 14), ("Title", 20), ("Heading 1", 16), ("Heading 2", 15)):
        style = document.styles[style_name]
        style.font.name = "SimSun"
        style.font.size = Pt(size)
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(fonts)
        fonts.set(qn("w:eastAsia"), "宋体")
    title = document.add_paragraph(report.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, line in blocks(report.text):
        if kind == "h1":
            document.add_heading(line, level=1)
        elif kind == "h2":
            document.add_heading(line, level=2)
        else:
            paragraph = document.add_paragraph(line)
            paragraph.paragraph_format.first_line_indent = Pt(28)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_pdf(report: SessionReport) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    base = {"fontName": font, "wordWrap": "CJK"}
    styles = {
        "title": ParagraphStyle(
            "title", fontSize=18, leading=26, alignment=1, spaceAfter=12, **base
        ),
        "h1": ParagraphStyle("h1", fontSize=15, leading=22, spaceBefore=10, spaceAfter=6, **base),
        "h2": ParagraphStyle("h2", fontSize=13, leading=20, spaceBefore=6, spaceAfter=4, **base),
        "p": ParagraphStyle(
            "p", fontSize=11.5, leading=19, firstLineIndent=23, spaceAfter=4, **base
        ),
    }
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=28 * mm,
        rightMargin=26 * mm,
        topMargin=30 * mm,
        bottomMargin=25 * mm,
        title=report.title,
        author=str(report.office),
    )
    story = [Paragraph(escape(report.title), styles["title"]), Spacer(1, 6)]
    story += [Paragraph(escape(line), styles[kind]) for kind, line in blocks(report.text)]
    doc.build(story)
    return buffer.getvalue()
