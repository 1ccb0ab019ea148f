"""Creating a submission: the one path shared by the API, the web form and `podium submit`.

Order: who may submit and when (roles, kind, dates), the entrant's limits (trial runs: their own), the
upload (a predictions file: container checks and the phase's Task; an image archive: size, manifest and
configuration), then, in one transaction under the entrant's lock, the limits again, the row and its
file; scoring is queued when that transaction commits. A refused upload leaves no row, no file and no
message on the broker.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from challenges import roles
from mlcore.eval import InvalidInput

from .limits import check_limits, check_permission, check_trial_limits, lock_entrant
from .models import Status, Submission
from .tasks import enqueue_scoring
from .validation import validate_image_upload, validate_upload

TRUE = ("1", "true", "yes", "on")
#: A trial run is never ranked: the leaderboard leaves out hidden submissions.
TRIAL_HIDDEN = "trial run on the phase's public sample cases: never on the leaderboard"
log = logging.getLogger(__name__)


@dataclass
class Outcome:
    """submission (created) or status + body (refused)."""

    submission: Submission | None = None
    status: int = 201
    body: dict | None = None


def _bad_urls(data) -> list[dict]:
    problems = []
    for field in ("code_url", "paper_url"):
        value = (data.get(field) or "").strip()
        if value:
            try:
                URLValidator(schemes=["http", "https"])(value)
            except ValidationError:
                problems.append({"code": "bad_url", "message": f"{field} must be an http(s) URL; got {value[:200]!r}", "case_ids": []})
    return problems


def create_submission(user, phase, upload, data, now=None, kind: str = Submission.Kind.PREDICTIONS) -> Outcome:
    """Validate and store one submission of `kind` (predictions: a file; container: an image archive,
    optionally a trial run with data["trial"]) and queue its job on commit; or say why it is refused."""
    now = now or timezone.now()
    baseline = str(data.get("is_baseline", "")).lower() in TRUE
    container = kind == Submission.Kind.CONTAINER
    trial = container and str(data.get("trial", "")).lower() in TRUE
    refusal = check_permission(user, phase, now, baseline, kind=kind)
    if refusal:
        return Outcome(status=refusal.status, body=refusal.to_dict())
    organizer = roles.is_organizer(user, phase.challenge)
    team = roles.team_of(user, phase.challenge)
    limits = check_trial_limits if trial else None if organizer else check_limits
    if limits:
        refusal = limits(phase, team, user, now)  # cheap: refuse before reading the file
        if refusal:
            return Outcome(status=refusal.status, body=refusal.to_dict())
    try:
        checked = validate_image_upload(phase, upload) if container else validate_upload(phase, upload)
        problems = [p.to_dict() for p in checked] + _bad_urls(data)
    except InvalidInput as exc:  # the phase's own ground truth does not read: the organizers' problem
        log.error("phase %s: ground truth unreadable while validating an upload: %s", phase.pk, exc)
        return Outcome(status=503, body={"detail": "this phase cannot accept submissions now: its reference data cannot be "
                                                   "read; the organizers have been told (nothing was stored)", "code": "phase_not_ready"})
    if problems:
        return Outcome(status=400, body={"detail": f"the submission was refused: {len(problems)} problem(s)",
                                         "code": "invalid_upload", "problems": problems})
    with transaction.atomic():
        if limits:
            lock_entrant(phase, team, user)
            refusal = limits(phase, team, user, now)
            if refusal:
                return Outcome(status=refusal.status, body=refusal.to_dict())
        sub = Submission(phase=phase, creator=user, team=team, status=Status.QUEUED, queued_at=now, kind=kind,
                         is_baseline=baseline and organizer and not trial, is_trial=trial,
                         hidden_reason=TRIAL_HIDDEN if trial else "",
                         method_description=str(data.get("method_description", ""))[:10000],
                         code_url=(data.get("code_url") or "").strip(), paper_url=(data.get("paper_url") or "").strip())
        upload.seek(0)
        sub.file.save(upload.name or ("image.tar" if container else "predictions"), upload, save=False)
        try:
            sub.save()
        except Exception:
            sub.file.delete(save=False)
            raise
        enqueue_scoring(sub)
    return Outcome(submission=sub)
