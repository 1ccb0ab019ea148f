"""A scored demo phase: the breast-cancer bundle, four participants' scikit-learn entries, scored by
the real scoring task called in-process."""

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from challenges.bundles import import_bundle
from challenges.demo import build_bundle, write_entries
from challenges.models import Registration
from submissions.models import Status, Submission
from submissions.tasks import score_submission


def scored_demo_phase(tmp_path, metrics=("auc", "average_precision", "brier")):
    bundle = build_bundle(tmp_path / "bundle")
    challenge = import_bundle(bundle)
    phase = challenge.phases.get()
    phase.metrics = list(metrics)
    phase.bootstrap_resamples = 500
    phase.save()
    files = write_entries(bundle, tmp_path / "entries")
    subs = {}
    for name, path in files.items():
        user = get_user_model().objects.create_user(name)
        Registration.objects.create(challenge=challenge, user=user, status="approved", accepted_terms_at=timezone.now())
        sub = Submission(phase=phase, creator=user, status=Status.QUEUED, method_description=f"{name}'s model")
        sub.file.save(f"{name}.csv", ContentFile(path.read_bytes()), save=False)
        sub.save()
        score_submission.run(sub.pk)
        subs[name] = Submission.objects.get(pk=sub.pk)
    return phase, bundle, files, subs
