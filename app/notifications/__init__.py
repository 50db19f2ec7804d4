"""Who is told what: in-app notifications, e-mails (at once or in a daily digest), deadline alerts."""
