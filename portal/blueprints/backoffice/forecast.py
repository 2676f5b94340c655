"""The backlog forecast (supervisors): per application kind, the coming weeks' backlog and
cases past their deadline, under the current capacity and with more (or fewer) reviewers."""

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField
from wtforms.validators import NumberRange, Optional

from portal import charts, clock
from portal.blueprints.backoffice import bp
from portal.forecast import backlog, backlog_charts
from portal.forms import BaseForm
from portal.permissions import Permission, staff_requires

MAX_EXTRA = 100


class ScenarioForm(BaseForm):
    class Meta:
        csrf = False  # a GET form: it changes nothing

    extra_reviewers = IntegerField(
        _l("Reviewers more (or fewer, with a minus sign) than today"),
        validators=[
            Optional(),
            NumberRange(
                min=-MAX_EXTRA,
                max=MAX_EXTRA,
                message=_l("Enter a whole number from -100 to 100"),
            ),
        ],
    )


@bp.get("/management/forecast")
@staff_requires(Permission.STAFF_REPORTS_READ)
def backlog_forecast():
    form = ScenarioForm(request.args)
    if request.args and not form.validate():
        return render_template("backoffice/forecast.html", form=form, forecast=None), 400
    extra = form.extra_reviewers.data or 0
    forecast = backlog.forecast(clock.today(), extra)
    return render_template(
        "backoffice/forecast.html",
        form=form,
        forecast=forecast,
        charts=backlog_charts.forecast_charts(forecast),
        number=charts.number,
    )
