"""Back-office insight: management information and the audit-log search."""
