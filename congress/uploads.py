"""One upload policy for the whole portal: a file is judged by its bytes, never by its name.

What is accepted, and where
---------------------------
======== ============================== ============== =============================================
Kind     Types (detected from bytes)    Default limit  Used for
======== ============================== ============== =============================================
image    JPEG, PNG, WebP                10 MB,         deputy photos, station and activity photos,
                                        50 Mpx         evidence photos in street records
document PDF, DOCX, XLSX                20 MB          replies to motions, reports, regulations,
                                                       evaluation material, attachments
video    MP4 (ISO BMFF) with H.264 or   200 MB         activity videos, evaluation evidence
         H.265 video
======== ============================== ============== =============================================

Limits come from settings when the lead defines them, else from the module defaults below:
``UPLOAD_MAX_IMAGE_BYTES``, ``UPLOAD_MAX_IMAGE_PIXELS``, ``UPLOAD_MAX_IMAGE_DIMENSION``,
``UPLOAD_MAX_DOCUMENT_BYTES``, ``UPLOAD_MAX_VIDEO_BYTES``. They are read at call time, so tests
override them with the ``settings`` fixture (or by monkeypatching the module constants).

Refused on purpose
------------------
- Anything whose first bytes are not one of the types above, whatever its name: HTML renamed
  ``.jpg``, a text file named ``.mp4``, an empty file, SVG (it is XML that can carry ``<script>``),
  GIF (nobody needs it for an official portal and it is a classic polyglot carrier), HEIC, BMP, TIFF.
- Images larger than the pixel limit (decompression bombs: a few kilobytes of PNG that would
  decode to gigabytes), truncated or corrupt images (fully decoded once).
- Polyglots, where detectable: an image or a PDF's sibling that also contains HTML/PHP markup
  (``<script``, ``<iframe``, ``<html>``, ``<!doctype``, ``<?php``, ``javascript:`` ...) anywhere in
  the file. Short markers such as ``<svg`` are not searched for in the whole file because random
  compressed bytes would match them now and then; whatever slips through is harmless anyway,
  because every accepted image is decoded and re-encoded by :func:`clean_image`, which keeps only
  pixels.
- PDFs with ``/JavaScript`` or ``/Launch`` actions visible in the file (scripts inside compressed
  object streams cannot be seen without a PDF parser; they are not searched for).
- Word/Excel files with anything after the ZIP's end record (a ZIP/HTML polyglot: HTML appended
  to a valid DOCX/XLSX), or markup in the ZIP comment.
- Word/Excel files that are not the plain OOXML document types: macro-enabled files (``.docm``,
  ``.xlsm``, any ``vbaProject.bin``), legacy ``.doc``/``.xls``/WPS (OLE2 containers, which
  carry macros), zip bombs (more than 2,000 entries or 200 MB uncompressed) and encrypted zips.
  Users save as DOCX/XLSX or print to PDF.
- Plain text is not accepted as a document: every document the portal handles is a formal
  paper, and a text file is the easiest way to smuggle HTML to a browser that sniffs.
- MP4 with web page code in its first 4 KB or in its ``moov`` metadata (an MP4/HTML polyglot;
  ``mdat``, the media data, is not searched).
- MP4 whose video track is not H.264 (``avc1``/``avc3``) or H.265 (``hvc1``/``hev1``): browsers
  cannot play the rest. QuickTime ``.mov`` (major brand ``qt``), WebM, AVI, MKV and MP4 files
  without a video track are refused. The codec is read from the ``stsd`` box of each video
  track in the ``moov`` box, walking the boxes with seeks (``mdat`` is never read), so a 200 MB
  file costs a few reads.

What is stored
--------------
- Images: :func:`clean_image` applies the EXIF orientation, drops every piece of metadata (EXIF
  with GPS location, XMP, comments, text chunks; a colour profile is converted to sRGB first),
  bounds the longest side to ``UPLOAD_MAX_IMAGE_DIMENSION`` (4096 px) and re-encodes: JPEG for
  opaque photos, PNG for PNG input (screenshots stay sharp) and for anything with transparency.
  :func:`make_thumbnail` does the same at 480 px.
- Every file is stored under a generated name (:func:`generated_name`, or :class:`GeneratedName`
  for a fixed folder): ``<folder>/<yyyy>/<mm>/<uuid>.<ext>``, the extension derived from the
  detected type. The form fields keep the name the user gave as ``original_name`` on the file
  object, for the model to store if it shows it.

How to use it
-------------
Forms: ``photo = ImageUploadField(label=_("photo"))`` returns a cleaned ``ContentFile``;
``DocumentUploadField(kinds={"pdf"})`` and ``VideoUploadField()`` return the upload, renamed.
Models: ``models.FileField(upload_to=GeneratedName("motions/replies"), validators=[validate_document])``.
DRF: ``serializers.FileField(validators=[validate_document])`` (DRF turns Django's
``ValidationError`` into a 400); services that store images call :func:`clean_image`.
Tests and the demo seed build their files with :func:`sample_jpeg`, :func:`sample_png`,
:func:`sample_pdf`, :func:`sample_docx`, :func:`sample_xlsx` and :func:`sample_mp4`.
"""

