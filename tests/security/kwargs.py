"""URL kwargs of every parameterised route, from the world's objects (see world.py)."""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin


def _pk(name):
    return lambda o: {"pk": o[name].pk}


# Pages and POST routes of the apps: route key → kwargs from the world's objects.
PAGES = {
    "public:regulation": _pk("regulation"),
    "portal:open_notification": _pk("notification"),
    "portal:obligation": _pk("obligation"),
    "portal:obligation_submit": _pk("obligation"),
    "portal:obligation_extension": _pk("obligation"),
    "portal:obligation_extension_withdraw": _pk("extension_obligation"),
    "portal:obligation_extension_decide": lambda o: {
        "pk": o["extension_obligation"].pk,
        "request_pk": o["extension"].pk,
    },
    "portal:obligation_accept": _pk("generic_obligation"),
    "portal:obligation_return": _pk("generic_obligation"),
    "portal:obligation_urge": _pk("obligation"),
    "portal:obligation_document": lambda o: {
        "pk": o["generic_obligation"].pk,
        "document_pk": o["document"].pk,
    },
    "jointmeetings:entry": lambda o: {"number": o["signed_meeting"].number},
    "jointmeetings:version": lambda o: {"number": o["signed_meeting"].number, "version_number": 1},
    "jointmeetings:photo": lambda o: {"pk": o["joint_photo"].pk, "size": "thumb"},
    "jointmeetings:portal_entry": _pk("joint_meeting"),
    "jointmeetings:portal_edit": _pk("joint_meeting"),
    "jointmeetings:portal_photo_add": _pk("joint_meeting"),
    "jointmeetings:portal_photo_delete": lambda o: {
        "pk": o["joint_meeting"].pk,
        "photo_pk": o["joint_photo"].pk,
    },
    "jointmeetings:portal_mark_held": _pk("joint_meeting"),
    "jointmeetings:portal_sign_off": _pk("joint_meeting"),
    "jointmeetings:portal_correct": _pk("signed_meeting"),
    "jointmeetings:portal_change_lead": _pk("joint_meeting"),
    "deputies:deputy": lambda o: {"pk": o["deputy_profile"].pk},
    "deputies:station": _pk("station"),
    "deputies:station_ical": _pk("station"),
    "deputies:opinion": _pk("opinion"),
    "deputies:opinion_action": lambda o: {"pk": o["opinion"].pk, "action": "forward"},
    "deputies:reception_confirm": _pk("reception_day"),
    "deputies:duty_delete": _pk("duty"),
    "deputies:duty_summary": lambda o: {"year": 2026},
    "deputies:training": _pk("training"),
    "deputies:roster_preview": _pk("roster_import"),
    "experts:invitation": _pk("invitation"),
    "experts:invitation_declare": _pk("invitation"),
    "experts:invitation_opinion": _pk("invitation"),
    "experts:invitation_decline": _pk("invitation"),
    "experts:consultation": _pk("consultation"),
    "experts:consultation_invite": _pk("consultation"),
    "experts:consultation_summarise": _pk("consultation"),
    "experts:consultation_cancel": _pk("consultation"),
    "experts:expert_record": _pk("expert_profile"),
    "motions:public_detail": lambda o: {"year": o["motion"].year, "number": o["motion"].number},
    "motions:motion_feed": lambda o: {"year": o["motion"].year, "number": o["motion"].number},
    "motions:update_file": lambda o: {"kind": "photo", "pk": o["update_photo"].pk},
    "motions:attachment": _pk("attachment"),
    "motions:answer_assignment": lambda o: {
        "pk": o["motion"].pk,
        "assignment_id": o["assignment"].pk,
    },
    "motions:publish_update": lambda o: {"pk": o["motion"].pk, "update_id": o["update"].pk},
    "motions:unpublish_update": lambda o: {"pk": o["motion"].pk, "update_id": o["update"].pk},
    "motions:comment": lambda o: {"pk": o["motion"].pk, "update_id": o["update"].pk},
    "motions:report_detail": _pk("session_report"),
    "motions:report_generate": _pk("session_report"),
    "motions:report_submit": _pk("session_report"),
    "motions:report_docx": _pk("session_report"),
    "motions:report_pdf": _pk("session_report"),
    "suggestions:public_detail": _pk("suggestion"),
    "suggestions:portal_detail": _pk("suggestion"),
    "suggestions:portal_withdraw": _pk("suggestion"),
    "suggestions:portal_rate": lambda o: {"reply_pk": o["reply"].pk},
    "suggestions:unit_detail": _pk("suggestion_assignment"),
    "suggestions:unit_contact": _pk("suggestion_assignment"),
    "suggestions:unit_reply": _pk("suggestion_assignment"),
    "suggestions:unit_return": _pk("suggestion_assignment"),
    "suggestions:unit_followup": _pk("follow_up"),
    "suggestions:file": lambda o: {"kind": "letter", "pk": o["reply"].pk},
    "evaluations:public_item": _pk("item"),
    "evaluations:public_opinion": _pk("item"),
    "evaluations:portal_cast": _pk("vote"),
    "evaluations:portal_item": _pk("item"),
}
for _name in (
    "motions:portal_detail",
    "motions:edit",
    "motions:invite",
    "motions:cosign",
    "motions:submit",
    "motions:withdraw",
    "motions:attach",
    "motions:review",
    "motions:assign",
    "motions:add_unit",
    "motions:phase",
    "motions:post_update",
    "motions:follow",
):
    PAGES[_name] = _pk("motion")
