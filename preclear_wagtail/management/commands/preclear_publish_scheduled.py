"""Scheduled publishing through the gate: run this from cron instead of
Wagtail's ``publish_scheduled``.  A due revision the gate refuses is not
published and its schedule is cleared (the editor schedules it again once it
is approved); the others are published, and Wagtail's command then handles
expiry."""
from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from wagtail.models import Revision

from ...signals import PublicationRefused


class Command(BaseCommand):
    help = "publish due scheduled revisions that the review gate allows; unschedule the others"

    def handle(self, *args: Any, **options: Any) -> None:
        for revision in Revision.objects.filter(approved_go_live_at__lt=timezone.now()).order_by("pk"):
            try:
                with transaction.atomic():
                    revision.publish(log_action="wagtail.publish.scheduled")
                self.stdout.write(f"published: {revision.object_str}")
            except PublicationRefused as refused:
                revision.approved_go_live_at = None
                revision.save(update_fields=["approved_go_live_at"])
                self.stdout.write(f"refused: {revision.object_str}: {refused.result.message_en}")
        call_command("publish_scheduled", stdout=self.stdout)
