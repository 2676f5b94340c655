"""What a case page shows of due process (issue 25), for the sponsor and the reviewer alike:
the extension of the decision period and why, and the notice of default — from when it may
be sent, and once sent the penalty as it stands."""

from dataclasses import dataclass
from datetime import date

from portal.cases import default_notice, extension
from portal.models import Application, DeadlineExtension


@dataclass(frozen=True)
class DueProcess:
    extension: DeadlineExtension | None
    notice_possible_from: date | None  # while the clock runs: the day after the deadline
    penalty: default_notice.Penalty | None  # a notice was sent
    today: date

    @property
    def notice_possible(self) -> bool:
        return (
            self.penalty is None
            and self.notice_possible_from is not None
            and self.notice_possible_from <= self.today
        )


def of_case(application: Application, today: date) -> DueProcess:
    notice = default_notice.notice_of(application)
    return DueProcess(
        extension=extension.extension_of(application),
        notice_possible_from=default_notice.possible_from(application, today),
        penalty=default_notice.penalty(notice, application, today) if notice else None,
        today=today,
    )
