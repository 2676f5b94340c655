"""The appointment as an iCalendar file (RFC 5545), downloaded from the portal: the start in
Europe/Amsterdam with its VTIMEZONE, so calendars show the desk's local time on both sides of
a daylight-saving change."""

from icalendar import Calendar, Event

from portal.appointments.calendar import local

KIND_WORDS = {
    ("biometrics", "en"): "biometrics (photo, fingerprints, signature)",
    ("biometrics", "nl"): "biometrie (foto, vingerafdrukken, handtekening)",
    ("collection", "en"): "collecting the residence document",
    ("collection", "nl"): "ophalen verblijfsdocument",
}
BRING = {
    "en": "Bring a valid passport. Arrive 10 minutes early.",
    "nl": "Neem een geldig paspoort mee. Kom 10 minuten van tevoren.",
}


def calendar_file(appointment, language: str, host: str) -> bytes:
    language = language if language in ("nl", "en") else "en"
    cal = Calendar()
    cal.add("prodid", "-//IND//Sponsor Portal//EN")
    cal.add("version", "2.0")
    event = Event()
    event.add("uid", f"appointment-{appointment.id}@{host}")
    event.add("dtstamp", appointment.booked_at)
    event.add("dtstart", local(appointment.starts_at))
    event.add("dtend", local(appointment.ends_at))
    what = KIND_WORDS[(appointment.kind.value, language)]
    event.add("summary", f"IND {appointment.desk.name}: {what} – {appointment.person.full_name}")
    event.add("location", appointment.desk.address)
    event.add("description", f"{BRING[language]} {appointment.desk.contact}")
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
