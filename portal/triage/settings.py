"""Triage rules' settings: reference data until a supervisor changes them; each change a new
version (never an update), audited. `triage(application)` says which rules fire and why."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from portal import audit
from portal.audit import AuditAction
from portal.extensions import db
from portal.models import Application, TriageRuleVersion, User
from portal.reference.triage import starting_settings
from portal.triage.rules import BY_KEY, RULES, Rule


@dataclass(frozen=True)
class Setting:
    rule: Rule
    enabled: bool
    parameters: dict
    version: TriageRuleVersion | None  # None: reference data


@dataclass(frozen=True)
class Fired:
    rule: Rule
    why: object


@dataclass(frozen=True)
class Triage:
    fired: list[Fired]

    @property
    def thorough(self) -> bool:
        return bool(self.fired)


def current(today: date) -> list[Setting]:
    latest = (
        select(TriageRuleVersion.rule, func.max(TriageRuleVersion.version).label("version"))
        .group_by(TriageRuleVersion.rule)
        .subquery()
    )
    stored = {
        row.rule: row
        for row in db.session.scalars(
            select(TriageRuleVersion).join(
                latest,
                (TriageRuleVersion.rule == latest.c.rule)
                & (TriageRuleVersion.version == latest.c.version),
            )
        )
    }
    settings = []
    for rule in RULES:
        if rule.key in stored:
            row = stored[rule.key]
            settings.append(Setting(rule, row.enabled, dict(row.parameters), row))
        else:
            settings.append(Setting(rule, *starting_settings(rule.key, today), None))
    return settings


def history(rule_key: str) -> list[TriageRuleVersion]:
    return db.session.scalars(
        select(TriageRuleVersion)
        .where(TriageRuleVersion.rule == rule_key)
        .order_by(TriageRuleVersion.version.desc())
    ).all()


def change(rule_key: str, enabled: bool, parameters: dict, reason: str, actor: User) -> int:
    """A new version of the rule's settings; returns its number."""
    rule = BY_KEY[rule_key]
    version = (
        db.session.scalar(
            select(func.max(TriageRuleVersion.version)).where(TriageRuleVersion.rule == rule_key)
        )
        or 0
    ) + 1
    values = {name: int(parameters[name]) for name in rule.parameter_labels}
    db.session.add(
        TriageRuleVersion(
            rule=rule_key,
            version=version,
            enabled=enabled,
            parameters=values,
            reason=reason,
            changed_by_id=actor.id,
        )
    )
    audit.record(
        AuditAction.STAFF_TRIAGE_RULE_CHANGED,
        actor=actor,
        details={"rule": rule_key, "version": version, "enabled": enabled, **values},
    )
    db.session.flush()
    return version


def triage(application: Application, today: date) -> Triage:
    fired = [
        Fired(setting.rule, setting.rule.explain(setting.parameters))
        for setting in current(today)
        if setting.enabled and setting.rule.fires(application, setting.parameters, today)
    ]
    return Triage(fired)
