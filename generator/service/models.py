"""The sitting, its candidates and their answers; the rules about time live here.

A person's time: ``ends_at = min(started_at + minutes + extra_minutes, sitting end)`` (no
``minutes``: the sitting's end). A person is *final* once submitted, once their time has run out
or once the sitting is closed; final answers never change.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils import timezone

from ..errors import ConfigError

_PAPERS: dict[int, list[dict]] = {}


class Sitting(models.Model):
    exam_id = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    version = models.CharField(
        max_length=8
    )  # the canonical version: answers are exported in its labels
    paper = models.JSONField()  # the canonical version's items (see sitting.paper_items)
    key_json = models.TextField()  # key.json exactly as quiz paper writes it
    rule_titles = models.JSONField(default=dict)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    minutes = models.PositiveIntegerField(null=True, blank=True)
    show_score = models.BooleanField(default=True)
    show_explanations = models.BooleanField(default=False)
    shuffle_questions = models.BooleanField(default=True)
    shuffle_options = models.BooleanField(default=True)
    url = models.CharField(max_length=300, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Trainers who may see and manage this sitting (an admin, is_superuser, sees every sitting).
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="exam_sittings"
    )

    class Meta:
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return self.exam_id

    def items(self) -> list[dict]:
        """The paper, read once per process: it never changes after ``exam open`` (a re-run
        with other questions is refused), and decoding it on every save was the largest cost."""
        paper = _PAPERS.get(self.pk)
        if paper is None:
            paper = _PAPERS[self.pk] = Sitting.objects.values_list("paper", flat=True).get(
                pk=self.pk
            )
        return paper

    def is_closed(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.closed_at is not None or now >= self.ends_at

    def has_started(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.starts_at

    def closes_at(self) -> dt.datetime:
        return min(self.closed_at, self.ends_at) if self.closed_at else self.ends_at


def no_such_sitting(exam_ids: list[str]) -> ConfigError:
    """The error for exam ids not in the database, naming the sittings that are."""
    known = "、".join(Sitting.objects.values_list("exam_id", flat=True)) or "（无）"
    return ConfigError(f"数据库中没有考试“{'、'.join(exam_ids)}”（已有：{known}）")


class Person(models.Model):
    NOT_STARTED, ANSWERING, SUBMITTED, TIMED_OUT = "未开始", "作答中", "已交卷", "已到时"
    ABSENT = "缺考"  # never opened the paper, and the sitting (or their time) is over

    sitting = models.ForeignKey(Sitting, on_delete=models.CASCADE, related_name="people")
    staff_id = models.CharField(max_length=64)
    name = models.CharField(max_length=100)
    department = models.CharField(max_length=100, blank=True)
    code_hash = models.CharField(max_length=64)
    order = models.JSONField()  # [[paper index, [canonical option indexes in shown order]], …]
    started_at = models.DateTimeField(null=True, blank=True)
    extra_minutes = models.IntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)  # set when final (from generator.grading)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sitting", "staff_id"], name="one_person_per_sitting")
        ]
        indexes = [models.Index(fields=["staff_id"])]
        ordering = ["department", "staff_id"]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.name}"

    def ends_at(self) -> dt.datetime:
        end = self.sitting.closes_at()
        if self.started_at is None or self.sitting.minutes is None:
            return end
        own = self.started_at + dt.timedelta(minutes=self.sitting.minutes + self.extra_minutes)
        return min(own, end)

    def is_final(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        if self.submitted_at is not None or self.sitting.is_closed(now):
            return True
        return self.started_at is not None and now >= self.ends_at()

    def state(self, now: dt.datetime | None = None) -> str:
        now = now or timezone.now()
        if self.submitted_at is not None:
            return self.SUBMITTED
        if self.started_at is None:
            return self.ABSENT if self.sitting.is_closed(now) else self.NOT_STARTED
        return self.TIMED_OUT if self.is_final(now) else self.ANSWERING

    def is_absent(self, now: dt.datetime | None = None) -> bool:
        """Never started, and now too late to: no paper, no score, no "answers saved"."""
        return self.started_at is None and self.sitting.is_closed(now)

    def start(self, now: dt.datetime) -> None:
        """Start the clock once, even when two servers see the first request at the same time."""
        if self.started_at is None:
            Person.objects.filter(pk=self.pk, started_at__isnull=True).update(started_at=now)
            self.refresh_from_db(fields=["started_at"])


class Answer(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="answers")
    question_id = models.CharField(max_length=100)
    sent = models.JSONField()  # as the candidate sent it, in the labels they were shown
    canonical = models.JSONField()  # canonical labels (choice), 对/错, or the text (fill)
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "question_id"], name="one_answer_per_question"
            )
        ]


class Throttle(models.Model):
    """Failed logins per typed 工号 (existing or not: a 429 must not reveal which) and per address."""

    key = models.CharField(max_length=200, unique=True)
    failures = models.IntegerField(default=0)
    window_start = models.DateTimeField()

    @classmethod
    def blocked(cls, key: str, limit: int, window: dt.timedelta, now: dt.datetime) -> bool:
        row = cls.objects.filter(key=key, window_start__gt=now - window).first()
        return row is not None and row.failures >= limit

    @classmethod
    def fail(cls, key: str, window: dt.timedelta, now: dt.datetime) -> None:
        row, created = cls.objects.get_or_create(
            key=key, defaults={"window_start": now, "failures": 1}
        )
        if created:
            return
        if row.window_start <= now - window:
            cls.objects.filter(pk=row.pk).update(failures=1, window_start=now)
        else:
            cls.objects.filter(pk=row.pk).update(failures=F("failures") + 1)

    @classmethod
    def failure_count(cls, key: str, window: dt.timedelta, now: dt.datetime) -> int:
        row = cls.objects.filter(key=key, window_start__gt=now - window).first()
        return 0 if row is None else row.failures

    @classmethod
    def clear(cls, key: str) -> None:
        cls.objects.filter(key=key).delete()


class AuditLog(models.Model):
    at = models.DateTimeField(auto_now_add=True)
    user = models.CharField(max_length=150)
    action = models.CharField(max_length=50)
    exam_id = models.CharField(max_length=50, blank=True)
    target = models.CharField(max_length=200, blank=True)
    detail = models.TextField(blank=True)

    ACTIONS = {
        "login": "登录",
        "logout": "退出",
        "login-failed": "登录失败",
        "open": "开设考试",
        "extend": "延长时间",
        "reopen": "重新开放",
        "close": "结束考试",
        "download": "下载",
        "export": "导出答卷",
        "trainer": "培训员账号",
        "role": "更改角色",
        "grant": "分配场次",
        "unlock": "解除锁定",
    }

    class Meta:
        ordering = ["-at"]

    @property
    def action_name(self) -> str:
        """The action in Chinese (the stored code stays English, for scripts)."""
        return self.ACTIONS.get(self.action, self.action)
