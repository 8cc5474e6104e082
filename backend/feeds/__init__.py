"""Calendar feeds: subscribable iCalendar for each worker and team (issue 6)."""
