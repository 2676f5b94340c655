"""The base of every exception a case raises (lifecycle, casework, replies)."""


class CaseError(Exception):
    """A case refused an action: wrong state, stale version, four eyes, closed, …"""
