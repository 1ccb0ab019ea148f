from django.urls import path

from . import api, team_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("challenges/new/", views.new_challenge, name="challenge-new"),
    path("challenges/<slug:slug>/", views.challenge_detail, name="challenge-detail"),
    path("challenges/<slug:slug>/terms/", views.terms, name="challenge-terms"),
    path("challenges/<slug:slug>/data/", views.data, name="challenge-data"),
    path("challenges/<slug:slug>/edit/", views.edit, name="challenge-edit"),
    path("challenges/<slug:slug>/registrations/", views.registrations, name="challenge-registrations"),
    path("challenges/<slug:slug>/teams/", team_views.team_list, name="team-list"),
    path("teams/<int:pk>/", team_views.team_page, name="team-page"),
    path("invitations/<int:pk>/answer/", team_views.answer_invitation, name="invitation-answer"),
    # API
    path("api/challenges/", api.ChallengeList.as_view(), name="api-challenges"),
    path("api/challenges/import/", api.ChallengeImport.as_view(), name="api-challenge-import"),
    path("api/challenges/<slug:slug>/", api.ChallengeDetail.as_view(), name="api-challenge"),
    path("api/challenges/<slug:slug>/export/", api.ChallengeExport.as_view(), name="api-challenge-export"),
    path("api/challenges/<slug:slug>/phases/", api.PhaseList.as_view(), name="api-phases"),
    path("api/challenges/<slug:slug>/registration/", api.MyRegistration.as_view(), name="api-registration"),
    path("api/challenges/<slug:slug>/registrations/", api.RegistrationList.as_view(), name="api-registrations"),
    path("api/challenges/<slug:slug>/data/", api.DataList.as_view(), name="api-data"),
    path("api/challenges/<slug:slug>/teams/", api.TeamList.as_view(), name="api-teams"),
    path("api/phases/<int:pk>/", api.PhaseDetail.as_view(), name="api-phase"),
    path("api/phases/<int:pk>/ground-truth/", api.PhaseGroundTruth.as_view(), name="api-phase-ground-truth"),
    path("api/registrations/<int:pk>/decision/", api.RegistrationDecision.as_view(), name="api-registration-decision"),
    path("api/data/<int:pk>/download/", api.DataDownload.as_view(), name="api-data-download"),
    path("api/teams/<int:pk>/", api.TeamDetail.as_view(), name="api-team"),
    path("api/teams/<int:pk>/invitations/", api.TeamInvitations.as_view(), name="api-team-invitations"),
    path("api/teams/<int:pk>/leave/", api.TeamLeave.as_view(), name="api-team-leave"),
    path("api/invitations/<int:pk>/response/", api.InvitationResponse.as_view(), name="api-invitation-response"),
]
