"""The candidate API of DESIGN.md against a real ``exam serve``, on SQLite and on PostgreSQL:
the contract, and what an attacker tries (codes, lockout, CSRF, other people's answers, the key
before the end, bad bodies, answering after the end)."""

from __future__ import annotations

import json

import httpx
import pytest

from .conftest import Candidate, execute_sql

pytestmark = pytest.mark.service

KEY_FIELDS = ("answer", "explanation", "correct", "rules", "id", "review")


def logged_in(sitting, staff_id="1001") -> Candidate:
    c = Candidate(sitting.url)
    assert c.login(staff_id, sitting.codes[staff_id]).status_code == 200
    return c


def test_paper_has_the_contract_shape_and_no_key(sitting):
    c = logged_in(sitting, "1001")
    r = c.paper()
    assert r.status_code == 200
    data = r.json()
    assert {"exam", "title", "ends_at", "questions", "answers"} <= set(data)
    assert data["exam"] == "test-exam" and data["answers"] == {}
    assert [q["no"] for q in data["questions"]] == [1, 2, 3, 4, 5]
    for q in data["questions"]:
        assert set(q) == {"no", "type", "stem", "options", "points"}
    text = r.text
    for field in KEY_FIELDS:
        assert f'"{field}"' not in text.replace('"answers"', "")
    # the explanations of the bank are nowhere in it
    bank = (sitting.root / "quizzes" / "basic.yml").read_text(encoding="utf-8")
    import yaml

    for q in yaml.safe_load(bank)["questions"]:
        assert q["explanation"] not in json.loads(text).__repr__()


def test_save_is_echoed_and_survives_a_new_login(sitting):
    c = logged_in(sitting, "1002")
    paper = c.paper().json()["questions"]
    kinds = {q["type"]: q["no"] for q in paper}
    assert c.put(kinds["single"], ["B"]).status_code == 200
    assert c.put(kinds["multiple"], ["C", "A"]).status_code == 200
    assert c.put(kinds["judge"], "错").status_code == 200
    assert c.put(kinds["fill"], " 统方 ").status_code == 200
    again = logged_in(sitting, "1002")
    answers = again.paper().json()["answers"]
    assert answers == {
        str(kinds["single"]): ["B"],
        str(kinds["multiple"]): ["C", "A"],  # as sent
        str(kinds["judge"]): "错",
        str(kinds["fill"]): " 统方 ",
    }


def test_a_changed_answer_replaces_the_saved_one_and_a_blank_clears_it(sitting):
    c = logged_in(sitting, "1020")
    paper = c.paper().json()["questions"]
    single = next(q["no"] for q in paper if q["type"] == "single")
    fill = next(q["no"] for q in paper if q["type"] == "fill")
    assert c.put(single, ["A"]).status_code == 200
    assert c.put(single, ["C"]).status_code == 200
    assert c.put(fill, "回扣").status_code == 200
    assert c.put(fill, "").status_code == 200
    assert logged_in(sitting, "1020").paper().json()["answers"] == {str(single): ["C"]}


def test_an_expired_session_is_refused(sitting):
    c = logged_in(sitting, "1021")
    assert c.paper().status_code == 200
    execute_sql(sitting.db, "UPDATE django_session SET expire_date = '2001-01-01 00:00:00'")
    assert c.paper().status_code == 401
    assert c.put(1, ["A"]).status_code == 401
    assert logged_in(sitting, "1021").paper().status_code == 200


def test_unknown_id_and_wrong_code_get_the_same_401(sitting):
    c = Candidate(sitting.url)
    wrong = c.login("1003", "AAAA AAAA")
    unknown = c.login("9999", sitting.codes["1003"])
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert c.paper().status_code == 401


def test_lockout_after_five_failures_even_with_the_right_code(sitting):
    c = Candidate(sitting.url)
    left = []
    for _ in range(5):
        r = c.login("1004", "WRONGCODE")
        assert r.status_code == 401
        left.append(r.json()["attempts_left"])
    assert left == [4, 3, 2, 1, 0]  # the candidate is warned before the lockout
    assert "还可尝试 1 次" in r.text or "已锁定" in r.json()["error"]
    assert "该工号已锁定 15 分钟" in r.json()["error"]
    assert c.login("1004", sitting.codes["1004"]).status_code == 429
    # an unknown 工号 locks the same way (a 429 does not tell which 工号 exist)
    for _ in range(5):
        assert c.login("77777", "WRONGCODE").status_code == 401
    assert c.login("77777", "WRONGCODE").status_code == 429
    # others are not locked out
    assert c.login("1005", sitting.codes["1005"]).status_code == 200


