"""Administration: user accounts, invitations and roles."""
