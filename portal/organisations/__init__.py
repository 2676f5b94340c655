"""The organisation: its profile, team and mandates."""
