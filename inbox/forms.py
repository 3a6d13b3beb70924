from __future__ import annotations

from django import forms

from inbox.models import NotificationPreference


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["email"]
        labels = {"email": "E-mail me"}