for _name in (
    "reviews:public_detail",
    "reviews:letter",
    "reviews:letter_docx",
    "reviews:letter_pdf",
    "reviews:portal_detail",
    "reviews:request_report",
    "reviews:record_review",
    "reviews:save_letter",
    "reviews:issue_letter",
    "reviews:rate",
    "reviews:close_rating",
    "reviews:publish",
    "reviews:unpublish",
):
    PAGES[_name] = _pk("topic")

# API detail routes: the router's basename → the world's object.
API_OBJECTS = {
    "obligation": "obligation",
    "joint-meeting": "joint_meeting",
    "deputy": "deputy_profile",
    "deputy-station": "station",
    "reception-day": "future_reception_day",
    "voter-opinion": "opinion",
    "duty-record": "duty",
    "expertise-field": "expertise_field",
    "expert": "expert_profile",
    "expert-contact": "expert_profile",
    "consultation": "consultation",
    "expert-invitation": "invitation",
    "motion": "motion",
    "motion-update": "update",
    "portal-motion": "motion",
    "suggestion": "suggestion",
    "suggestion-assignment": "suggestion_assignment",
    "evaluation-result": "item",
    "evaluation-ballot": "vote",
    "review": "topic",
}
# API actions that act on another object than the basename's.
API_OVERRIDES = {
    "obligation-accept": "generic_obligation",
    "obligation-return-report": "generic_obligation",
    "obligation-decide-extension": "extension_obligation",
}


def api_kwargs(key: str, params, objects) -> dict:
    if "code" in params:
        return {"code": "motion-handling-plan"}
    if "pk" not in params:
        return {}
    name = API_OVERRIDES.get(key)
    if name is None:
        base = key.rsplit("-", 1)[0] if key.endswith("-detail") else None
        for basename in sorted(API_OBJECTS, key=len, reverse=True):
            if key == f"{basename}-detail" or key.startswith(f"{basename}-"):
                base = basename
                break
        name = API_OBJECTS[base]
    return {"pk": objects[name].pk}


def admin_models() -> dict[str, type]:
    """Admin route prefix (`app_model`) → model, for every model registered in the admin."""
    return {f"{m._meta.app_label}_{m._meta.model_name}": m for m in admin.site._registry}


def admin_object(model):
    return model._default_manager.order_by("pk").first()


def admin_kwargs(route, objects) -> dict | None:
    """Kwargs of an admin route, or None when the model has no row to open."""
    params = route.params
    if not params:
        return {}
    if "url" in params:  # the admin's catch-all: an unknown admin page
        return {"url": "no-such-page/"}
    if "app_label" in params:
        return {"app_label": "congress"}
    if "content_type_id" in params:
        from django.contrib.contenttypes.models import ContentType

        reg = objects["regulation"]
        return {"content_type_id": ContentType.objects.get_for_model(reg).pk, "object_id": reg.pk}
    model = model_of(route)
    obj = admin_object(model)
    if obj is None:
        return None
    if "id" in params:
        return {"id": obj.pk}
    if "pk" in params:  # django-otp's device config and QR code pages
        return {"pk": obj.pk}
    if "_1" in params:  # simple_history: ^([^/]+)/history/([^/]+)/$
        record = obj.history.order_by("pk").first()
        if record is None:
            return None
        return {"_0": obj.pk, "_1": record.pk}
    return {"object_id": obj.pk}


def model_of(route):
    parts = route.pattern.split("/")
    return apps.get_model(parts[1], parts[2])
