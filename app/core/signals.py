"""Events a lower layer publishes and a higher feature subscribes to, in `create_app`.

A deposit must archive the generated convention (conventions), later notify the préfecture
(notifications) and refresh the figures (pilotage); the lifecycle does not know those
features. It publishes; they listen. Blinker ships with Flask.

- `transition_applied(machine, subject, entry_data, user)`: the machine moved, its history row
  is about to be written; receivers may add to `entry_data["payload"]` (the archived
  document's version and hash, say). Receivers flush, never commit; an exception undoes all.
- `transition_recorded(machine, subject, entry, user)`: the history row is written (same
  transaction, not committed yet). Receivers queue work (notifications, outbox) there.
- `document_added(sender, dossier, document, version, user)`: a document or a new version
  was stored (flushed, not committed).
- `role_granted(sender, grant, by)`: an administrator gave a role.
- `daily_alerts(sender, today)`: `flask alerts run` runs; each receiver queues its own alerts
  for `today` (idempotent, through `notifications.alerts.claim`) and returns {rule: count}.
- `convention_gaps(dossier, kind)`: the lifecycle gathers the facts of a deposit and asks what
  the convention `kind` ("adhesion", "cadre") still lacks; each receiver returns the names of
  the missing pieces, in French ("Signataire de la commune de Jonzac"). Receivers only read.
- `projet_gaps(dossier, kind)`: the same question about the projet de territoire the
  convention formalises (the cadre: an axe with an indicator, a fiche validée).
- `rows_written(table)`: rows went into `table` through the driver, around the ORM and its
  events (`app.core.db.insert_many`, same transaction); a receiver that keeps figures in step
  with a table marks them out of date.
"""
from blinker import Namespace

_signals = Namespace()

transition_applied = _signals.signal("transition-applied")
transition_recorded = _signals.signal("transition-recorded")
document_added = _signals.signal("document-added")
role_granted = _signals.signal("role-granted")
convention_gaps = _signals.signal("convention-gaps")
projet_gaps = _signals.signal("projet-gaps")
daily_alerts = _signals.signal("daily-alerts")
rows_written = _signals.signal("rows-written")
