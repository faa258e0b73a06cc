"""The upload policy (congress/uploads.py): files are judged by their bytes, not their names."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image, ImageOps

from congress import uploads
from congress.uploads import (
    DocumentUploadField,
    GeneratedName,
    ImageUploadField,
    VideoUploadField,
    clean_image,
    generated_name,
    make_thumbnail,
    sample_docx,
    sample_jpeg,
    sample_mp4,
    sample_pdf,
    sample_png,
    sample_xlsx,
    validate_document,
    validate_image,
    validate_video,
)

GPS_IFD = 0x8825


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def code_of(excinfo) -> str:
    return excinfo.value.code


def jpeg_with_gps_and_rotation() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 15"  # Model
    exif.get_ifd(GPS_IFD).update(
        {1: "N", 2: (39.0, 57.0, 36.0), 3: "E", 4: (116.0, 18.0, 0.0)}  # Haidian, Beijing
    )
    buffer = io.BytesIO()
    Image.new("RGB", (80, 40), (10, 120, 10)).save(
        buffer, "JPEG", exif=exif, comment=b"taken at home"
    )
    return buffer.getvalue()


# --- Images ---------------------------------------------------------------------------------


def test_jpeg_with_gps_comes_back_without_any_metadata_and_upright():
    original = jpeg_with_gps_and_rotation()
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(GPS_IFD)  # the fixture really carries a location

    cleaned = clean_image(upload("IMG_0001.JPG", original, "image/jpeg"))

    assert cleaned.name.endswith(".jpg") and "IMG_0001" not in cleaned.name
    data = cleaned.read()
    assert b"Exif" not in data and b"PhoneMaker" not in data and b"taken at home" not in data
    with Image.open(io.BytesIO(data)) as after:
        assert after.format == "JPEG"
        assert not after.getexif()
        assert "comment" not in after.info and "icc_profile" not in after.info
        # Orientation 6 was applied to the pixels: 80×40 becomes 40×80.
        assert after.size == (40, 80)


def test_png_is_accepted_and_stays_png_with_its_transparency():
    assert validate_image(upload("logo.png", sample_png())) == "PNG"
    cleaned = clean_image(upload("logo.png", sample_png()))
    assert cleaned.name.endswith(".png")
    with Image.open(cleaned) as image:
        assert image.format == "PNG" and image.mode == "RGBA"


def test_webp_is_accepted_and_stored_as_jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (30, 30), "white").save(buffer, "WEBP")
    assert validate_image(buffer.getvalue()) == "WEBP"
    assert clean_image(buffer.getvalue()).name.endswith(".jpg")


def test_large_images_are_bounded_and_thumbnails_are_small(settings):
    settings.UPLOAD_MAX_IMAGE_DIMENSION = 100
    photo = sample_jpeg(size=(400, 200))
    with Image.open(clean_image(photo)) as image:
        assert image.size == (100, 50)
    thumb = make_thumbnail(photo, size=(48, 48))
    assert thumb.name.endswith(".jpg")
    with Image.open(thumb) as image:
        assert image.size == (48, 24)


def test_default_thumbnail_is_480px():
    with Image.open(make_thumbnail(sample_jpeg(size=(1000, 500)))) as image:
        assert image.size == (480, 240)


def test_html_renamed_jpg_is_refused():
    html = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"
    with pytest.raises(ValidationError) as excinfo:
        validate_image(upload("photo.jpg", html, "image/jpeg"))
    assert code_of(excinfo) == "image_type"


def test_svg_with_script_is_refused():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    with pytest.raises(ValidationError) as excinfo:
        validate_image(upload("logo.svg", svg, "image/svg+xml"))
    assert code_of(excinfo) == "image_type"


def test_gif_is_refused():
    buffer = io.BytesIO()
    Image.new("P", (4, 4)).save(buffer, "GIF")
    with pytest.raises(ValidationError) as excinfo:
        validate_image(upload("a.gif", buffer.getvalue()))
    assert code_of(excinfo) == "image_type"


@pytest.mark.parametrize(
    "validator", [validate_image, validate_document, validate_video], ids=lambda v: v.__name__
)
def test_zero_bytes_are_refused(validator):
    with pytest.raises(ValidationError) as excinfo:
        validator(upload("empty.jpg", b""))
    assert code_of(excinfo) == "empty"


def test_oversized_image_is_refused(settings):
    settings.UPLOAD_MAX_IMAGE_BYTES = 100
    with pytest.raises(ValidationError) as excinfo:
        validate_image(sample_jpeg(size=(64, 64)))
    assert code_of(excinfo) == "too_large"


def test_limit_can_also_be_patched_on_the_module(monkeypatch):
    monkeypatch.setattr(uploads, "UPLOAD_MAX_DOCUMENT_BYTES", 10)
    with pytest.raises(ValidationError) as excinfo:
        validate_document(sample_pdf())
    assert code_of(excinfo) == "too_large"


def test_decompression_bomb_is_refused(settings):
    # 3000×3000 of one colour compresses to a few kB; the pixel limit refuses it before decoding.
    buffer = io.BytesIO()
    Image.new("L", (3000, 3000)).save(buffer, "PNG")
    assert len(buffer.getvalue()) < 100_000
    settings.UPLOAD_MAX_IMAGE_PIXELS = 1_000_000
    with pytest.raises(ValidationError) as excinfo:
        validate_image(buffer.getvalue())
    assert code_of(excinfo) == "too_many_pixels"


def test_truncated_jpeg_is_refused():
    data = sample_jpeg(size=(200, 200))
    with pytest.raises(ValidationError) as excinfo:
        validate_image(data[: len(data) // 2])
    assert code_of(excinfo) == "invalid_image"


def test_jpeg_magic_followed_by_garbage_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        validate_image(b"\xff\xd8\xff\xe0" + b"not really a jpeg" * 10)
    assert code_of(excinfo) == "invalid_image"


def test_polyglot_jpeg_with_html_appended_is_refused():
    """A real JPEG with HTML after its end: Pillow opens it, browsers sniffing it see a page.

    Policy: refused by the markup scan. (Had it slipped through, clean_image would keep only
    the pixels: see the next test.)
    """
    polyglot = sample_jpeg() + b"<html><body><script>alert(1)</script></body></html>"
    with pytest.raises(ValidationError) as excinfo:
        validate_image(upload("cat.jpg", polyglot, "image/jpeg"))
    assert code_of(excinfo) == "markup"


def test_polyglot_gif_header_with_html_is_refused():
    """The classic GIFAR-style file: 'GIF89a' then a script. GIF is not accepted at all."""
    polyglot = b"GIF89a/*\x00\x00*/=1;<script>alert(1)</script>"
    with pytest.raises(ValidationError) as excinfo:
        validate_image(upload("a.jpg", polyglot, "image/jpeg"))
    assert code_of(excinfo) == "image_type"


def test_markup_hidden_in_a_jpeg_comment_is_refused_and_reencoding_drops_trailing_bytes(
    monkeypatch,
):
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16)).save(buffer, "JPEG", comment=b"<iframe src=//evil>")
    with pytest.raises(ValidationError) as excinfo:
        validate_image(buffer.getvalue())
    assert code_of(excinfo) == "markup"

    # Defence in depth: with the scan switched off, re-encoding still keeps only the pixels.
    monkeypatch.setattr(uploads, "_check_no_markup", lambda data: None)
    cleaned = clean_image(sample_jpeg() + b"<script>alert(1)</script>").read()
    assert b"<script" not in cleaned


def test_image_upload_field_returns_the_cleaned_file():
    class PhotoForm(forms.Form):
        photo = ImageUploadField()

    form = PhotoForm(files={"photo": upload("me.jpg", jpeg_with_gps_and_rotation())})
    assert form.is_valid(), form.errors
    photo = form.cleaned_data["photo"]
    assert photo.name.endswith(".jpg") and photo.original_name == "me.jpg"
    with Image.open(photo) as image:
        assert not image.getexif()
    assert 'accept="image/jpeg,image/png,image/webp"' in str(form["photo"])


def test_image_upload_field_shows_a_clear_error():
    class PhotoForm(forms.Form):
        photo = ImageUploadField()

    with translation.override("en"):
        form = PhotoForm(files={"photo": upload("me.jpg", b"<html>hello</html>")})
        assert not form.is_valid()
        assert form.errors["photo"] == ["Only JPEG, PNG and WebP images are accepted."]


def test_image_upload_field_keeps_an_unchanged_initial_file():
    class PhotoForm(forms.Form):
        photo = ImageUploadField(required=False)

    form = PhotoForm(files={}, initial={"photo": "deputies/photos/old.jpg"})
    assert form.is_valid()
    assert form.cleaned_data["photo"] == "deputies/photos/old.jpg"


# --- Documents ------------------------------------------------------------------------------


def test_pdf_docx_and_xlsx_are_accepted_by_their_bytes_whatever_their_name():
    assert validate_document(upload("reply.bin", sample_pdf())) == "pdf"
    assert validate_document(upload("reply.pdf", sample_docx())) == "docx"
    assert validate_document(upload("table.txt", sample_xlsx())) == "xlsx"


def test_document_kinds_can_be_restricted():
    assert validate_document(sample_pdf(), kinds={"pdf"}) == "pdf"
    with pytest.raises(ValidationError) as excinfo:
        validate_document(sample_docx(), kinds={"pdf"})
    assert code_of(excinfo) == "document_type"
    with translation.override("en"):
        assert excinfo.value.messages == ["This file type is not accepted here; accepted: PDF."]


@pytest.mark.parametrize(
    "content",
    [
        b"just some text\n",
        b"<html><body>hi</body></html>",
        b"MZ\x90\x00 an executable",
        sample_jpeg(),
    ],
    ids=["text", "html", "exe", "jpeg"],
)
def test_other_documents_are_refused(content):
    with pytest.raises(ValidationError) as excinfo:
        validate_document(upload("report.pdf", content, "application/pdf"))
    assert code_of(excinfo) == "document_type"


def test_a_plain_zip_named_docx_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ValidationError) as excinfo:
        validate_document(upload("report.docx", buffer.getvalue()))
    assert code_of(excinfo) == "invalid_office"


def test_macro_enabled_documents_are_refused():
    source = zipfile.ZipFile(io.BytesIO(sample_docx()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info in source.infolist():
            archive.writestr(info, source.read(info))
        archive.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro")
    with pytest.raises(ValidationError) as excinfo:
        validate_document(upload("report.docx", buffer.getvalue()))
    assert code_of(excinfo) == "macros"


def test_legacy_ole_documents_are_refused_with_advice():
    with pytest.raises(ValidationError) as excinfo:
        validate_document(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    assert code_of(excinfo) == "legacy_office"


def test_pdf_with_javascript_is_refused():
    pdf = sample_pdf().replace(
        b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>"
    )
    with pytest.raises(ValidationError) as excinfo:
        validate_document(pdf)
    assert code_of(excinfo) == "pdf_script"


def test_document_upload_field_renames_after_the_detected_type():
    class ReplyForm(forms.Form):
        reply = DocumentUploadField(kinds={"pdf", "docx"})

    form = ReplyForm(files={"reply": upload("答复意见.docx", sample_pdf())})
    assert form.is_valid(), form.errors
    reply = form.cleaned_data["reply"]
    assert reply.name.endswith(".pdf") and reply.original_name == "答复意见.docx"
    assert "accept=" in str(form["reply"]) and ".pdf" in str(form["reply"])


# --- Videos ---------------------------------------------------------------------------------


def test_minimal_mp4_is_accepted():
    assert validate_video(upload("activity.mp4", sample_mp4(), "video/mp4")) == "mp4"
    assert validate_video(sample_mp4(b"hvc1", brand=b"mp42")) == "mp4"


def test_mp4_with_moov_after_mdat_is_read_by_seeking():
    assert validate_video(sample_mp4(mdat=bytes(100_000))) == "mp4"


def test_text_file_named_mp4_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        validate_video(upload("activity.mp4", b"this is not a video\n" * 10, "video/mp4"))
    assert code_of(excinfo) == "video_type"


@pytest.mark.parametrize(
    "content",
    [
        b"\x1a\x45\xdf\xa3" + bytes(60),  # WebM / Matroska (EBML)
        b"RIFF\x00\x10\x00\x00AVI LIST" + bytes(60),  # AVI
        struct.pack(">I4s4sI", 20, b"ftyp", b"qt  ", 0) + b"qt  " + bytes(40),  # QuickTime .mov
    ],
    ids=["webm", "avi", "mov"],
)
def test_other_video_containers_are_refused(content):
    with pytest.raises(ValidationError) as excinfo:
        validate_video(upload("clip.mp4", content))
    assert code_of(excinfo) == "video_type"


def test_mp4_with_another_codec_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        validate_video(sample_mp4(b"vp09"))
    assert code_of(excinfo) == "video_codec"
    assert "vp09" in excinfo.value.messages[0]  # named in every language


def test_ftyp_without_moov_is_refused_as_incomplete():
    ftyp = struct.pack(">I4s4sI4s", 20, b"ftyp", b"isom", 512, b"isom")
    with pytest.raises(ValidationError) as excinfo:
        validate_video(ftyp + bytes(100))
    assert code_of(excinfo) == "invalid_video"


def test_mp4_with_lying_box_sizes_is_refused():
    data = bytearray(sample_mp4())
    moov_at = data.index(b"moov") - 4
    data[moov_at : moov_at + 4] = struct.pack(">I", 10_000_000)
    with pytest.raises(ValidationError) as excinfo:
        validate_video(bytes(data))
    assert code_of(excinfo) == "invalid_video"


def test_oversized_video_is_refused(settings):
    settings.UPLOAD_MAX_VIDEO_BYTES = 50
    with pytest.raises(ValidationError) as excinfo:
        validate_video(sample_mp4())
    assert code_of(excinfo) == "too_large"


def test_video_upload_field_renames_to_mp4():
    class ClipForm(forms.Form):
        clip = VideoUploadField()

    form = ClipForm(files={"clip": upload("活动.MOV.mp4", sample_mp4())})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["clip"].name.endswith(".mp4")


# --- Names ----------------------------------------------------------------------------------


class _Meta:
    app_label = "deputies"
    model_name = "deputy"


class _Instance:
    _meta = _Meta()


@pytest.mark.parametrize(
    ("filename", "ext"),
    [("photo.JPEG", "jpg"), ("x.pdf", "pdf"), ("evil.php", "bin"), ("../../etc/passwd", "bin")],
)
def test_generated_name_keeps_only_a_safe_extension(filename, ext):
    name = generated_name(_Instance(), filename)
    assert name.startswith("deputies/deputy/") and name.endswith(f".{ext}")
    assert ".." not in name and "passwd" not in name and "photo" not in name


def test_generated_name_class_is_deconstructible_for_migrations():
    upload_to = GeneratedName("motions/replies")
    path, args, kwargs = upload_to.deconstruct()
    assert path == "congress.uploads.GeneratedName" and args == ("motions/replies",)
    assert upload_to(None, "reply.docx").startswith("motions/replies/")
    assert upload_to == GeneratedName("motions/replies")


def test_exif_transpose_is_what_orientation_means():
    # Guard the fixture: Pillow agrees that orientation 6 swaps the sides.
    with Image.open(io.BytesIO(jpeg_with_gps_and_rotation())) as image:
        assert ImageOps.exif_transpose(image).size == (40, 80)


def test_mp4_html_polyglot_is_refused_but_a_sound_mp4_passes():
    html = b"<html><body><script>alert(document.cookie)</script></body></html>"
    sound = sample_mp4(mdat=bytes(64))
    ftyp_end = struct.unpack(">I", sound[:4])[0]
    free = struct.pack(">I4s", 8 + len(html), b"free") + html  # a box browsers would sniff
    with pytest.raises(ValidationError) as excinfo:
        validate_video(upload("clip.mp4", sound[:ftyp_end] + free + sound[ftyp_end:]))
    assert code_of(excinfo) == "markup"
    assert validate_video(upload("clip.mp4", sound)) == "mp4"
