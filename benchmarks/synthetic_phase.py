"""A binary phase with many cases and many scored entries, written straight to the database and storage
(the upload path is not what these benchmarks measure)."""

import io
import uuid

import numpy as np


def make_phase(n_cases: int, n_entries: int, resamples: int, seed: int = 7, metrics=("auc",)):
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile

    from challenges.models import Case, Challenge, Phase
    from submissions.models import Status, Submission

    rng = np.random.default_rng(seed)
    y = (rng.random(n_cases) < 0.3).astype(int)
    case_ids = [f"case-{i:06d}" for i in range(n_cases)]
    truth = "case_id,label\n" + "".join(f"{c},{v}\n" for c, v in zip(case_ids, y, strict=True))
    challenge = Challenge.objects.create(slug=f"bench-{uuid.uuid4().hex[:12]}", title="benchmark")
    phase = Phase(challenge=challenge, slug="test", title="test", task_type="binary", metrics=list(metrics),
                  bootstrap_resamples=resamples, seed=seed)
    phase.ground_truth.save("truth.csv", ContentFile(truth.encode()), save=False)
    phase.save()
    Case.objects.bulk_create(Case(phase=phase, case_id=c, order=i, subset="public") for i, c in enumerate(case_ids))
    user = get_user_model().objects.create_user(f"bench-{uuid.uuid4().hex[:12]}")

    def add_entry(k: int) -> Submission:
        skill = rng.uniform(0.3, 1.5)
        scores = y * skill + rng.normal(0, 1, n_cases)
        member = get_user_model().objects.create_user(f"{user.username}-{k}")
        sub = Submission(phase=phase, creator=member, status=Status.SUCCEEDED, scores={})
        sub.file.save("p.csv", ContentFile(b"-"), save=False)
        buf = io.BytesIO()
        np.save(buf, scores)
        sub.predictions.save(f"p{k}.npy", ContentFile(buf.getvalue()), save=False)
        Submission.objects.bulk_create([sub])  # no signal: the benchmark triggers recomputation itself
        return sub

    for k in range(n_entries):
        add_entry(k)
    return phase, add_entry
