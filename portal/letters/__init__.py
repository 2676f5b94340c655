"""Letters: issuing, rendering to PDF, the inbox, unread counters and e-mail notices."""
