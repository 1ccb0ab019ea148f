from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("challenges/<slug:slug>/", views.challenge_detail, name="challenge-detail"),
]
