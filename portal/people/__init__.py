"""Sponsored people: the register, the rules for a person, permits."""
