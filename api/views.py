"""The API tokens page (/settings/tokens/): a person makes, sees and revokes their own tokens."""

from __future__ import annotations

from django import forms
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from api.models import ApiToken
from claims.roles import desk_member_required
from claims.views.common import DeskRequest

# The session key that carries a new token to the one page that shows it.
SHOWN_ONCE = "api_new_token"
MAX_LIVE_TOKENS = 20  # per person: more is a sign of tokens made and forgotten


class TokenForm(forms.Form):
    name = forms.CharField(
        label="What is it for?",
        max_length=100,
        widget=forms.TextInput({"placeholder": "e.g. Newsroom CMS", "autocomplete": "off"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Name the token, so you know later what would stop working without it.")
        if ApiToken.objects.live().filter(user=self.user).count() >= MAX_LIVE_TOKENS:
            raise forms.ValidationError(f"You have {MAX_LIVE_TOKENS} tokens already; revoke one you no longer use.")
        return name


@require_http_methods(["GET", "POST"])
@desk_member_required
def token_list(request: DeskRequest) -> HttpResponse:
    form = TokenForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            # Shown once, on the page the browser is sent to: reloading it neither shows it again nor
            # makes another token.
            _, request.session[SHOWN_ONCE] = ApiToken.objects.issue(user=request.user, name=form.cleaned_data["name"])
            return redirect("api_tokens")
        status = 422
    else:
        status = 200
    tokens = ApiToken.objects.filter(user=request.user)
    context = {"form": form, "tokens": tokens, "new_token": request.session.pop(SHOWN_ONCE, "")}
    return render(request, "api/tokens.html", context, status=status)


@require_POST
@desk_member_required
def token_revoke(request: DeskRequest, pk: int) -> HttpResponse:
    # Only one's own tokens: anyone else's is "not found", not "forbidden" (their ids are not to be learned).
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token.revoke()
    return redirect("api_tokens")
