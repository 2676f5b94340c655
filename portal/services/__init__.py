"""Business rules: plain functions over the session. They flush; the request commits."""
