"""A recognised sponsor's duties: deadlines, reports of changes, the duties overview, reminders."""
