"""Translations resolved once per request (issue 20).

Flask-Babel looks the catalogue up again for every `_()`, every lazy label and every
`ngettext`: the request's context, the locale, the locale's name as a string, a dictionary —
some hundred times per page. Here the catalogue is kept on the request's Babel context for the
locale in force (so `force_locale`, used for letters and e-mails in another language, still
switches it), and templates get gettext callables bound to it once per render.
"""

from flask_babel import Domain, get_locale
from flask_babel import _get_current_context as babel_context
from jinja2 import pass_context
from markupsafe import Markup


class RequestDomain(Domain):
    """The default domain, its catalogue looked up once per request and locale."""

    def get_translations(self):
        context = babel_context()
        if context is None:
            return super().get_translations()
        locale = get_locale()
        kept = getattr(context, "portal_translations", None)
        if kept is not None and kept[0] is locale:
            return kept[1]
        translations = super().get_translations()
        context.portal_translations = (locale, translations)
        return translations


def template_callables() -> dict:
    """`gettext` / `ngettext` for one render, as Jinja's new-style i18n calls them (`_()` looks
    `gettext` up in the template's context): escaped when autoescaping, always %-formatted."""
    from flask_babel import get_translations

    translations = get_translations()

    @pass_context
    def gettext(context, string, **variables):
        text = translations.ugettext(string)
        if context.eval_ctx.autoescape:
            text = Markup(text)  # noqa: S704 - the catalogue, as Jinja does; values escaped by %
        if not variables and "%" not in text:
            return text  # what `%` would give, without Markup's formatting machinery
        return text % variables

    @pass_context
    def ngettext(context, singular, plural, num, **variables):
        variables.setdefault("num", num)
        text = translations.ungettext(singular, plural, num)
        if context.eval_ctx.autoescape:
            text = Markup(text)  # noqa: S704 - the catalogue, as Jinja does; values escaped by %
        return text % variables

    return {"gettext": gettext, "ngettext": ngettext}


def init_app(app, babel) -> None:
    domain = app.extensions["babel"].default_domain
    babel.__dict__["domain_instance"] = RequestDomain(domain=domain)  # a cached_property
    app.context_processor(template_callables)
