"""Oversight of sponsors: recognition status, sanctions, the public register."""
