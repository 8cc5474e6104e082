"""Calendar feeds: subscribable iCalendar for each worker and team (docs/feeds.md)."""
