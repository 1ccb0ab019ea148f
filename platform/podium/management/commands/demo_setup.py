"""Create the demo challenge, demo participants with API tokens, and their predictions files."""

import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils import timezone
from rest_framework.authtoken.models import Token

from challenges.bundles import import_bundle
from challenges.demo import (
    DEMO_MODELS,
    DEMO_SLUG,
    SEGMENTATION_SLUG,
    build_bundle,
    build_segmentation_bundle,
    write_entries,
)
from challenges.models import Challenge, Registration


class Command(BaseCommand):
    help = "Load the demo challenge (breast cancer) and prepare demo participants' entries."

    def add_arguments(self, parser):
        parser.add_argument("--out", default=str(settings.VAR_DIR / "demo"), help="folder for the bundle and entries")

    def handle(self, out, **options):
        out = Path(out)
        bundle = build_bundle(out / "bundle")
        User = get_user_model()
        organizer, created = User.objects.get_or_create(username="organizer", defaults={"is_staff": True, "is_superuser": True})
        if created:
            organizer.set_password("organizer-demo-password")
            organizer.save()
        challenge = Challenge.objects.filter(slug=DEMO_SLUG).first() or import_bundle(bundle, owner=organizer)
        phase = challenge.phases.get(slug="test")
        if not Challenge.objects.filter(slug=SEGMENTATION_SLUG).exists():
            import_bundle(build_segmentation_bundle(out / "segmentation-bundle"), owner=organizer)
        files = write_entries(bundle, out / "entries")
        users = {}
        for name, (method, _) in DEMO_MODELS.items():
            user, created = User.objects.get_or_create(username=name)
            if created:
                user.set_password(f"{name}-demo-password")
                user.save()
            Registration.objects.get_or_create(challenge=challenge, user=user, defaults={
                "status": Registration.Status.APPROVED, "accepted_terms_at": timezone.now()})
            users[name] = {"token": Token.objects.get_or_create(user=user)[0].key, "file": str(files[name]), "method": method}
        manifest = {"phase": phase.pk, "challenge": challenge.slug, "phase_slug": phase.slug, "participants": users,
                    "organizer_token": Token.objects.get_or_create(user=organizer)[0].key}
        (out / "entries.json").write_text(json.dumps(manifest, indent=2))
        self.stdout.write(json.dumps(manifest))
