"""Accounts, roles with scopes, login, password reset and invitations."""
