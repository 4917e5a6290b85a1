"""The trainer's dashboard: sittings, live progress, per-person time, closing, downloads.

Django's auth (PBKDF2 passwords, sessions, CSRF on every form); every action is written to
AuditLog (who, when, what, target). Results are made by ``generator.grading`` from the same rows
``exam export`` writes: scores.csv, items.csv and report.html are those of ``quiz grade``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .api import client_ip
from .middleware import REPORT_CSP
from .models import AuditLog, Person, Sitting, Throttle
from .scoring import answers_csv

STATES = (Person.NOT_STARTED, Person.ANSWERING, Person.SUBMITTED, Person.TIMED_OUT)
RESULT_FILES = ("scores.csv", "items.csv", "report.html")
DOWNLOADS = ("codes.csv", "answers.csv", "key.json", *RESULT_FILES)


class TrainerLogin(LoginView):
    """Password login with the same lockout as candidates: too many failures for one user name
    (existing or not) or from one address → 429 for a while; failures are audited."""

    template_name = "exam/trainer_login.html"
    redirect_authenticated_user = True

    def _keys(self) -> tuple[str, str]:
        name = str(self.request.POST.get("username", "")).strip().casefold()[:150]
        return f"trainer:{name}", f"trainer-ip:{client_ip(self.request)}"

    def post(self, request, *args, **kwargs):
        now, window = timezone.now(), dt.timedelta(minutes=settings.EXAM_LOCKOUT_MINUTES)
        name_key, ip_key = self._keys()
        if Throttle.blocked(name_key, settings.EXAM_FAILURES_PER_ID, window, now) or (
            Throttle.blocked(ip_key, settings.EXAM_FAILURES_PER_IP, window, now)
        ):
            locked = f"尝试次数过多，请 {settings.EXAM_LOCKOUT_MINUTES} 分钟后再试。"
            context = self.get_context_data(form=self.get_form_class()(request), locked=locked)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        now, window = timezone.now(), dt.timedelta(minutes=settings.EXAM_LOCKOUT_MINUTES)
        for key in self._keys():
            Throttle.fail(key, window, now)
        name = str(self.request.POST.get("username", ""))[:150]
        AuditLog.objects.create(user="-", action="login-failed", exam_id="", target=name)
        return super().form_invalid(form)

    def form_valid(self, form):
        response = super().form_valid(form)
        Throttle.clear(self._keys()[0])
        _log(self.request, "login", "", self.request.user.username)
        return response


@require_POST
def logout(request):
    if request.user.is_authenticated:
        _log(request, "logout", "", request.user.username)
    auth_logout(request)
    return redirect("trainer-login")


def _log(request, action: str, exam_id: str, target: str = "", detail: str = "") -> None:
    AuditLog.objects.create(
        user=request.user.get_username() or "-",
        action=action,
        exam_id=exam_id,
        target=target,
        detail=detail,
    )


def _counts(sitting: Sitting, now: dt.datetime) -> tuple[list[dict], dict]:
    by_department: dict[str, Counter] = {}
    for person in sitting.people.all():
        person.sitting = sitting
        by_department.setdefault(person.department or "（未填）", Counter())[person.state(now)] += 1
    rows = [
        {"department": d, "counts": [c[s] for s in STATES], "total": sum(c.values())}
        for d, c in sorted(by_department.items())
    ]
    total = Counter()
    for c in by_department.values():
        total.update(c)
    return rows, {"counts": [total[s] for s in STATES], "total": sum(total.values())}


@never_cache
@login_required
def sittings(request):
    now = timezone.now()
    rows = []
    for s in Sitting.objects.all():
        _, total = _counts(s, now)
        rows.append({"sitting": s, "total": total, "closed": s.is_closed(now)})
    return render(request, "exam/trainer_sittings.html", {"rows": rows, "states": STATES})


@never_cache
@login_required
def sitting(request, exam_id: str):
    s = get_object_or_404(Sitting, exam_id=exam_id)
    now = timezone.now()
    departments, total = _counts(s, now)
    department = request.GET.get("dept", "")
    people = s.people.all()
    if department:
        people = people.filter(department="" if department == "（未填）" else department)
    listed = []
    for p in people[:500]:
        p.sitting = s
        listed.append(
            {"person": p, "state": p.state(now), "ends_at": p.ends_at() if p.started_at else None}
        )
    context = {
        "sitting": s,
        "closed": s.is_closed(now),
        "departments": departments,
        "total": total,
        "states": STATES,
        "people": listed,
        "department": department,
        "more": people.count() > 500,
        "downloads": DOWNLOADS,
        "codes_file": (_codes_path(s)).is_file(),
    }
    return render(request, "exam/trainer_sitting.html", context)


@never_cache
@login_required
def progress(request, exam_id: str):
    s = get_object_or_404(Sitting, exam_id=exam_id)
    departments, total = _counts(s, timezone.now())
    return JsonResponse({"states": STATES, "departments": departments, "total": total})


def _person(s: Sitting, request) -> Person:
    person = s.people.filter(staff_id=request.POST.get("staff_id", "")).first()
    if person is None:
        raise Http404("没有这个工号")
    person.sitting = s
    return person


@require_POST
@login_required
def extend(request, exam_id: str):
    s = get_object_or_404(Sitting, exam_id=exam_id)
    person = _person(s, request)
    try:
        minutes = int(request.POST.get("minutes", ""))
    except ValueError:
        minutes = 0
    if not 1 <= minutes <= 600:
        messages.error(request, "延长时间应为 1–600 分钟")
    elif s.is_closed():
        messages.error(request, "考试已结束，不能再延长")
    else:
        Person.objects.filter(pk=person.pk).update(
            extra_minutes=person.extra_minutes + minutes, score=None
        )
        _log(request, "extend", exam_id, person.staff_id, f"延长 {minutes} 分钟")
        messages.success(request, f"已为 {person.name}（{person.staff_id}）延长 {minutes} 分钟")
    return redirect("sitting", exam_id=exam_id)


@require_POST
@login_required
def reopen(request, exam_id: str):
    s = get_object_or_404(Sitting, exam_id=exam_id)
    person = _person(s, request)
    reason = request.POST.get("reason", "").strip()
    now = timezone.now()
    if not reason:
        messages.error(request, "重新开放须填写原因")
    elif s.is_closed(now):
        messages.error(request, "考试已结束，不能重新开放")
    elif not person.is_final(now):
        messages.error(request, f"{person.name} 仍在作答中，无需重新开放")
    else:
        extra = person.extra_minutes
        if person.started_at is not None and person.ends_at() < now + dt.timedelta(minutes=10):
            # at least ten more minutes (as far as the sitting's end allows)
            extra += int((now - person.ends_at()).total_seconds() // 60) + 10
        Person.objects.filter(pk=person.pk).update(
            submitted_at=None, score=None, extra_minutes=extra
        )
        _log(request, "reopen", exam_id, person.staff_id, reason[:500])
        messages.success(request, f"已重新开放 {person.name}（{person.staff_id}）的答卷")
    return redirect("sitting", exam_id=exam_id)


@require_POST
@login_required
def close(request, exam_id: str):
    s = get_object_or_404(Sitting, exam_id=exam_id)
    if request.POST.get("confirm") != "yes":
        messages.error(request, "请勾选确认后再结束考试")
    elif s.closed_at is None:
        Sitting.objects.filter(pk=s.pk, closed_at__isnull=True).update(closed_at=timezone.now())
        _log(request, "close", exam_id, exam_id)
        messages.success(request, "考试已结束：所有人的答案已定稿")
    return redirect("sitting", exam_id=exam_id)


def _codes_path(s: Sitting) -> Path:
    return settings.PRIVATE / s.exam_id / "codes.csv"


@never_cache
@login_required
def download(request, exam_id: str, name: str):
    s = get_object_or_404(Sitting, exam_id=exam_id)
    if name not in DOWNLOADS:
        raise Http404
    _log(request, "download", exam_id, name)
    if name == "codes.csv":
        path = _codes_path(s)
        if not path.is_file():
            raise Http404("codes.csv 不在本服务器的 private 目录中")
        return FileResponse(path.open("rb"), as_attachment=True, filename=f"{exam_id}-codes.csv")
    if name == "answers.csv":
        return _attachment(answers_csv(s).encode("utf-8"), f"{exam_id}-answers.csv", "text/csv")
    if name == "key.json":
        return _attachment(s.key_json.encode("utf-8"), f"{exam_id}-key.json", "application/json")
    body = results(s)[name]
    if name == "report.html":
        response = HttpResponse(body, content_type="text/html; charset=utf-8")
        response.headers["Content-Security-Policy"] = REPORT_CSP
        return response
    return _attachment(body, f"{exam_id}-{name}", "text/csv")


def _attachment(body: bytes, filename: str, kind: str) -> HttpResponse:
    response = HttpResponse(body, content_type=f"{kind}; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def results(s: Sitting) -> dict[str, bytes]:
    """scores.csv, items.csv, report.html exactly as ``quiz grade`` makes them from the export."""
    from ..grading.checker import result_files
    from ..grading.report import Catalogue
    from .scoring import grade_sitting

    catalogue = Catalogue(
        rule_titles={int(n): t for n, t in s.rule_titles.items()},
        stems={item["id"]: item["stem"] for item in s.paper},
    )
    files = result_files(grade_sitting(s), catalogue)
    return {name: files[name] for name in RESULT_FILES if name in files}


@never_cache
@login_required
def audit(request, exam_id: str):
    s = get_object_or_404(Sitting, exam_id=exam_id)
    entries = AuditLog.objects.filter(exam_id__in=[exam_id, ""])[:500]
    return render(request, "exam/trainer_audit.html", {"sitting": s, "entries": entries})
