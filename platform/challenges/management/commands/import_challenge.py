from django.core.management.base import BaseCommand, CommandError

from challenges.bundles import BundleError, import_bundle


class Command(BaseCommand):
    help = "Create a challenge from a bundle folder (challenge.yaml and data files)."

    def add_arguments(self, parser):
        parser.add_argument("bundle", help="path to the bundle folder or zip")
        parser.add_argument("--organizer", help="username of the organizer to add")

    def handle(self, bundle, organizer=None, **options):
        from django.contrib.auth import get_user_model

        owner = get_user_model().objects.get(username=organizer) if organizer else None
        try:
            challenge = import_bundle(bundle, owner=owner)
        except BundleError as exc:
            raise CommandError(str(exc)) from None
        for phase in challenge.phases.all():
            self.stdout.write(f"phase {phase.pk}: {phase} ({phase.task_type}, {phase.cases.count()} cases)")
        self.stdout.write(self.style.SUCCESS(f"created challenge {challenge.slug}"))