from __future__ import annotations

import io
import os
import re
import struct
import uuid
import warnings
import zipfile
from pathlib import PurePosixPath
from typing import IO, Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage, InvalidStorageError, storages
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MB = 1024 * 1024

# Defaults; a setting of the same name wins (read at call time).
UPLOAD_MAX_IMAGE_BYTES = 10 * MB
UPLOAD_MAX_IMAGE_PIXELS = 50_000_000
UPLOAD_MAX_IMAGE_DIMENSION = 4096
UPLOAD_MAX_DOCUMENT_BYTES = 20 * MB
UPLOAD_MAX_VIDEO_BYTES = 200 * MB

THUMBNAIL_SIZE = (480, 480)
JPEG_QUALITY = 85

IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
IMAGE_CONTENT_TYPES = "image/jpeg,image/png,image/webp"
DOCUMENT_KINDS = {"pdf", "docx", "xlsx"}
DOCUMENT_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Extensions generated_name() keeps; anything else is stored as ".bin".
SAFE_EXTENSIONS = {"jpg", "png", "webp", "pdf", "docx", "xlsx", "mp4"}

MP4_BRANDS = {
    b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"iso8", b"iso9",
    b"mp41", b"mp42", b"avc1", b"dash", b"msdh", b"msix", b"M4V ", b"M4VH",
    b"M4VP", b"f4v ", b"3gp4", b"3gp5", b"3gp6", b"3g2a", b"MSNV", b"XAVC",
    b"hvc1", b"heix", b"cmfc", b"cmf2", b"mmp4",
}  # fmt: skip
VIDEO_CODECS = {b"avc1": "H.264", b"avc3": "H.264", b"hvc1": "H.265", b"hev1": "H.265"}

_ZIP_MAX_ENTRIES = 2000
_ZIP_MAX_UNCOMPRESSED = 200 * MB
_MOOV_MAX_BYTES = 64 * MB

# Markup that has no business in an image or a PDF. Only markers long enough that random
# compressed bytes practically never produce them (see the module docstring).
_MARKUP = re.compile(
    rb"<script|<iframe|<html[\s>]|<body[\s>]|<!doctype|<\?php\s|<object[\s>]|<embed[\s>]"
    rb"|javascript:|<svg[\s>][^\x00]{0,200}xmlns",
    re.IGNORECASE,
)


def _limit(name: str) -> int:
    return int(getattr(settings, name, globals()[name]))


def _mb(n: int) -> str:
    return f"{n / MB:.0f} MB" if n >= MB else f"{n} bytes"


# --- Reading whatever we are given ----------------------------------------------------------


def _as_file(f: Any) -> IO[bytes]:
    if isinstance(f, bytes | bytearray | memoryview):
        return ContentFile(bytes(f), name="upload")
    if hasattr(f, "closed") and getattr(f, "closed", False) and hasattr(f, "open"):
        f.open("rb")
    return f


def _size(f: Any) -> int:
    size = getattr(f, "size", None)
    if isinstance(size, int):
        return size
    pos = f.tell()
    f.seek(0, io.SEEK_END)
    end = f.tell()
    f.seek(pos)
    return end


def _read_all(f: Any) -> bytes:
    f.seek(0)
    data = f.read()
    f.seek(0)
    return data


