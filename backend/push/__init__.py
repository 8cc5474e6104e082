"""Web Push: workers' devices and reminder settings (``devices.py``), the reminder job
(``reminders.py``, with ``plan_reminders.py`` for planned contacts, and ``delivery.py``), VAPID keys,
the sender (``sender.py``, ``protocol.py``) and the pages a notification opens (``links.py``)
(docs/push.md). When a reminder is due is the core's (core/reminders.py, core/plan_reminders.py).
"""
