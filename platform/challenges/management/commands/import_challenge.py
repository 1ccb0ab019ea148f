from django.core.management.base import BaseCommand, CommandError

from challenges.bundles import BundleError, import_bundle


class Command(BaseCommand):
    help = "Create a challenge from a bundle folder (challenge.yaml and data files)."

    def add_arguments(self, parser):
        parser.add_argument("bundle", help="path to the bundle folder")

    def handle(self, bundle, **options):
        try:
            challenge = import_bundle(bundle)
        except BundleError as exc:
            raise CommandError(str(exc)) from None
        for phase in challenge.phases.all():
            self.stdout.write(f"phase {phase.pk}: {phase} ({phase.task_type}, {phase.cases.count()} cases)")
        self.stdout.write(self.style.SUCCESS(f"created challenge {challenge.slug}"))
