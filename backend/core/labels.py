"""How a child is named wherever a worker's device or calendar provider may show it.

One label everywhere: the initials as the API answers them ("ZQ"), or the case reference
when a name gives no letters, and the full name only where an admin has allowed names
(feeds). Due-date reminders, plan reminders, calendar feeds and the app's ``initials`` field
all take it from here, so the same child is never "ZQ" in one place and "Z.Q." in another.
"""

from __future__ import annotations


def initials_of(name: str) -> str:
    """ "Jo Smith" -> "JS": enough for a worker to recognise a child on a lock screen, no more."""
    return "".join(part[0] for part in name.split() if part[:1].isalpha()).upper()[:3]


def child_label(reference: str, initials: str | None, full_name: str | None = None, names_allowed: bool = False) -> str:
    """The child's name where allowed, otherwise its initials, otherwise its case reference."""
    if names_allowed and full_name:
        return full_name
    return (initials or "").strip() or reference
