"""Risk-based triage, transparent (issue 24): rules route a case to a simple or a thorough
review and say why. Rules are defined in code (`rules.py`) over facts about the organisation and
the case — never about the person; their settings (on or off, parameters) start from reference
data and are changed by supervisors in the back office (`settings.py`: stored, versioned,
audited). The reviewer sees which rules fired and why on the case page."""
