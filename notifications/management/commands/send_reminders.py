"""`python manage.py send_reminders [--date YYYY-MM-DD] [--sync]` (a contract, DESIGN.md).

Runs the daily sweep as of a date (today in Asia/Ho_Chi_Minh by default): writes the ledger rows for the reminders
due that day and plans the day's digests. Without --sync the digests are handed to the Celery workers; with --sync
they are sent here, in this process. Running it twice for the same date sends nothing new: the ledger's unique
constraints make the second run a no-op.
"""
import datetime

from django.core.management.base import BaseCommand, CommandError

from notifications import delivery, queue, sweep
from notifications.models import OutgoingEmail


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date must be YYYY-MM-DD, not {value!r}")


class Command(BaseCommand):
    help = "Write the reminders due on a date into the notification ledger and send (or enqueue) the day's digests."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=_date, help="YYYY-MM-DD (default: today in Asia/Ho_Chi_Minh)")
        parser.add_argument("--sync", action="store_true", help="send in this process instead of through Celery")

    def handle(self, *args, date=None, sync=False, **options):
        # The emails are handed over (or sent) below, so that this command can say how many.
        result = sweep.sweep(date, hand_over=False)
        swept = ", ".join(day.isoformat() for day in result.days)
        self.stdout.write(
            f"date: {result.day.isoformat()} working_day={'yes' if result.working_day else 'no'} swept={swept}"
        )
        self.stdout.write(f"planned: reminders={result.reminders_written} emails={len(result.emails_planned)}")
        if not sync:
            # Today's digests and anything else still waiting (an earlier broker outage, a killed worker).
            waiting = queue.due_for_sending().count()
            handed_over = queue.requeue()
            self.stdout.write(f"enqueued: {handed_over} of {waiting} waiting")
            if handed_over < waiting:
                self.stderr.write("The broker did not take every email; the next send-pending run hands them over.")
            return
        waiting = queue.due_for_sending().order_by("pk").values_list("pk", flat=True)
        outcomes = delivery.send_now(list(waiting))
        counts = {status: sum(o.status == status for o in outcomes) for status in
                  ("sent", "skipped", "deferred", "failed", "not_claimed")}
        already = OutgoingEmail.objects.filter(day=result.day, status=OutgoingEmail.Status.SENT).count() - counts["sent"]
        self.stdout.write(
            f"sent: {counts['sent']} skipped: {counts['skipped'] + counts['not_claimed']} "
            f"deferred: {counts['deferred']} failed: {counts['failed']} already_sent_today: {max(0, already)}"
        )
        for outcome in outcomes:
            if outcome.status in {"deferred", "failed"}:
                self.stderr.write(f"  email {outcome.email_id}: {outcome.status}: {outcome.detail}")
