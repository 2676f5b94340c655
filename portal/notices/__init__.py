"""E-mail notices: who gets which (preferences), the daily to-do digest, bounced addresses.

- `preferences`: each user's mode per organisation (immediate / daily digest / off; by default
  administrators immediate, others off) and the organisation's contact address (on unless an
  administrator turns it off). Read by the letter notices (portal/letters/notices.py) and the
  digest.
- `digest`: `flask todo digest`, once a day: to each address one e-mail with the to-do items
  (portal/todo/) that are due within the coming days, counted by kind — never a name, never a
  link to sign in. At most one per address, organisation and day.
- `bounces`: an address whose mail came back is marked (no more notices to it) until the user
  or an administrator clears it; recorded when the mail server refuses it and by
  `flask notices bounce ADDRESS` for bounce messages that arrive later.
"""
