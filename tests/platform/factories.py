"""factory_boy factories and a small binary phase built from a worked example."""

import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from challenges.models import Case, Challenge, Phase

# Six cases; labels and the case order of the phase.
CASES = ["c1", "c2", "c3", "c4", "c5", "c6"]
LABELS = [1, 0, 1, 0, 1, 0]
TRUTH_CSV = "case_id,label\n" + "".join(f"{c},{y}\n" for c, y in zip(CASES, LABELS, strict=True))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")


class ChallengeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Challenge

    slug = factory.Sequence(lambda n: f"challenge-{n}")
    title = factory.Sequence(lambda n: f"Challenge {n}")


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase
        skip_postgeneration_save = True

    challenge = factory.SubFactory(ChallengeFactory)
    slug = "test"
    title = "Test phase"
    task_type = "binary"
    metrics = ["auc"]
    ground_truth = factory.LazyFunction(lambda: ContentFile(TRUTH_CSV.encode(), name="truth.csv"))

    @factory.post_generation
    def cases(self, create, extracted, **kwargs):
        Case.objects.bulk_create(Case(phase=self, case_id=c, order=i) for i, c in enumerate(CASES))
