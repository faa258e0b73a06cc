"""One router for the whole API; each app adds its viewsets in `<app>/api.py: register(router)`."""

from importlib import import_module

from django.apps import apps
from rest_framework.routers import DefaultRouter

router = DefaultRouter()
for config in apps.get_app_configs():
    if not config.name.startswith(("congress", "deputies", "experts", "motions", "evaluations")):
        continue
    try:
        module = import_module(f"{config.name}.api")
    except ModuleNotFoundError as exc:
        if exc.name != f"{config.name}.api":
            raise
        continue
    register = getattr(module, "register", None)
    if register is not None:
        register(router)

urlpatterns = router.urls