def _read_head(f: Any, n: int) -> bytes:
    f.seek(0)
    data = f.read(n)
    f.seek(0)
    return data


def _check_size(f: Any, maximum: int) -> int:
    size = _size(f)
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > maximum:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s."),
            code="too_large",
            params={"size": _mb(size), "limit": _mb(maximum)},
        )
    return size


def _check_no_markup(data: bytes) -> None:
    if _MARKUP.search(data):
        raise ValidationError(
            _("The file contains web page code (HTML or script) and is refused."),
            code="markup",
        )


# --- Images ---------------------------------------------------------------------------------


def _sniff_image(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


def _max_pixels() -> int:
    ours = _limit("UPLOAD_MAX_IMAGE_PIXELS")
    pillow = Image.MAX_IMAGE_PIXELS
    return min(ours, pillow) if pillow else ours


def _open_image(data: bytes, expected: str) -> Image.Image:
    """Open, verify and fully decode; refuse bombs. Returns a decoded image (fresh handle)."""
    invalid = ValidationError(
        _("The file is not a valid JPEG, PNG or WebP image."), code="invalid_image"
    )
    max_pixels = _max_pixels()
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                # Multi-picture JPEGs (some cameras and phones) open as "MPO".
                if probe.format != expected and (expected, probe.format) != ("JPEG", "MPO"):
                    raise invalid
                width, height = probe.size
                if width * height > max_pixels:
                    raise ValidationError(
                        _("The image is too large (%(width)d × %(height)d pixels)."),
                        code="too_many_pixels",
                        params={"width": width, "height": height},
                    )
                probe.verify()
            # verify() leaves the image unusable: reopen and decode every pixel once, which
            # catches truncated files that verify() does not (it does not decode JPEG data).
            image = Image.open(io.BytesIO(data))
            image.load()
        except ValidationError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ValidationError(
                _("The image is too large to be decoded safely."), code="too_many_pixels"
            )
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            raise invalid
        except Exception:  # Pillow plugins raise a zoo of errors on hostile input
            raise invalid
    return image


def validate_image(f: Any) -> str:
    """Refuse anything that is not a sound JPEG/PNG/WebP within the limits.

    Returns the detected Pillow format ("JPEG", "PNG" or "WEBP"). Raises ``ValidationError``.
    """
    f = _as_file(f)
    _check_size(f, _limit("UPLOAD_MAX_IMAGE_BYTES"))
    data = _read_all(f)
    fmt = _sniff_image(data[:16])
    if fmt is None:
        raise ValidationError(_("Only JPEG, PNG and WebP images are accepted."), code="image_type")
    _check_no_markup(data)
    _open_image(data, fmt).close()
    return fmt


def _to_srgb(image: Image.Image) -> Image.Image:
    """Convert pixels described by an embedded ICC profile to sRGB, so the profile can go."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA"):
        return image
    try:
        from PIL import ImageCms

        src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        dst = ImageCms.createProfile("sRGB")
        converted = ImageCms.profileToProfile(image, src, dst, outputMode=image.mode)
        return converted or image
    except Exception:  # a broken profile: keep the pixels as they are
        return image


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )


def _prepare(data: bytes, fmt: str, box: tuple[int, int]) -> tuple[Image.Image, str]:
    """Decode, orient, bound and choose the output format ("JPEG" or "PNG")."""
    image = _open_image(data, fmt)
    if getattr(image, "n_frames", 1) > 1:
        image.seek(0)  # animated WebP/APNG: the first frame only
    image = ImageOps.exif_transpose(image)
    alpha = _has_alpha(image)
    if image.mode == "CMYK" or image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if alpha else "RGB")
    image = _to_srgb(image)
    if image.width > box[0] or image.height > box[1]:
        image.thumbnail(box, Image.Resampling.LANCZOS)
    out_format = "PNG" if alpha or fmt == "PNG" else "JPEG"
    if out_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    # A brand-new image carries pixels only: no EXIF, XMP, comments, ICC or text chunks.
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    return clean, out_format


def _encode(image: Image.Image, out_format: str) -> ContentFile:
    buffer = io.BytesIO()
    if out_format == "JPEG":
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    else:
        image.save(buffer, "PNG", optimize=True)
    ext = IMAGE_FORMATS[out_format]
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.{ext}")


def clean_image(f: Any) -> ContentFile:
    """Validate, then re-encode: orientation applied, metadata gone, longest side bounded.

    Returns a ``ContentFile`` named ``<uuid>.jpg`` or ``<uuid>.png``. Raises ``ValidationError``.
    """
    f = _as_file(f)
    fmt = validate_image(f)
    side = _limit("UPLOAD_MAX_IMAGE_DIMENSION")
    image, out_format = _prepare(_read_all(f), fmt, (side, side))
    return _encode(image, out_format)


def make_thumbnail(f: Any, size: tuple[int, int] = THUMBNAIL_SIZE) -> ContentFile:
    """A small re-encoded copy (JPEG, or PNG if the image has transparency or is a PNG)."""
    f = _as_file(f)
    fmt = validate_image(f)
    image, out_format = _prepare(_read_all(f), fmt, size)
    return _encode(image, out_format)


# --- Documents ------------------------------------------------------------------------------

_OOXML_MAIN = {
    "docx": (
        "word/document.xml",
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    "xlsx": (
        "xl/workbook.xml",
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ),
}


def _check_zip_end(f: Any, bad: ValidationError) -> None:
    """Refuse ZIP/HTML polyglots: nothing may follow the end-of-central-directory record (a
    browser that sniffs would find the HTML appended there), and its comment holds no markup."""
    size = _size(f)
    tail_len = min(size, 22 + 65535)
    f.seek(size - tail_len)
    tail = f.read(tail_len)
    f.seek(0)
    pos = tail.rfind(b"PK\x05\x06")
    if pos < 0 or pos + 22 > len(tail):
        raise bad
    comment_len = struct.unpack("<H", tail[pos + 20 : pos + 22])[0]
    if pos + 22 + comment_len != len(tail):
        raise ValidationError(
            _("The file contains web page code (HTML or script) and is refused."),
            code="markup",
        )
    _check_no_markup(tail[pos + 22 :])


def _ooxml_kind(f: Any) -> str:
    bad = ValidationError(
        _("The file is not a valid Word (DOCX) or Excel (XLSX) document."), code="invalid_office"
    )
    _check_zip_end(f, bad)
    f.seek(0)
    try:
        with zipfile.ZipFile(f) as archive:
            infos = archive.infolist()
            if len(infos) > _ZIP_MAX_ENTRIES:
                raise bad
            if sum(i.file_size for i in infos) > _ZIP_MAX_UNCOMPRESSED:
                raise bad
            if any(i.flag_bits & 0x1 for i in infos):  # encrypted entries
                raise bad
            names = {i.filename for i in infos}
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                raise ValidationError(
                    _("Documents with macros are not accepted; save the file as DOCX or XLSX."),
                    code="macros",
                )
            if "[Content_Types].xml" not in names:
                raise bad
            types = archive.read("[Content_Types].xml")[: 1 * MB]
            if b"macroEnabled" in types:
                raise ValidationError(
                    _("Documents with macros are not accepted; save the file as DOCX or XLSX."),
                    code="macros",
                )
            for kind, (part, content_type) in _OOXML_MAIN.items():
                if part in names and content_type in types:
                    return kind
    except ValidationError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, KeyError, EOFError):
        raise bad
    finally:
        f.seek(0)
    raise bad


def validate_document(f: Any, kinds: set[str] | frozenset[str] | None = None) -> str:
    """Accept a PDF, DOCX or XLSX (or only the given ``kinds``) by its bytes.

    Returns the kind ("pdf", "docx" or "xlsx"), which is also the safe extension.
    """
    f = _as_file(f)
    allowed = set(kinds or DOCUMENT_KINDS)
    unknown = allowed - DOCUMENT_KINDS
    if unknown:
        raise ValueError(f"unknown document kinds {sorted(unknown)}")
    _check_size(f, _limit("UPLOAD_MAX_DOCUMENT_BYTES"))
    head = _read_head(f, 8)
    if head.startswith(b"%PDF-"):
        kind = "pdf"
        data = _read_all(f)
        _check_no_markup(data[:4096])
        # "/JS" alone is too short to search for in compressed streams; every script action
        # also names "/S /JavaScript".
        if re.search(rb"/(JavaScript|Launch)\b", data):
            raise ValidationError(
                _("PDF files with embedded scripts are not accepted; print the file to PDF again."),
                code="pdf_script",
            )
    elif head.startswith(b"PK\x03\x04"):
        kind = _ooxml_kind(f)
    elif head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise ValidationError(
            _("Old Word/Excel/WPS files are not accepted; save the file as DOCX, XLSX or PDF."),
            code="legacy_office",
        )
    else:
        kind = ""
    if kind not in allowed:
        labels = {"pdf": "PDF", "docx": "Word (DOCX)", "xlsx": "Excel (XLSX)"}
        raise ValidationError(
            _("This file type is not accepted here; accepted: %(types)s."),
            code="document_type",
            params={"types": ", ".join(labels[k] for k in sorted(allowed))},
        )
    return kind


# --- Videos ---------------------------------------------------------------------------------


def _boxes(f: Any, start: int, end: int):
    """Yield (type, payload_start, box_end) for ISO BMFF boxes in [start, end), by seeking."""
    pos = start
    while pos + 8 <= end:
        f.seek(pos)
        header = f.read(16)
        if len(header) < 8:
            return
        size, kind = struct.unpack(">I4s", header[:8])
        payload = pos + 8
        if size == 1:
            if len(header) < 16:
                return
            size = struct.unpack(">Q", header[8:16])[0]
            payload = pos + 16
        elif size == 0:
            size = end - pos
        if size < payload - pos or pos + size > end:
            raise ValueError("box overruns its parent")
        yield kind, payload, pos + size
        pos += size


def _mem_boxes(data: bytes, start: int, end: int):
    return _boxes(io.BytesIO(data), start, end)


def _video_codecs(moov: bytes) -> list[bytes]:
    """The sample entry types of every video track ('vide' handler) in a moov payload."""
    codecs: list[bytes] = []
    for kind, p, e in _mem_boxes(moov, 0, len(moov)):
        if kind != b"trak":
            continue
        handler, entries = None, []
        for k2, p2, e2 in _mem_boxes(moov, p, e):
            if k2 != b"mdia":
                continue
            for k3, p3, e3 in _mem_boxes(moov, p2, e2):
                if k3 == b"hdlr":
                    handler = moov[p3 + 8 : p3 + 12]  # version/flags, pre_defined, handler_type
                elif k3 == b"minf":
                    for k4, p4, e4 in _mem_boxes(moov, p3, e3):
                        if k4 != b"stbl":
                            continue
                        for k5, p5, e5 in _mem_boxes(moov, p4, e4):
                            if k5 == b"stsd":
                                # version/flags (4) + entry_count (4), then sample entries.
                                entries += [k for k, _p, _e in _mem_boxes(moov, p5 + 8, e5)]
        if handler == b"vide":
            codecs += entries or [b"????"]
    return codecs


def validate_video(f: Any) -> str:
    """Accept an MP4 (ISO BMFF) whose video tracks are H.264 or H.265. Returns "mp4"."""
    f = _as_file(f)
    size = _check_size(f, _limit("UPLOAD_MAX_VIDEO_BYTES"))
    not_mp4 = ValidationError(_("Only MP4 videos are accepted."), code="video_type")
    head = _read_head(f, 64)
    if len(head) < 16 or head[4:8] != b"ftyp":
        raise not_mp4
    ftyp_size = struct.unpack(">I", head[:4])[0]
    if ftyp_size < 16 or ftyp_size > 4096:
        raise not_mp4
    f.seek(0)
    ftyp = f.read(ftyp_size)
    brands = {ftyp[8:12]} | {ftyp[i : i + 4] for i in range(16, len(ftyp) - 3, 4)}
    if ftyp[8:12] == b"qt  " or not brands & MP4_BRANDS:
        raise not_mp4
    # An MP4/HTML polyglot puts its markup where a sniffing browser looks: the first kilobytes.
    _check_no_markup(_read_head(f, 4096))
    broken = ValidationError(
        _("The video file is incomplete or damaged (no playable video track)."),
        code="invalid_video",
    )
    try:
        moov = None
        for kind, payload, end in _boxes(f, 0, size):
            if kind == b"moov":
                if end - payload > _MOOV_MAX_BYTES:
                    raise broken
                f.seek(payload)
                moov = f.read(end - payload)
                break
        if moov is None:
            raise broken
        _check_no_markup(moov)  # metadata boxes (titles, comments) carry no web page code
        codecs = _video_codecs(moov)
    except ValidationError:
        raise
    except (ValueError, struct.error, OSError):
        raise broken
    finally:
        f.seek(0)
    if not codecs:
        raise broken
    wrong = [c for c in codecs if c not in VIDEO_CODECS]
    if wrong:
        raise ValidationError(
            _("Wrong video codec (%(codec)s): only H.264 and H.265 videos are accepted."),
            code="video_codec",
            params={"codec": wrong[0].decode("latin-1").strip() or "?"},
        )
    return "mp4"


# --- Storage names --------------------------------------------------------------------------


def _safe_extension(filename: str) -> str:
    ext = PurePosixPath(filename or "").suffix.lower().lstrip(".")
    ext = {"jpeg": "jpg"}.get(ext, ext)
    return ext if ext in SAFE_EXTENSIONS else "bin"


def _generated_path(folder: str, filename: str) -> str:
    today = timezone.localdate()
    return f"{folder.strip('/')}/{today:%Y/%m}/{uuid.uuid4().hex}.{_safe_extension(filename)}"


def generated_name(instance: Any, filename: str) -> str:
    """``upload_to`` that stores under ``<app>/<model>/<yyyy>/<mm>/<uuid>.<ext>``.

    The user's file name never reaches the disk; the extension is kept only if it is one of
    ``SAFE_EXTENSIONS``, which the form fields guarantee by renaming the upload after its
    detected type (``clean_image`` already names its output that way).
    """
    meta = instance._meta
    return _generated_path(f"{meta.app_label}/{meta.model_name}", filename)


@deconstructible
class GeneratedName:
    """``upload_to=GeneratedName("motions/replies")``: generated names under a fixed folder."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance: Any, filename: str) -> str:
        return _generated_path(self.folder, filename)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GeneratedName) and other.folder == self.folder

    def __hash__(self) -> int:
        return hash(self.folder)


