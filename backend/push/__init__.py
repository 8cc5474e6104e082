"""Web Push: workers' devices and reminder settings (``devices.py``), the reminder job
(``reminders.py``, with ``plan_reminders.py`` for planned contacts), VAPID keys and the sender
(docs/push.md). When a reminder is due is the core's (core/reminders.py, core/plan_reminders.py).
"""
