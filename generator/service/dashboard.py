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
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ..model.order import pinyin_key
from . import roll
from .api import client_ip
from .middleware import REPORT_CSP
from .models import AuditLog, Person, Sitting, Throttle
from .scoring import answers_csv
from .trainers import may_see, visible_sittings

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


def _sitting(request, exam_id: str) -> Sitting:
    """The sitting, if this trainer may see it; else 404, as for a sitting that does not exist
    (a trainer learns nothing about other trainers' sittings, not even their names)."""
    s = Sitting.objects.filter(exam_id=exam_id).first()
    if s is None or not may_see(request.user, s):
        raise Http404("没有这场考试，或您没有管理它的权限")
    return s


def _filters(request) -> tuple[str, str, int]:
    department = request.GET.get("dept", "")[:100]
    state = request.GET.get("state", "")[:10]
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    return department, state, page


def _workbench(request, s: Sitting) -> dict:
    """What the sitting page and its 10-second refresh show: counts and one page of people."""
    now = timezone.now()
    shown = roll.states(s, now)
    entries = roll.roll(s, now)
    departments, total = roll.counts(entries, shown)
    department, state, page = _filters(request)
    listed = [
        e
        for e in entries
        if (not department or e.department == department) and (not state or e.state == state)
    ]
    pages = max(1, -(-len(listed) // roll.PAGE))
    page = min(page, pages)
    people = listed[(page - 1) * roll.PAGE : page * roll.PAGE]
    roll.mark_locked(people, now)
    return {
        "sitting": s,
        "closed": s.is_closed(now),
        "states": shown,
        "departments": departments,
        "total": total,
        "people": people,
        "listed": len(listed),
        "department": department,
        "state": state,
        "page": page,
        "pages": pages,
        "page_numbers": range(1, pages + 1),
        "now": now,
        "back": "?" + request.GET.urlencode() if request.GET else "",
    }


@never_cache
@login_required
def sittings(request):
    now = timezone.now()
    rows = []
    for s in visible_sittings(request.user):
        shown = roll.states(s, now)
        _, total = roll.counts(roll.roll(s, now), shown)
        rows.append({"sitting": s, "total": total, "closed": s.is_closed(now), "states": shown})
    return render(request, "exam/trainer_sittings.html", {"rows": rows})


@never_cache
@login_required
def sitting(request, exam_id: str):
    s = _sitting(request, exam_id)
    context = _workbench(request, s)
    context.update(downloads=DOWNLOADS, codes_file=_codes_path(s).is_file())
    return render(request, "exam/trainer_sitting.html", context)


@never_cache
@login_required
def progress(request, exam_id: str):
    """The counts and the page of people the trainer is looking at (same filters): as data, and
    as the sitting page's own HTML for its 10-second refresh (one renderer: the templates)."""
    s = _sitting(request, exam_id)
    context = _workbench(request, s)
    return JsonResponse(
        {
            "states": context["states"],
            "departments": context["departments"],
            "total": context["total"],
            "closed": context["closed"],
            "progress": render_to_string("exam/trainer_progress.html", context, request=request),
            "people": render_to_string("exam/trainer_people.html", context, request=request),
        }
    )


@never_cache
@login_required
def absent(request, exam_id: str):
    """Who has not been examined, per department: to print, or as absent.csv."""
    from .export import absent_csv

    s = _sitting(request, exam_id)
    now = timezone.now()
    everyone = roll.roll(s, now)
    entries = [e for e in everyone if e.person.started_at is None]
    department = request.GET.get("dept", "")
    if department:
        entries = [e for e in entries if e.department == department]
    if request.GET.get("format") == "csv":
        _log(request, "download", exam_id, "absent.csv", department)
        name = f"{exam_id}-absent{'-' + department if department else ''}.csv"
        return _attachment(
            absent_csv([e.person for e in entries]).encode("utf-8"), name, "text/csv"
        )
    expected = Counter(e.department for e in everyone)
    groups: dict[str, list] = {}
    for e in entries:
        groups.setdefault(e.department, []).append(e)
    context = {
        "sitting": s,
        "closed": s.is_closed(now),
        "groups": [(d, groups[d], expected[d]) for d in groups],
        "department": department,
        "count": len(entries),
        "expected": len(everyone) if not department else expected[department],
        "departments": sorted(expected, key=pinyin_key),
        "now": now,
    }
    return render(request, "exam/trainer_absent.html", context)


@require_POST
@login_required
def unlock(request, exam_id: str):
    """Clear the lockout of a 工号 (a candidate who mistyped the code too often; logged)."""
    s = _sitting(request, exam_id)
    person = _person(s, request)
    Throttle.clear(f"id:{person.staff_id}")
    _log(request, "unlock", exam_id, person.staff_id, "解除考试码输错锁定")
    messages.success(request, f"已解除 {person.name}（{person.staff_id}）的锁定，可以重新登录")
    return _back(request, exam_id)


def _back(request, exam_id: str):
    """Back to the sitting page with the trainer's filters (department, state, page)."""
    url = reverse("sitting", args=[exam_id])
    query = request.POST.get("back", "")
    if query.startswith("?") and "//" not in query and "\\" not in query:
        url += query
    return redirect(url)


def _person(s: Sitting, request) -> Person:
    person = s.people.filter(staff_id=request.POST.get("staff_id", "")).first()
    if person is None:
        raise Http404("没有这个工号")
    person.sitting = s
    return person


@require_POST
@login_required
def extend(request, exam_id: str):
    s = _sitting(request, exam_id)
    person = _person(s, request)
    try:
        minutes = int(request.POST.get("minutes", ""))
    except ValueError:
        minutes = 0
    if not 1 <= minutes <= 600:
        messages.error(request, "延长时间应为 1–600 分钟")
    elif s.is_closed():
        messages.error(request, "考试已结束，不能再延长")
    elif person.state() not in (Person.ANSWERING, Person.TIMED_OUT):
        messages.error(
            request,
            f"{person.name} 现在是“{person.state()}”：只能为作答中或时间已到的人延长时间"
            "（已交卷的人请用“重新开放”）",
        )
    else:
        Person.objects.filter(pk=person.pk).update(
            extra_minutes=person.extra_minutes + minutes, score=None
        )
        _log(request, "extend", exam_id, person.staff_id, f"延长 {minutes} 分钟")
        messages.success(request, f"已为 {person.name}（{person.staff_id}）延长 {minutes} 分钟")
    return _back(request, exam_id)


@require_POST
@login_required
def reopen(request, exam_id: str):
    s = _sitting(request, exam_id)
    person = _person(s, request)
    reason = request.POST.get("reason", "").strip()
    now = timezone.now()
    if not reason:
        messages.error(request, "重新开放须填写原因")
    elif s.is_closed(now):
        messages.error(request, "考试已结束，不能重新开放")
    elif not person.is_final(now):
        messages.error(request, f"{person.name} 仍在作答中，无需重新开放")
    elif person.started_at is None:
        messages.error(request, f"{person.name} 还没有开始作答，无需重新开放")
    else:
        extra = person.extra_minutes
        if person.ends_at() < now + dt.timedelta(minutes=10):
            # at least ten more minutes (as far as the sitting's end allows)
            extra += int((now - person.ends_at()).total_seconds() // 60) + 10
        Person.objects.filter(pk=person.pk).update(
            submitted_at=None, score=None, extra_minutes=extra
        )
        _log(request, "reopen", exam_id, person.staff_id, reason[:500])
        messages.success(request, f"已重新开放 {person.name}（{person.staff_id}）的答卷")
    return _back(request, exam_id)


@require_POST
@login_required
def close(request, exam_id: str):
    s = _sitting(request, exam_id)
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
    s = _sitting(request, exam_id)
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
    from .export import absent_people, absentees
    from .scoring import grade_sitting

    catalogue = Catalogue(
        rule_titles={int(n): t for n, t in s.rule_titles.items()},
        stems={item["id"]: item["stem"] for item in s.paper},
    )
    files = result_files(grade_sitting(s), catalogue, absent=absentees(absent_people(s)))
    return {name: files[name] for name in RESULT_FILES if name in files}


@never_cache
@login_required
def audit(request, exam_id: str):
    s = _sitting(request, exam_id)
    scope = [exam_id, ""] if request.user.is_superuser else [exam_id]
    entries = AuditLog.objects.filter(exam_id__in=scope)[:500]
    return render(request, "exam/trainer_audit.html", {"sitting": s, "entries": entries})