def _rename(upload: File, ext: str) -> File:
    """Keep the user's name as ``original_name``; name the file after its detected type."""
    original = PurePosixPath((upload.name or "").replace("\\", "/")).name
    upload.original_name = original  # type: ignore[attr-defined]
    upload.name = f"{uuid.uuid4().hex}.{ext}"
    return upload


# --- Form fields ----------------------------------------------------------------------------


class _UploadField(forms.FileField):
    accept = ""

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if self.accept:
            attrs["accept"] = self.accept
        return attrs

    def check(self, data: File) -> File:  # pragma: no cover - overridden
        raise NotImplementedError

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        # A new upload is a File that is not the stored one; an unchanged field returns initial.
        if value and value is not initial and isinstance(value, File) and value is data:
            value = self.check(value)
        return value


class ImageUploadField(_UploadField):
    """A JPEG/PNG/WebP upload; ``clean()`` returns the re-encoded, metadata-free ContentFile."""

    accept = IMAGE_CONTENT_TYPES

    def check(self, data: File) -> File:
        original = PurePosixPath((data.name or "").replace("\\", "/")).name
        cleaned = clean_image(data)
        cleaned.original_name = original  # type: ignore[attr-defined]
        return cleaned


class DocumentUploadField(_UploadField):
    """A PDF/DOCX/XLSX upload (or only ``kinds``), renamed after its detected type."""

    def __init__(self, *args, kinds: set[str] | None = None, **kwargs):
        self.kinds = set(kinds or DOCUMENT_KINDS)
        self.accept = ",".join(
            [f".{k}" for k in sorted(self.kinds)]
            + [DOCUMENT_CONTENT_TYPES[k] for k in sorted(self.kinds)]
        )
        super().__init__(*args, **kwargs)

    def check(self, data: File) -> File:
        return _rename(data, validate_document(data, self.kinds))


