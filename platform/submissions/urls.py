from django.urls import path

from . import views

urlpatterns = [
    path("api/phases/<int:phase_id>/submissions/", views.PhaseSubmissions.as_view(), name="phase-submissions"),
    path("api/submissions/<int:pk>/", views.SubmissionDetail.as_view(), name="submission-detail"),
]
