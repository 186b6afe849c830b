"""E-mail between sessions: messages that say something is waiting, and link to it.

The public API, for a feature that sends a new kind of message:

1. Add a ``Kind`` subclass to ``domain.mail.kinds.KINDS`` (its ``gather`` returns the
   values its templates need, or None when there is nothing to say any more), and two
   templates, ``templates/mail/<name>.txt`` and ``templates/mail/<name>.html``.
2. Queue it in the transaction that causes it:
   ``mail.queue("<name>", user=recipient, couple_id=…, period="…", ref_id=…, due_at=…)``.
   The key (kind, recipient, period) makes a second call a no-op. Timed kinds are
   planned by ``domain.mail.plan`` on each periodic pass instead.
3. Sending, retries, quiet hours, preferences, unsubscribe links and the audit row are
   done for it (``domain.mail.delivery``).
"""

from domain.mail.delivery import queue, send_due, send_one
from domain.mail.kinds import KINDS, Kind, kind_named, kinds_for

__all__ = ["KINDS", "Kind", "kind_named", "kinds_for", "queue", "send_due", "send_one"]
