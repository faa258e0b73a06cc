"""Signals the shared institution sends; domain apps connect to them in their AppConfig.ready."""

from django.dispatch import Signal

# Sent after an obligation changes state (on commit): obligation, old_state, new_state, actor.
obligation_changed = Signal()
