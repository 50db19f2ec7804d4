"""What the comité listens to, subscribed once by create_app: `flask alerts run` (the reminder
of a meeting two days before, once: a row of alert_sent per meeting and day, as the other alerts)."""
from app.comite import mails
from app.comite.services import due_reminders
from app.core.formatting import to_paris
from app.core.signals import daily_alerts
from app.notifications.alerts import Due, claim

RULE = "comite_rappel"


def on_daily_alerts(sender, *, today, **_):
    reunions = {r.id: r for r in due_reminders(today)}
    due = [Due(r.dossier_id, RULE, to_paris(r.debut).date(), r.id, "") for r in reunions.values()]
    won = claim(due, today)
    for alert in won:
        mails.send(reunions[alert.step], "rappel")
    return {RULE: len(won)}


def subscribe() -> None:
    daily_alerts.connect(on_daily_alerts)
