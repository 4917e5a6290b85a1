"""Views through Django's test client (in this process, SQLite): the timer, extensions and
reopening, headers and cookies, the dashboard's login and audit log."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from .conftest import ROSTER, exam_root, write_roster

pytestmark = pytest.mark.service


@pytest.fixture(scope="module")
def django_sitting(tmp_path_factory):
    """Django set up in this process for this module's tests; the environment variables it
    needs are set while they run and restored after."""
    with pytest.MonkeyPatch.context() as env:
        tmp = tmp_path_factory.mktemp("views")
        env.setenv("QINGLIAN_SECRET_KEY", "views-test-secret")
        env.setenv("QINGLIAN_ALLOWED_HOSTS", "testserver")  # Django test client's host
        # Playwright's sync API (the browser tests of the same run) keeps an event loop in this
        # thread; Django would take these plain synchronous calls for async code.
        env.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        from generator.service.config import setup

        setup(f"sqlite:///{tmp / 'views.sqlite3'}", tmp / "private", migrate=True)
        from generator.service.sitting import open_sitting, plan_sitting
        from generator.sources.loader import load_corpus

        root = exam_root(tmp)
        corpus = load_corpus(root)
        roster = write_roster(tmp / "roster.csv", ROSTER)
        plan = plan_sitting(corpus, root / "site_config/exams/test-exam.yml", roster)
        report = open_sitting(corpus, plan, tmp / "out", render=False)
        from .conftest import read_codes

        yield read_codes(report.folder)


def candidate(codes, staff_id):
    from django.test import Client

    c = Client(enforce_csrf_checks=True)
    token = c.get("/api/csrf").json()["token"]
    r = c.post(
        "/api/login",
        json.dumps({"工号": staff_id, "code": codes[staff_id]}),
        content_type="application/json",
        HTTP_X_CSRF_TOKEN=token,
    )
    assert r.status_code == 200
    c.token = token
    return c


def put(c, no, answer):
    return c.put(
        f"/api/answers/{no}",
        json.dumps({"answer": answer}),
        content_type="application/json",
        HTTP_X_CSRF_TOKEN=c.token,
    )


def test_headers_and_cookies(django_sitting):
    from django.test import Client

    r = Client().get("/")
    assert r["X-Frame-Options"] == "DENY"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Referrer-Policy"] == "same-origin"
    assert (
        "script-src 'self'" in r["Content-Security-Policy"]
        and "unsafe-inline" not in r["Content-Security-Policy"]
    )
    assert "<script>" not in r.content.decode()  # no inline script
    cookie = r.cookies["csrftoken"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    c = candidate(django_sitting, "1012")
    session = c.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Strict"


def test_the_server_keeps_the_time(django_sitting):
    from generator.service.models import Person

    c = candidate(django_sitting, "1013")
    paper = c.get("/api/paper").json()
    person = Person.objects.get(staff_id="1013")
    ends = dt.datetime.fromisoformat(paper["ends_at"])
    assert abs((ends - person.started_at).total_seconds() - 30 * 60) < 1  # minutes: 30
    assert put(c, 1, ["A"]).status_code == 200
    Person.objects.filter(pk=person.pk).update(
        started_at=person.started_at - dt.timedelta(minutes=31)
    )
    assert put(c, 1, ["B"]).status_code == 409  # time is up: final
    assert c.get("/api/result").json()["final"] is True
    assert c.get("/api/paper").json()["answers"] == {"1": ["A"]}


def trainer_client():
    from django.test import Client

    from generator.service.trainers import grant, set_trainer

    set_trainer("li", "a-long-trainer-password")
    grant("li", "test-exam", by="test")
    t = Client()
    assert t.get("/trainer/").status_code == 302  # login first
    assert t.login(username="li", password="a-long-trainer-password")
    return t


def test_extend_and_reopen_are_logged(django_sitting):
    from generator.service.models import AuditLog, Person

    c = candidate(django_sitting, "1014")
    c.get("/api/paper")
    person = Person.objects.get(staff_id="1014")
    Person.objects.filter(pk=person.pk).update(
        started_at=person.started_at - dt.timedelta(minutes=31)
    )
    assert put(c, 2, ["A"]).status_code == 409
    t = trainer_client()
    t.post("/trainer/test-exam/extend", {"staff_id": "1014", "minutes": "5"})
    assert put(c, 2, ["A"]).status_code == 200  # 36 minutes now
    assert c.post("/api/submit", HTTP_X_CSRF_TOKEN=c.token).status_code == 200
    assert put(c, 2, ["B"]).status_code == 409
    r = t.post("/trainer/test-exam/reopen", {"staff_id": "1014", "reason": ""}, follow=True)
    assert "重新开放须填写原因" in r.content.decode()
    assert put(c, 2, ["B"]).status_code == 409
    t.post("/trainer/test-exam/reopen", {"staff_id": "1014", "reason": "手机没电，现场确认"})
    assert put(c, 2, ["B"]).status_code == 200
    log = list(
        AuditLog.objects.filter(exam_id="test-exam").values_list(
            "user", "action", "target", "detail"
        )
    )
    assert ("li", "extend", "1014", "延长 5 分钟") in log
    assert ("li", "reopen", "1014", "手机没电，现场确认") in log


def test_dashboard_progress_and_results(django_sitting):
    t = trainer_client()
    progress = t.get("/trainer/test-exam/progress.json").json()
    assert progress["total"]["total"] == len(ROSTER)
    assert sum(progress["total"]["counts"]) == len(ROSTER)
    scores = t.get("/trainer/test-exam/files/scores.csv").content.decode("utf-8-sig")
    assert scores.splitlines()[0].startswith("行号,工号,姓名,科室,版本,得分")
    report = t.get("/trainer/test-exam/files/report.html")
    assert (
        "参考情况" in report.content.decode()
        and f"应考 {len(ROSTER)} 人" in report.content.decode()
    )
    assert (
        "unsafe-inline" in report["Content-Security-Policy"]
        and "script" not in report["Content-Security-Policy"]
    )
    from django.test import Client

    assert Client().get("/trainer/test-exam/files/key.json").status_code == 302  # not without login


def test_roster_from_xlsx_with_numbers_as_ids(tmp_path):
    from openpyxl import Workbook

    from generator.errors import ValidationError
    from generator.service.roster import read_roster

    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "科室", "姓名", "工号"])
    ws.append([1, "骨科", "张三", 1001])
    ws.append([2, "药剂科", "李四", "１００２"])  # full-width digits fold to 1002
    ws.append([3, "药剂科", "王五", 1001])
    wb.save(tmp_path / "名单.xlsx")
    with pytest.raises(ValidationError) as exc:
        read_roster(tmp_path / "名单.xlsx")
    assert [str(p) for p in exc.value.problems] == [
        f"{tmp_path / '名单.xlsx'}:4: 工号 1001 重复（第 2 行已有）"
    ]
    ws.delete_rows(4)
    wb.save(tmp_path / "名单.xlsx")
    assert [(e.staff_id, e.name, e.department) for e in read_roster(tmp_path / "名单.xlsx")] == [
        ("1001", "张三", "骨科"),
        ("1002", "李四", "药剂科"),
    ]


def test_one_address_trying_many_ids_is_locked_out(django_sitting):
    from django.conf import settings
    from django.test import Client

    c = Client(REMOTE_ADDR="10.0.0.9")
    token = c.get("/api/csrf").json()["token"]

    def login(staff_id, code):
        return c.post(
            "/api/login",
            json.dumps({"工号": staff_id, "code": code}),
            content_type="application/json",
            HTTP_X_CSRF_TOKEN=token,
        ).status_code

    for i in range(settings.EXAM_FAILURES_PER_IP):
        assert login(f"x{i}", "WRONGCODE") == 401  # a different 工号 each time: no per-id lockout
    assert login("1015", django_sitting["1015"]) == 429
    other = Client(REMOTE_ADDR="10.0.0.10")
    t2 = other.get("/api/csrf").json()["token"]
    r = other.post(
        "/api/login",
        json.dumps({"工号": "1015", "code": django_sitting["1015"]}),
        content_type="application/json",
        HTTP_X_CSRF_TOKEN=t2,
    )
    assert r.status_code == 200


def test_trainer_login_locks_out_after_repeated_failures(django_sitting):
    from django.test import Client

    from generator.service.models import AuditLog
    from generator.service.trainers import set_trainer

    set_trainer("wang", "another-long-trainer-password")
    t = Client()
    for _ in range(5):
        r = t.post("/trainer/login/", {"username": "wang", "password": "wrong"})
        assert r.status_code == 200  # the form again, with Django's error
    r = t.post("/trainer/login/", {"username": "wang", "password": "another-long-trainer-password"})
    assert r.status_code == 429  # even the right password, while locked out
    assert "尝试次数过多" in r.content.decode()
    assert AuditLog.objects.filter(action="login-failed", target="wang").count() == 5
    assert t.get("/trainer/").status_code == 302
