from django.urls import path

from . import views

urlpatterns = [
    path("api/phases/<int:phase_id>/leaderboard/", views.leaderboard_json, name="phase-leaderboard"),
    path("api/phases/<int:phase_id>/leaderboard.csv", views.leaderboard_csv, name="phase-leaderboard-csv"),
    path("api/phases/<int:phase_id>/leaderboard/statistics/", views.leaderboard_statistics, name="phase-leaderboard-statistics"),
    path("api/phases/<int:phase_id>/leaderboard/report/", views.leaderboard_report, name="phase-leaderboard-report"),
    path("challenges/<slug:slug>/<slug:phase_slug>/leaderboard/", views.leaderboard_page, name="leaderboard-page"),
]
