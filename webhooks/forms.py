"""The endpoint form: an http or https address the desk will send to, a description, the events."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError

from captures import fetcher
from claims.links import ALLOWED_SCHEMES
from webhooks.models import ENDPOINT_URL_MAX_LENGTH, Endpoint, EventType


class EndpointForm(forms.ModelForm):
    url = forms.URLField(
        label="URL",
        max_length=ENDPOINT_URL_MAX_LENGTH,
        assume_scheme="https",
        help_text=Endpoint._meta.get_field("url").help_text,
        error_messages={"invalid": "Enter a web address such as https://hooks.example.org/newsdesk."},
    )
    events = forms.MultipleChoiceField(
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event to send."},
    )

    class Meta:
        model = Endpoint
        fields = ["url", "description", "events"]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        parts = urlsplit(url)
        if parts.scheme not in ALLOWED_SCHEMES:
            raise ValidationError(f"Only http and https addresses, not {parts.scheme}.")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as error:  # a port past 65535, or not a number
            raise ValidationError("The port is not one a server can listen on (1 to 65535).") from error
        refusal = refusal_for_host(parts.hostname or "", port)
        if refusal:
            raise ValidationError(refusal)
        return url


def refusal_for_host(host: str, port: int) -> str | None:
    """Why the desk would refuse to send to `host` (the safe fetcher's check, asked now rather than at the
    first delivery), or None. A name that does not resolve yet passes: its deliveries will say so."""
    try:
        addresses = fetcher.resolve(host, port)
    except fetcher.FetchRefused as refused:
        return refused.reason
    except fetcher.FetchError:
        return None
    for address in addresses:
        why = fetcher.refusal_for(address)
        if why:
            where = f"{host} is" if host == address else f"{host} resolves to {address},"
            return f"The desk does not send to this address: {where} {why}. Use an address on the public internet."
    return None
