"""People in a challenge: registrations (terms accepted, optionally approved) and teams."""

from django.conf import settings
from django.db import models


class Registration(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "awaiting approval"
        APPROVED = "approved", "approved"
        REJECTED = "rejected", "rejected"

    challenge = models.ForeignKey("challenges.Challenge", related_name="registrations", on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="registrations", on_delete=models.CASCADE)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    accepted_terms_at = models.DateTimeField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        unique_together = [("challenge", "user")]
        ordering = ["challenge", "created_at"]

    def __str__(self):
        return f"{self.user} in {self.challenge.slug} ({self.status})"


class Team(models.Model):
    challenge = models.ForeignKey("challenges.Challenge", related_name="teams", on_delete=models.CASCADE)
    name = models.CharField(max_length=100)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        unique_together = [("challenge", "name")]
        ordering = ["challenge", "name"]

    def __str__(self):
        return self.name


class TeamMembership(models.Model):
    """One team per participant per challenge: (challenge, user) is unique."""

    team = models.ForeignKey(Team, related_name="memberships", on_delete=models.CASCADE)
    challenge = models.ForeignKey("challenges.Challenge", related_name="+", on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="team_memberships", on_delete=models.CASCADE)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        unique_together = [("challenge", "user")]

    def __str__(self):
        return f"{self.user} in {self.team}"


class Invitation(models.Model):
    class Status(models.TextChoices):
        OPEN = "open"
        ACCEPTED = "accepted"
        DECLINED = "declined"

    team = models.ForeignKey(Team, related_name="invitations", on_delete=models.CASCADE)
    invitee = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="team_invitations", on_delete=models.CASCADE)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", on_delete=models.CASCADE)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.invitee} to {self.team} ({self.status})"
