"""The page of the phone app a notification opens: the app's addresses belong to this adapter, not the core.

The service worker opens ``url`` on a tap (pwa/sw.js), falling back to the visit list.
"""

from __future__ import annotations

from typing import Protocol

VISIT_LIST_URL = "/#/visits"


class Notice(Protocol):
    """What the core's reminders (due-date and planned-contact alike) give a notification."""

    @property
    def child_ids(self) -> frozenset[str]: ...

    def payload(self) -> dict[str, str]: ...


def child_url(child_id: str) -> str:
    return f"/#/children/{child_id}"


def opens(child_ids: frozenset[str]) -> str:
    """A message about one child opens that child; about several, the visit list."""
    if len(child_ids) == 1:
        (only,) = child_ids
        return child_url(only)
    return VISIT_LIST_URL


def notification_payload(notice: Notice) -> dict[str, str]:
    """The JSON body the service worker receives (the contract with the phone app)."""
    return {**notice.payload(), "url": opens(notice.child_ids)}
