"""Calendar feeds: a subscribable iCalendar link for each worker and team manager.

``service.py`` mints links and answers polls, ``plan_events.py`` puts planned contacts in
them, ``render.py`` builds them with icalendar and ``corrections.py`` corrects what it writes
differently (docs/feeds.md).
"""
