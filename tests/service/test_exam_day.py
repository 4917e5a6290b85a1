"""Exam day for a whole hospital, on SQLite and PostgreSQL against a real ``exam serve``: people
who never start are 缺考 (no score, no "answers saved", a 403 with a Chinese sentence);
``exam export`` warns while the sitting is open and writes ``absent.csv``; ``quiz grade`` shows
应考/实考/缺考 per department (a department with nobody present included); answers that look
like formulas reach the exported CSV guarded and come back from ``quiz grade`` unchanged.

The tests run in order on one sitting (module scope): open first, then closed."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

from .conftest import ROSTER, Candidate, execute_sql, run

pytestmark = pytest.mark.service

FORMULA = '=HYPERLINK("http://evil.example/","点此领奖")'


def logged_in(sitting, staff_id) -> Candidate:
    c = Candidate(sitting.url)
    r = c.login(staff_id, sitting.codes[staff_id])
    assert r.status_code == 200, r.text
    return c


def export(sitting, out):
    return run(
        "--root", str(sitting.root), "exam", "export", "test-exam", "--out", str(out),
        "--db", sitting.db,
    )  # fmt: skip


def read_csv(path):
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def day(sitting):
    """1001–1003 take part (1003 types a formula into the fill question and stays answering);
    1004 logs in but never opens the paper; everyone else never comes."""
    people = {}
    for staff_id in ("1001", "1002", "1003"):
        c = logged_in(sitting, staff_id)
        questions = c.paper().json()["questions"]
        fill = next(q["no"] for q in questions if q["type"] == "fill")
        assert c.put(fill, FORMULA if staff_id == "1003" else "统方").status_code == 200
        if staff_id != "1003":
            assert c.post("/api/submit").status_code == 200
        people[staff_id] = c
    people["1004"] = logged_in(sitting, "1004")
    return people


def test_export_of_an_open_sitting_warns_and_counts_who_is_answering(sitting, day, tmp_path):
    done = export(sitting, tmp_path / "early")
    assert "尚未结束" in done.stderr and "1 人正在作答" in done.stderr, done.stderr
    assert "21 人尚未开始" in done.stderr
    absent = read_csv(tmp_path / "early" / "absent.csv")
    assert len(absent) == 21 and {"1004", "1024"} <= {r["工号"] for r in absent}


def test_a_formula_typed_as_an_answer_is_guarded_in_answers_csv(sitting, day, tmp_path):
    export(sitting, tmp_path / "x")
    text = (tmp_path / "x" / "answers.csv").read_text(encoding="utf-8-sig")
    assert "'" + FORMULA.replace('"', '""') in text
    # no cell of the file starts a formula
    for row in csv.reader(io.StringIO(text)):
        assert all(cell[:1] not in ("=", "+", "-", "@", "\t", "\r") for cell in row), row


def close(sitting):
    execute_sql(sitting.db, "UPDATE exam_sitting SET closed_at = starts_at")


def test_after_the_end_a_person_who_never_started_gets_403_and_no_score(sitting, day):
    close(sitting)
    late = Candidate(sitting.url)
    r = late.login("1010", sitting.codes["1010"])
    assert r.status_code == 403
    body = r.json()
    assert "缺考" in body["error"] and "没有成绩" in body["error"]
    assert "score" not in body and "已保存" not in r.text
    assert late.paper().status_code == 401  # no session was given
    # 1004 logged in during the exam but never opened the paper: now 缺考 too
    c = day["1004"]
    for response in (c.paper(), c.post("/api/submit"), c.client.get("/api/result"), c.put(1, "A")):
        assert response.status_code == 403, response.text
        assert "缺考" in response.json()["error"]
        assert "review" not in response.text and "score" not in response.text
    # who started still sees their result after the end (timed out after starting)
    result = day["1003"].client.get("/api/result").json()
    assert result["state"] == "已到时" and "score" in result


def test_export_after_the_end_and_grade_show_attendance_per_department(sitting, day, tmp_path):
    out = tmp_path / "export"
    done = export(sitting, out)
    assert "尚未结束" not in done.stderr and "缺考 21 人" in done.stdout
    absent = read_csv(out / "absent.csv")
    assert list(absent[0]) == ["工号", "姓名", "科室"]
    expected_absent = {staff_id for staff_id, _, _ in ROSTER} - {"1001", "1002", "1003"}
    assert {r["工号"] for r in absent} == expected_absent
    # departments in pinyin order: 骨科 (gu) before 心内科 (xin) before 药剂科 (yao)
    departments = list(dict.fromkeys(r["科室"] for r in absent))
    assert departments == ["骨科", "心内科", "药剂科"]
    grades = tmp_path / "grades"
    graded = run(
        "--root", str(sitting.root), "quiz", "grade", str(out / "key.json"),
        str(out / "answers.csv"), "--out", str(grades),
    )  # fmt: skip
    assert "应考 24 人，实考 3 人，缺考 21 人" in graded.stdout
    assert read_csv(grades / "absent.csv") == absent
    report = (grades / "report.html").read_text(encoding="utf-8")
    assert "参考情况" in report and "应考 24 人" in report
    # the fill answer came back from the guarded file as the candidate typed it
    items = read_csv(grades / "items.csv")
    fill = next(r for r in items if r["题型"].startswith("填空"))
    wrong = fill["常见错误答案"]  # guarded once: the grader read the text without its guard
    assert "hyperlink" in wrong.lower() and wrong.startswith("'=") and not wrong.startswith("''")
    with zipfile.ZipFile(grades / "scores.xlsx") as z:
        workbook = z.read("xl/workbook.xml").decode()
        assert "参考情况" in workbook and "缺考名单" in workbook
        sheet = z.read("xl/worksheets/sheet2.xml").decode()
    for department in ("骨科", "心内科", "药剂科"):
        assert department in sheet


def test_a_department_where_nobody_took_part_still_appears(sitting, day, tmp_path):
    out = tmp_path / "export"
    export(sitting, out)
    with (out / "absent.csv").open("a", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows(
            [["3001", "甲某", "医保办"], ["3002", "乙某", "医保办"]]
        )
    grades = tmp_path / "grades"
    run(
        "--root", str(sitting.root), "quiz", "grade", str(out / "key.json"),
        str(out / "answers.csv"), "--out", str(grades), "--absent", str(out / "absent.csv"),
    )  # fmt: skip
    report = (grades / "report.html").read_text(encoding="utf-8")
    row = report[report.index("<td>医保办</td>") :].split("</tr>")[0]
    assert [cell.split("<")[0] for cell in row.split('class="n">')[1:]] == ["2", "0", "2", "0.0%"]
