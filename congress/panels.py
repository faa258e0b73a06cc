"""Registries through which domain apps contribute to shared pages without congress importing them.

An app registers, in its AppConfig.ready(), a home-page panel (public) or a dashboard panel
(portal): a template and a function returning its context (or None to hide the panel).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    order: int
    template: str
    context: Callable  # (request) -> dict | None


HOME_PANELS: list[Panel] = []
DASHBOARD_PANELS: list[Panel] = []


def register_home_panel(order: int, template: str, context: Callable) -> None:
    if not any(p.template == template for p in HOME_PANELS):
        HOME_PANELS.append(Panel(order, template, context))
        HOME_PANELS.sort(key=lambda p: p.order)


def register_dashboard_panel(order: int, template: str, context: Callable) -> None:
    if not any(p.template == template for p in DASHBOARD_PANELS):
        DASHBOARD_PANELS.append(Panel(order, template, context))
        DASHBOARD_PANELS.sort(key=lambda p: p.order)


def render_panels(panels: list[Panel], request) -> list[tuple[str, dict]]:
    result = []
    for panel in panels:
        ctx = panel.context(request)
        if ctx is not None:
            result.append((panel.template, ctx))
    return result
