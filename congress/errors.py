"""Domain errors: raised by services, mapped to 400/409 by the API and shown as messages by views."""

from __future__ import annotations


class DomainError(Exception):
    """A rule refused a change. `code` is stable (for clients and tests); `message` is translated."""

    status = 409  # the request was understood but conflicts with the object's state

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


class InvalidInput(DomainError):
    """The input itself is wrong (a date in the past, too few co-signers...)."""

    status = 400


class PermissionRefused(DomainError):
    """The actor may not do this to this object."""

    status = 403
