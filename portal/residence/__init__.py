"""Residence applications: types as data, the rules, drafts, submission and decision."""
