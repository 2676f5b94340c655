"""What a refused booking or change says, per refusal code (booking.BookingRefused)."""

from flask_babel import lazy_gettext as _l

REFUSED = {
    "past": _l("This time has passed: choose a slot in the future"),
    "beyond_horizon": _l("Slots can be booked only in the coming weeks: choose an earlier slot"),
    "closed": _l(
        "The desk is closed at this time (a public holiday or a closure): choose another slot"
    ),
    "already_booked": _l(
        "This person already has an appointment of this kind: move or cancel that one"
    ),
    "cutoff": _l("The appointment is too close to change online. Contact the desk to change it"),
    "not_booked": _l("This appointment is no longer booked"),
    "not_yet": _l("The appointment has not taken place yet"),
    "group_does_not_fit": _l("The desk has too few free slots that day for the whole group"),
}
SLOT_FULL = _l("This slot has just been filled. Choose one of the next free slots")

KIND = {
    "biometrics": _l("Biometrics (photo, fingerprints, signature)"),
    "collection": _l("Collecting the residence document"),
}
STATUS = {
    "booked": _l("Booked"),
    "attended": _l("Attended"),
    "no_show": _l("Did not come"),
    "cancelled": _l("Cancelled"),
}
