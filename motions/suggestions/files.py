"""Suggestion files (attachments filed with a suggestion, units' signed reply letters), streamed
after a permission check: they live in the private storage, never under a public media URL.

Whoever may open the suggestion in the portal (staff, its proposers, liaisons of units it was
assigned to; `queries.suggestions_for_user`) may download its files; anyone else gets 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from congress.uploads import serve_file
from motions.suggestions import queries
from motions.suggestions.models import Attachment, Reply


@login_required
@require_GET
def download(request, kind: str, pk: int):
    if kind == "attachment":
        item = get_object_or_404(Attachment, pk=pk)
        suggestion_id, field, name = item.suggestion_id, item.file, item.title
    elif kind == "letter":
        item = get_object_or_404(Reply.objects.select_related("assignment"), pk=pk)
        suggestion_id, field, name = item.assignment.suggestion_id, item.letter, ""
    else:
        raise Http404
    if not queries.suggestions_for_user(request.user).filter(pk=suggestion_id).exists():
        raise Http404
    return serve_file(field, download_name=name)