def test_missing_or_wrong_csrf_token_is_403_and_changes_nothing(sitting):
    c = logged_in(sitting, "1006")
    c.paper()
    r = c.client.put("/api/answers/1", json={"answer": ["A"]})
    assert r.status_code == 403
    r = c.client.put("/api/answers/1", json={"answer": ["A"]}, headers={"X-CSRF-Token": "x" * 32})
    assert r.status_code == 403
    fresh = Candidate(sitting.url)
    r = fresh.client.post("/api/login", json={"工号": "1006", "code": sitting.codes["1006"]})
    assert r.status_code == 403
    assert c.paper().json()["answers"] == {}


def test_bad_bodies_are_400_and_change_nothing(sitting):
    c = logged_in(sitting, "1007")
    paper = c.paper().json()["questions"]
    single = next(q["no"] for q in paper if q["type"] == "single")
    judge = next(q["no"] for q in paper if q["type"] == "judge")
    h = {"X-CSRF-Token": c.token, "Content-Type": "application/json"}
    assert c.put(single, ["Z"]).status_code == 400  # not an option
    assert c.put(single, ["A", "B"]).status_code == 400  # two on a single choice
    assert c.put(judge, "也许").status_code == 400
    assert c.put(99, ["A"]).status_code == 400  # no such question
    assert (
        c.client.put(f"/api/answers/{single}", content=b"{not json", headers=h).status_code == 400
    )
    huge = json.dumps({"answer": "统" * 200_000}).encode()
    assert c.client.put(f"/api/answers/{single}", content=huge, headers=h).status_code == 400
    assert c.paper().json()["answers"] == {}


def test_a_candidate_reaches_only_their_own_answers(sitting):
    a, b = logged_in(sitting, "1008"), logged_in(sitting, "1009")
    a.paper(), b.paper()
    assert a.put(1, ["A"]).status_code == 200
    assert b.paper().json()["answers"] == {}
    # b's cookie with a's token, or a's session id guessed: neither reaches a's answers
    stolen = httpx.Client(base_url=sitting.url, cookies={"sessionid": "0" * 32})
    assert stolen.get("/api/paper").status_code == 401
    assert b.put(1, ["B"]).status_code == 200
    assert a.paper().json()["answers"] == {"1": ["A"]}


def test_submit_is_idempotent_then_409(sitting):
    c = logged_in(sitting, "1010")
    c.paper()
    assert c.client.get("/api/result").status_code == 409  # not yet submitted
    first = c.post("/api/submit")
    assert first.status_code == 200 and first.json()["submitted"] is True
    assert c.post("/api/submit").json()["score"] == first.json()["score"]
    assert c.put(1, ["A"]).status_code == 409
    result = c.client.get("/api/result").json()
    assert (
        result["score"] == first.json()["score"] and "review" not in result
    )  # open sitting: no key


def trainer(sitting, name="trainer1") -> httpx.Client:
    from .conftest import run

    run(
        "--root",
        str(sitting.root),
        "exam",
        "admin",
        name,
        "--db",
        sitting.db,
        "--password-stdin",
        "--sitting",
        "test-exam",
        stdin="ein-langes-Passwort-2026\n",
    )
    t = httpx.Client(base_url=sitting.url, timeout=30, follow_redirects=True)
    page = t.get("/trainer/login/")
    token = t.cookies["csrftoken"]
    r = t.post(
        "/trainer/login/",
        data={
            "username": name,
            "password": "ein-langes-Passwort-2026",
            "csrfmiddlewaretoken": token,
        },
        headers={"Referer": sitting.url + "/trainer/login/"},
    )
    assert r.status_code == 200 and "考试场次" in r.text, page.text[:200]
    return t


def test_after_close_answers_are_409_and_the_review_appears(sitting):
    c = logged_in(sitting, "1011")
    c.paper()
    assert c.put(1, ["A"]).status_code == 200
    t = trainer(sitting)
    r = t.post(
        "/trainer/test-exam/close",
        data={"confirm": "yes", "csrfmiddlewaretoken": t.cookies["csrftoken"]},
        headers={"Referer": sitting.url + "/trainer/test-exam/"},
    )
    assert "考试已结束" in r.text
    assert c.put(1, ["B"]).status_code == 409
    result = c.client.get("/api/result").json()
    assert len(result["review"]) == 5 and all("explanation" in x for x in result["review"])
    assert c.paper().json()["answers"] == {"1": ["A"]}
    audit = t.get("/trainer/test-exam/audit").text
    assert "结束考试" in audit and "trainer1" in audit
