from django import forms

from .models import Challenge, Phase


class ChallengeForm(forms.ModelForm):
    class Meta:
        model = Challenge
        fields = ["title", "description", "terms", "requires_approval"]
        widgets = {"description": forms.Textarea(attrs={"rows": 10}), "terms": forms.Textarea(attrs={"rows": 6})}


class PhaseForm(forms.ModelForm):
    class Meta:
        model = Phase
        fields = ["title", "description", "opens_at", "closes_at", "leaderboard_visibility", "publish_per_case",
                  "limit_per_day", "limit_total", "limit_concurrent"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", "the phase must close after it opens")
        return data


class BundleUploadForm(forms.Form):
    bundle = forms.FileField(help_text="a zip with challenge.yaml at its top and the files it names")


class TeamForm(forms.Form):
    name = forms.CharField(max_length=100)


class InviteForm(forms.Form):
    username = forms.CharField(max_length=150)
