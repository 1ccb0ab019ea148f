from django.urls import path

from . import views

urlpatterns = [
    path("api/phases/<int:phase_id>/leaderboard/", views.PhaseLeaderboard.as_view(), name="phase-leaderboard"),
    path("challenges/<slug:slug>/<slug:phase_slug>/leaderboard/", views.leaderboard_page, name="leaderboard-page"),
]
