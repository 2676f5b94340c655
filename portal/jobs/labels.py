"""What each background task is, in words (the failed-jobs page)."""

from flask_babel import lazy_gettext as _l

TASKS = {
    "portal.mail:send_mail": _l("E-mail"),
    "portal.notices.bounces:send": _l("E-mail notice"),
    "portal.identity.tokens:send_password_reset": _l("Password reset e-mail"),
    "portal.identity.sign_up:send_sign_up_mail": _l("Sign-up confirmation e-mail"),
    "portal.api.delivery:deliver_due": _l("Webhook deliveries"),
    "portal.api.batches:run": _l("Student batch sent over the API"),
    "portal.bulk.student_import:check_batch": _l("Checking a student import"),
    "portal.bulk.storing:import_batch": _l("Storing a student import"),
    "portal.jobs.schedule:extension_and_report_reminders": _l("Daily reminders"),
    "portal.jobs.schedule:fee_reminders": _l("Daily fee reminders"),
    "portal.jobs.schedule:lift_expired_suspensions": _l("Daily end of suspensions"),
    "portal.jobs.schedule:todo_digest": _l("Daily to-do digest"),
    "portal.jobs.schedule:purge_done_jobs": _l("Daily clean-up of finished jobs"),
    "portal.jobs.exports:make": _l("Large export"),
}


def task_label(path: str) -> str:
    return str(TASKS.get(path, path))
