from django.urls import path

from . import views

urlpatterns = [
    path("api/phases/<int:phase_id>/submissions/", views.PhaseSubmissions.as_view(), name="phase-submissions"),
    path("api/submissions/<int:pk>/", views.SubmissionDetail.as_view(), name="submission-detail"),
    path("api/submissions/<int:pk>/final/", views.SubmissionFinal.as_view(), name="submission-final"),
    path("api/submissions/<int:pk>/moderation/", views.SubmissionModeration.as_view(), name="submission-moderation"),
    path("api/submissions/<int:pk>/cancel/", views.SubmissionCancel.as_view(), name="submission-cancel"),
    path("api/phases/<int:phase_id>/rescore/", views.PhaseRescore.as_view(), name="phase-rescore"),
    path("api/rescore-jobs/<int:pk>/", views.RescoreJobDetail.as_view(), name="rescore-job-detail"),
    path("challenges/<slug:slug>/<slug:phase_slug>/submit/", views.submit_page, name="phase-submit-page"),
    path("submissions/<int:pk>/", views.submission_page, name="submission-page"),
    path("challenges/<slug:slug>/<slug:phase_slug>/rescore/", views.rescore_page, name="phase-rescore-page"),
]
