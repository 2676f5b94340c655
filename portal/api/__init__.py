"""The API for institutions' own systems (issue 18): clients, tokens, problems."""
