"""The domain core: working-day calendars, rule profiles and visit scheduling.

Imports only the standard library, ``holidays`` and ``dateutil``: no web framework,
no database, no environment, no file I/O. Adapters around it do those jobs.
"""
