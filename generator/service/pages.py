"""The candidate's page (one HTML shell; ``static/exam/app.js`` drives the API) and a health check."""

from __future__ import annotations

from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie


@never_cache
@ensure_csrf_cookie
def candidate(request):
    return render(request, "exam/candidate.html")


@never_cache
def health(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
