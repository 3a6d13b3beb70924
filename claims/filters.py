"""Filters for the claims list, read from the query string (django-filter)."""

from __future__ import annotations

import django_filters

from claims.models import Claim, Status


class ClaimFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)

    class Meta:
        model = Claim
        fields = ["status"]
