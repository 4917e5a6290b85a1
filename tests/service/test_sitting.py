"""A whole sitting through the commands: open → serve → candidates → submit → export →
``quiz grade`` gives exactly the service's scores; re-opening adds people and changes nobody's
code; roster and exam-file mistakes are located Chinese messages; an acknowledged answer survives
``kill -9``; two servers on one PostgreSQL are one service."""

from __future__ import annotations

import csv
import random
import signal

import pytest

from .conftest import (
    ROSTER,
    Candidate,
    exam_root,
    open_sitting,
    read_codes,
    run,
    start_server,
    write_roster,
)

pytestmark = pytest.mark.service
EXAM = "site_config/exams/test-exam.yml"


def answer_randomly(c: Candidate, rng: random.Random) -> None:
    for q in c.paper().json()["questions"]:
        if q["type"] == "single":
            a = [rng.choice("ABCD"[: len(q["options"])])]
        elif q["type"] == "multiple":
            a = rng.sample("ABCD"[: len(q["options"])], rng.randint(1, len(q["options"])))
        elif q["type"] == "judge":
            a = rng.choice(["对", "错"])
        else:
            a = rng.choice(["统方", "  统 方", "回扣", ""])
        if rng.random() < 0.85:
            assert c.put(q["no"], a).status_code == 200


def test_export_graded_by_quiz_grade_gives_the_service_scores(tmp_path):
    s = open_sitting(tmp_path)
    server = start_server(s.root, s.db)
    try:
        rng = random.Random(7)
        shown = {}
        for staff_id, _, _ in ROSTER[:18]:
            c = Candidate(server.url)
            assert c.login(staff_id, s.codes[staff_id]).status_code == 200
            answer_randomly(c, rng)
            shown[staff_id] = c.post("/api/submit").json()["score"]
        assert len(set(shown.values())) > 3  # the scores differ: the comparison means something
    finally:
        server.stop()
    out = tmp_path / "export"
    run("--root", str(s.root), "exam", "export", "test-exam", "--out", str(out), "--db", s.db)
    grades = tmp_path / "grades"
    run(
        "--root",
        str(s.root),
        "quiz",
        "grade",
        str(out / "key.json"),
        str(out / "answers.csv"),
        "--out",
        str(grades),
    )
    with (grades / "scores.csv").open(encoding="utf-8-sig") as f:
        graded = {r["工号"]: float(r["得分"]) for r in csv.DictReader(f)}
    assert graded == shown
    assert (out / "key.json").read_text(encoding="utf-8").startswith('{"exam": "test-exam"')


def test_reopening_adds_people_and_keeps_codes_and_answers(tmp_path):
    s = open_sitting(tmp_path)
    server = start_server(s.root, s.db)
    try:
        c = Candidate(server.url)
        c.login("1001", s.codes["1001"])
        c.paper()
        assert c.put(1, ["C"]).status_code == 200
        roster = write_roster(tmp_path / "roster2.csv", [*ROSTER, ("2001", "新人", "骨科")])
        out = run(
            "--root", str(s.root), "exam", "open", str(s.root / EXAM), "--roster", str(roster)
        ).stdout
        assert "新增 1 人" in out
        codes = read_codes(s.root / "private" / "test-exam")
        assert {k: v for k, v in codes.items() if k != "2001"} == s.codes
        assert (s.root / "private" / "test-exam" / "codes-new.pdf").is_file()
        assert Candidate(server.url).login("2001", codes["2001"]).status_code == 200
        assert c.paper().json()["answers"] == {"1": ["C"]}
    finally:
        server.stop()


def test_roster_mistakes_are_listed_with_rows(tmp_path):
    root = exam_root(tmp_path)
    roster = tmp_path / "bad.csv"
    roster.write_text(
        "工号,姓名,科室\n1001,张三,骨科\n,李四,骨科\n1001,王五,药剂科\n1003,,骨科\n",
        encoding="utf-8",
    )
    proc = run(
        "--root", str(root), "exam", "open", str(root / EXAM), "--roster", str(roster), check=False
    )
    assert proc.returncode == 1
    assert f"{roster}:3: 缺少工号" in proc.stderr
    assert f"{roster}:4: 工号 1001 重复（第 2 行已有）" in proc.stderr
    assert f"{roster}:5: 工号 1003 缺少姓名" in proc.stderr
    assert not (root / "private" / "test-exam").exists()
    assert not (root / "private").exists()  # no secret key, no database for a refused roster
    roster.write_text("编号,姓名\n1,张三\n", encoding="utf-8")
    proc = run(
        "--root", str(root), "exam", "open", str(root / EXAM), "--roster", str(roster), check=False
    )
    assert "表头缺少列：工号、科室" in proc.stderr


def test_end_before_start_is_a_located_problem(tmp_path):
    root = exam_root(tmp_path, "\nonline:\n  start: 2026-03-02 08:00\n  end: 2026-03-01 08:00\n")
    roster = write_roster(tmp_path / "r.csv", ROSTER[:2])
    proc = run(
        "--root", str(root), "exam", "open", str(root / EXAM), "--roster", str(roster), check=False
    )
    assert proc.returncode == 1
    assert "截止时间 end（2026-03-01 08:00）应晚于开考时间 start（2026-03-02 08:00）" in proc.stderr
    assert "test-exam.yml:" in proc.stderr
    assert not (root / "private").exists()


def test_an_acknowledged_answer_survives_kill_9(tmp_path):
    s = open_sitting(tmp_path)
    server = start_server(s.root, s.db)
    c = Candidate(server.url)
    c.login("1001", s.codes["1001"])
    c.paper()
    for no, answer in ((1, ["B"]), (2, ["A", "D"]), (3, "对")):
        assert c.put(no, answer).status_code == 200
    server.stop(signal.SIGKILL)  # the whole process group: master and workers, no clean shutdown
    assert server.proc.returncode == -signal.SIGKILL
    again = start_server(s.root, s.db)
    try:
        assert c.client.get(again.url + "/api/paper").json()["answers"] == {
            "1": ["B"],
            "2": ["A", "D"],
            "3": "对",
        }
    finally:
        again.stop()


@pytest.mark.postgres
def test_two_servers_on_one_postgresql_are_one_service(tmp_path, postgres):
    s = open_sitting(tmp_path, postgres("two_servers"))
    one, two = start_server(s.root, s.db), start_server(s.root, s.db)
    try:
        c = Candidate(one.url)
        assert c.login("1001", s.codes["1001"]).status_code == 200
        c.paper()
        # the same cookies and token, the other server
        r = c.client.put(
            two.url + "/api/answers/1", json={"answer": ["D"]}, headers={"X-CSRF-Token": c.token}
        )
        assert r.status_code == 200
        assert c.client.get(one.url + "/api/paper").json()["answers"] == {"1": ["D"]}
        # lockout counted across both
        a, b = Candidate(one.url), Candidate(two.url)
        for i in range(5):
            assert (a if i % 2 else b).login("1002", "WRONGCODE").status_code == 401
        assert a.login("1002", s.codes["1002"]).status_code == 429
        assert b.login("1002", s.codes["1002"]).status_code == 429
    finally:
        one.stop()
        two.stop()
