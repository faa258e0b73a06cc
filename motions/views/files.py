"""Motion files, served after a permission check (they live outside the public media folder).

Photos, thumbnails, posters and videos of a published update of a registered motion are public
(and cacheable); anything else only reaches the people who may see it: the supervising office,
the unit that posted it. Attachments of motions reach only those who may open the motion in the
portal. Videos answer HTTP range requests so that browsers can seek.
"""

from __future__ import annotations

import mimetypes
import re

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from motions import permissions, queries
from motions.models import (
    MotionAttachment,
    ProgressUpdate,
    UpdatePhoto,
    UpdateVideo,
)

CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "mp4": "video/mp4",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def can_see_update(user, update: ProgressUpdate) -> bool:
    if update.is_published and update.motion.is_public:
        return True
    if user is None or not user.is_authenticated:
        return False
    # Unpublished: the supervising office, and the unit that posted it (as in the portal).
    return permissions.can_supervise(user, update.motion) or (
        update.unit_id in permissions.liaison_unit_ids(user)
    )


def _content_type(name: str) -> str:
    ext = name.rsplit(".", 1)[-1].lower()
    return CONTENT_TYPES.get(ext) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def _serve(request, field, *, public: bool, download_name: str = "", ranges: bool = False):
    try:
        handle = field.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404
    size = field.size
    content_type = _content_type(field.name)
    match = RANGE.match(request.headers.get("Range", "")) if ranges else None
    if match and (match.group(1) or match.group(2)):
        start_s, end_s = match.groups()
        if start_s:
            start = int(start_s)
            end = min(int(end_s), size - 1) if end_s else size - 1
        else:  # the last N bytes
            start, end = max(size - int(end_s), 0), size - 1
        if start > end or start >= size:
            handle.close()
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        handle.seek(start)
        data = handle.read(end - start + 1)
        handle.close()
        response = HttpResponse(data, status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    else:
        response = FileResponse(
            handle,
            content_type=content_type,
            as_attachment=bool(download_name),
            filename=download_name or None,
        )
    if ranges:
        response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "public, max-age=86400" if public else "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_GET
def update_file(request, kind: str, pk: int):
    """A photo, thumbnail, poster or video of a progress update."""
    if kind in ("photo", "thumb"):
        item = get_object_or_404(UpdatePhoto.objects.select_related("update__motion"), pk=pk)
        field = item.image if kind == "photo" else item.thumbnail
    elif kind in ("poster", "video"):
        item = get_object_or_404(UpdateVideo.objects.select_related("update__motion"), pk=pk)
        field = item.file if kind == "video" else item.poster
    else:
        raise Http404
    if not field or not can_see_update(request.user, item.update):
        raise Http404
    public = item.update.is_published and item.update.motion.is_public
    return _serve(request, field, public=public, ranges=kind == "video")


@require_GET
def attachment_file(request, pk: int):
    attachment = get_object_or_404(MotionAttachment.objects.select_related("motion"), pk=pk)
    if not queries.portal_motions(request.user).filter(pk=attachment.motion_id).exists():
        raise Http404
    ext = attachment.file.name.rsplit(".", 1)[-1]
    name = attachment.original_name or f"{attachment.title}.{ext}"
    if not name.lower().endswith(f".{ext}"):
        name = f"{name}.{ext}"
    return _serve(request, attachment.file, public=False, download_name=name)
