"""What happens on the desk, for the parts that tell others: webhooks and the inbox
(docs/architecture.md, "Events").

claims.workflow sends each signal inside the transaction of the write it describes, so what a
receiver records (a notification, a webhook delivery and its job) commits or rolls back with the
write: a refused write tells nobody, and a told event always happened. Receivers only record and
queue; anything slow (e-mail, HTTP) runs later on a worker.

Every signal carries `by`, the person who acted (None for the desk's own jobs).
"""

from __future__ import annotations

from django.dispatch import Signal

claim_logged = Signal()  # claim
claims_assigned = Signal()  # claims (a list), assignee (a User, or None when unassigned)
evidence_added = Signal()  # evidence
review_proposed = Signal()  # review
review_decided = Signal()  # review, its decision approved, returned or withdrawn
claim_corrected = Signal()  # correction: what a decided claim says was changed by an editor
evidence_at_risk = Signal()  # watch: the link watch has just found a linked source gone or changed
