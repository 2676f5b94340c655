"""Who someone is: accounts, sign-in tokens, passwords, second factor, lockout,
federation (OIDC) and sessions."""