class VideoUploadField(_UploadField):
    """An MP4 (H.264/H.265) upload, renamed ``<uuid>.mp4``."""

    accept = "video/mp4,.mp4"

    def check(self, data: File) -> File:
        return _rename(data, validate_video(data))


# --- Samples for tests and the demo seed ----------------------------------------------------


def sample_jpeg(size: tuple[int, int] = (64, 48), color=(200, 30, 30), *, exif=None) -> bytes:
    """A small JPEG; ``exif`` may be a ``PIL.Image.Exif`` (e.g. with GPS tags)."""
    buffer = io.BytesIO()
    image = Image.new("RGB", size, color)
    image.save(buffer, "JPEG", **({"exif": exif} if exif is not None else {}))
    return buffer.getvalue()


def sample_png(size: tuple[int, int] = (64, 48), color=(30, 30, 200, 255)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def sample_pdf(text: str = "Congress portal sample") -> bytes:
    """A minimal one-page PDF (hand-built; readers accept it)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def sample_docx(text: str = "Congress portal sample") -> bytes:
    import docx

    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph(text)
    document.save(buffer)
    return buffer.getvalue()


def sample_xlsx(rows: list[list[Any]] | None = None) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    for row in rows or [["sample", 1]]:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def sample_mp4(codec: bytes = b"avc1", *, brand: bytes = b"isom", mdat: bytes = b"") -> bytes:
    """The boxes a validator reads: ftyp, then moov/trak/mdia/{hdlr vide, minf/stbl/stsd}.

    Not playable (no samples); enough for the upload policy, which reads only these boxes.
    """
    ftyp = _box(b"ftyp", brand + struct.pack(">I", 512) + b"isom" + b"mp41")
    entry = _box(codec, bytes(78))  # a visual sample entry is 78 bytes before its child boxes
    stsd = _box(b"stsd", struct.pack(">II", 0, 1) + entry)
    stbl = _box(b"stbl", stsd)
    minf = _box(b"minf", stbl)
    hdlr = _box(b"hdlr", struct.pack(">II4s", 0, 0, b"vide") + bytes(12) + b"video\x00")
    mdia = _box(b"mdia", hdlr + minf)
    moov = _box(b"moov", _box(b"trak", mdia))
    return ftyp + (_box(b"mdat", mdat) if mdat else b"") + moov


# --- Private files --------------------------------------------------------------------------


@deconstructible
class PrivateFileSystemStorage(FileSystemStorage):
    """Files outside MEDIA_ROOT (``PRIVATE_MEDIA_ROOT``) with no URL: served only by views.

    The location is read when used, so tests that change ``PRIVATE_MEDIA_ROOT`` are obeyed.
    """

    is_private = True  # no URL: congress.admin_files shows such files by name

    def __init__(self, **kwargs):
        kwargs["base_url"] = None
        super().__init__(**kwargs)

    @property
    def base_location(self):  # type: ignore[override]
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):  # type: ignore[override]
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("private files have no public URL; serve them through a view")


def get_private_storage():
    """The storage of non-public files: ``STORAGES["private"]`` (a file system folder outside
    MEDIA_ROOT by default, or a private S3 bucket/prefix with signed URLs off); used as
    ``models.FileField(storage=get_private_storage)``."""
    try:
        return storages["private"]
    except InvalidStorageError:
        return PrivateFileSystemStorage()


INLINE_CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "mp4": "video/mp4",
}
ATTACHMENT_CONTENT_TYPES = {"pdf": "application/pdf", **DOCUMENT_CONTENT_TYPES}


def serve_file(field, *, download_name: str = "", public: bool = False) -> FileResponse:
    """Stream a stored file after the caller has checked permissions.

    Images and MP4 videos are shown inline; everything else (PDF, DOCX, XLSX, anything unknown)
    is a download (``Content-Disposition: attachment``) typed from its stored extension, never
    from its content, so nothing is ever rendered as HTML or SVG. The response is sandboxed
    (``Content-Security-Policy: sandbox``) and ``nosniff``; private files are ``no-store``.
    """
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404
    ext = _safe_extension(field.name)
    inline = ext in INLINE_CONTENT_TYPES
    content_type = (
        INLINE_CONTENT_TYPES.get(ext)
        or ATTACHMENT_CONTENT_TYPES.get(ext)
        or "application/octet-stream"
    )
    name = download_name or PurePosixPath(field.name).name
    if not inline and not name.lower().endswith(f".{ext}"):
        name = f"{name}.{ext}"
    response = FileResponse(
        handle, content_type=content_type, as_attachment=not inline, filename=name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=86400" if public else "private, no-store"
    return response
