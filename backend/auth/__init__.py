"""Sign-in: identity providers (local passwords today, an organisation's OIDC beside them
tomorrow), server-side sessions, throttling, CSRF, and who the current worker is.

Other adapters need only ``current_worker``, ``current_viewer``, ``login_required`` and
``public``; how the worker proved who they are stays in here.
"""

from .guard import csrf_exempt, current_viewer, current_worker, login_required, public

__all__ = ["csrf_exempt", "current_viewer", "current_worker", "login_required", "public"]
