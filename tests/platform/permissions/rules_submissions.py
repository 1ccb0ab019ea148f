"""Permission rules of the submissions app: upload, my submissions, final choice, moderation, cancel,
re-scoring, and the submit and re-score pages. Organizers include staff (`roles.is_organizer`)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from submissions.models import RescoreJob, Status
from tests.platform.permissions.rules import BAD, CREATED, FORBIDDEN, FOUND, NOT_FOUND, OK, UNAUTH, Rule
from tests.platform.submissions.helpers import GOOD_CSV, stored

ACCEPTED, CONFLICT = 202, 409
MEMBERS = ("participant", "team_member", "other_team_member")


def roles_with(status, *roles) -> dict:
    return {r: status for r in roles}


def good_file(w):
    return {"file": SimpleUploadedFile("p.csv", GOOD_CSV), "method_description": "m"}


def queued_of_team_a(w):
    return stored(w.phase, w.users["team_member"], w.team_a, status=Status.QUEUED, queued_at=timezone.now())


def rescore_job(w):
    return RescoreJob.objects.create(phase=w.phase, created_by=w.users["organizer"])


RULES = [
    Rule("phase-submissions", "GET", lambda w: f"/api/phases/{w.phase.pk}/submissions/", {"anonymous": UNAUTH}, others=OK),
    Rule("phase-submissions", "GET", lambda w: f"/api/phases/{w.phase.pk}/submissions/?all=1",
         {"anonymous": UNAUTH, "organizer": OK, "staff": OK}, others=FORBIDDEN, note="(all, organizers)"),
    Rule("phase-submissions", "POST", lambda w: f"/api/phases/{w.phase.pk}/submissions/",
         {"anonymous": UNAUTH, "registered": FORBIDDEN, "pending": FORBIDDEN}, others=BAD, note="(no file)"),
    Rule("phase-submissions", "POST", lambda w: f"/api/phases/{w.phase.pk}/submissions/",
         {"anonymous": UNAUTH, "registered": FORBIDDEN, "pending": FORBIDDEN}, others=CREATED, data=good_file,
         format="multipart", note="(valid file)"),
    Rule("phase-submissions", "POST", lambda w: f"/api/phases/{w.phase.pk}/submissions/",
         {"anonymous": UNAUTH, "registered": FORBIDDEN, "pending": FORBIDDEN, **roles_with(FORBIDDEN, *MEMBERS)},
         others=CREATED, data=lambda w: {**good_file(w), "is_baseline": "true"}, format="multipart", note="(baseline)"),
    Rule("phase-submissions", "POST", lambda w: f"/api/phases/{w.phase.pk}/submissions/", {"anonymous": UNAUTH}, others=BAD,
         data=lambda w: {"image": SimpleUploadedFile("algo.tar", b"x" * 1024), "trial": "true"}, format="multipart",
         note="(image archive on a predictions-only phase)"),
    Rule("submission-detail", "GET", lambda w: f"/api/submissions/{w.submission_team_a.pk}/",
         {"anonymous": UNAUTH, "team_member": OK, "organizer": OK, "staff": OK}, others=NOT_FOUND),
    Rule("submission-final", "POST", lambda w: f"/api/submissions/{w.submission_team_a.pk}/final/",
         {"anonymous": UNAUTH, "team_member": OK, "organizer": FORBIDDEN, "staff": FORBIDDEN}, others=NOT_FOUND,
         data=lambda w: {"is_final": True}),
    Rule("submission-moderation", "POST", lambda w: f"/api/submissions/{w.submission_team_a.pk}/moderation/",
         {"anonymous": UNAUTH, "team_member": FORBIDDEN, "organizer": OK, "staff": OK}, others=NOT_FOUND,
         data=lambda w: {"hidden_reason": "a duplicate of submission 1"}),
    Rule("submission-cancel", "POST", lambda w: f"/api/submissions/{queued_of_team_a(w).pk}/cancel/",
         {"anonymous": UNAUTH, "team_member": OK, "organizer": OK, "staff": OK}, others=NOT_FOUND, data=lambda w: {}),
    Rule("submission-cancel", "POST", lambda w: f"/api/submissions/{w.submission_team_a.pk}/cancel/",
         {"anonymous": UNAUTH, "team_member": CONFLICT, "organizer": CONFLICT, "staff": CONFLICT}, others=NOT_FOUND,
         data=lambda w: {}, note="(finished)"),
    Rule("phase-rescore", "GET", lambda w: f"/api/phases/{w.phase.pk}/rescore/",
         {"anonymous": UNAUTH, "organizer": OK, "staff": OK}, others=FORBIDDEN),
    Rule("phase-rescore", "POST", lambda w: f"/api/phases/{w.phase.pk}/rescore/",
         {"anonymous": UNAUTH, "organizer": ACCEPTED, "staff": ACCEPTED}, others=FORBIDDEN, data=lambda w: {"reason": "new metric"}),
    Rule("rescore-job-detail", "GET", lambda w: f"/api/rescore-jobs/{rescore_job(w).pk}/",
         {"anonymous": UNAUTH, "organizer": OK, "staff": OK}, others=NOT_FOUND),
    Rule("submission-page", "GET", lambda w: f"/submissions/{w.submission_team_a.pk}/",
         {"anonymous": FORBIDDEN, "team_member": OK, "organizer": OK, "staff": OK}, others=NOT_FOUND),
    Rule("phase-submit-page", "GET", lambda w: f"/challenges/{w.challenge.slug}/{w.phase.slug}/submit/", {}, others=OK),
    Rule("phase-submit-page", "POST", lambda w: f"/challenges/{w.challenge.slug}/{w.phase.slug}/submit/",
         {"anonymous": FORBIDDEN, "registered": FORBIDDEN, "pending": FORBIDDEN}, others=BAD, data=lambda w: {},
         format="multipart", note="(no file)"),
    Rule("phase-rescore-page", "GET", lambda w: f"/challenges/{w.challenge.slug}/{w.phase.slug}/rescore/",
         {"organizer": OK, "staff": OK}, others=FORBIDDEN),
    Rule("phase-rescore-page", "POST", lambda w: f"/challenges/{w.challenge.slug}/{w.phase.slug}/rescore/",
         {"organizer": FOUND, "staff": FOUND}, others=FORBIDDEN, data=lambda w: {"reason": "r"}, format="multipart"),
]
