"""Sign-up, log-in, log-out and the account page with the API token for the `podium` command."""

from django import forms
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import UserCreationForm
from django.shortcuts import redirect, render
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken


class SignupForm(UserCreationForm):
    email = forms.EmailField(required=True)

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")


def signup(request):
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("account")
    return render(request, "registration/signup.html", {"form": form})


@login_required
def account(request):
    if request.method == "POST" and request.POST.get("action") == "new-token":
        Token.objects.filter(user=request.user).delete()
    token, _ = Token.objects.get_or_create(user=request.user)
    return render(request, "registration/account.html", {
        "token": token.key, "registrations": request.user.registrations.select_related("challenge"),
    })


class TokenForCredentials(ObtainAuthToken):
    """POST username and password; answers {"token": ...} for the `podium` command."""
