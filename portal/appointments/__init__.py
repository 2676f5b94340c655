"""Appointments at IND desks (issue 23): biometrics and collecting the residence document,
booked by the sponsor for its people. calendar.py: opening hours, holidays and slots;
booking.py: book, move, cancel, attended or no-show (capacity enforced by the database);
needs.py: who needs one; letters.py and ical.py: the letter and the calendar file; desks.py:
staff managing desks; departures.py: automatic cancellation; figures.py: management charts."""
