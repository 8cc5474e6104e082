"""Sign-in: identity providers (local passwords today, an organisation's OIDC beside them
tomorrow), server-side sessions, throttling and worker accounts.

The HTTP side (who the current worker is, CSRF, which routes are public) is ``api/guard.py``.
"""
