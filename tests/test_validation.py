"""Every kind of bad input produces its exact Chinese message with file and line, all at once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator.errors import ValidationError
from generator.sources.loader import load_corpus


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def problems(root: Path) -> list[str]:
    with pytest.raises(ValidationError) as info:
        load_corpus(root)
    return [str(p) for p in info.value.problems]


def test_fixture_is_clean(mini_root):
    corpus = load_corpus(mini_root)
    assert len(corpus.rules) == 9 and len(corpus.cases) == 3


def test_malformed_yaml(mini_root):
    edit(mini_root / "cases/r8-ortho-hongbao.md", "title: 某医院", "title: 某医院: ")
    assert problems(mini_root) == [
        "cases/r8-ortho-hongbao.md:3: YAML 格式错误：此处不能出现“键: 值”，"
        "可能是值里含有英文冒号加空格而没有加引号，或缩进不对"
    ]


def test_missing_and_wrong_typed_keys(mini_root):
    case = mini_root / "cases/r9-pharmacy-kickback.md"
    edit(case, "source: 教学案例（综合改编，人物与机构均为化名）\n", "")
    edit(case, "rules: [9, 1]", "rules: 9")
    assert problems(mini_root) == [
        "cases/r9-pharmacy-kickback.md:2: 缺少必填字段 source（来源）",
        "cases/r9-pharmacy-kickback.md:5: rules（涉及条款）应为列表（如 [1, 2] 或逐行“- ”），实际为 9",
    ]


def test_rule_number_out_of_range(mini_root):
    edit(mini_root / "cases/r8-pharmacy-card.md", "rules: [8]", "rules: [8, 10]")
    assert problems(mini_root) == [
        "cases/r8-pharmacy-card.md:5: rules（涉及条款）的值 10 不是 1–9 之间的条款号"
    ]


def test_rule_page_number_out_of_range(mini_root):
    edit(mini_root / "content/rules/r9.md", "rule: 9", "rule: 12")
    assert problems(mini_root) == [
        "content/rules:1: 缺少第九条的页面（rule: 9）",
        "content/rules/r9.md:2: rule（条款号）的值 12 不是 1–9 之间的条款号",
    ]


def test_unknown_category_and_department(mini_root):
    case = mini_root / "cases/r8-pharmacy-card.md"
    edit(case, "category: 收受红包", "category: 收红包")
    edit(case, "department: 药剂科", "department: 药房")
    assert problems(mini_root) == [
        "cases/r8-pharmacy-card.md:6: 未知的案例类别“收红包”：请使用 site_config/taxonomy.yml 中的类别，如 收受回扣、收受红包",
        "cases/r8-pharmacy-card.md:7: 未知的科室“药房”：请使用 site_config/taxonomy.yml 中的科室，如 药剂科、骨科",
    ]


def test_duplicate_id_names_both_files(mini_root):
    edit(mini_root / "cases/r8-pharmacy-card.md", "id: r8-pharmacy-card", "id: r8-ortho-hongbao")
    assert problems(mini_root) == [
        "cases/r8-pharmacy-card.md:2: 案例编号“r8-ortho-hongbao”重复：已在 cases/r8-ortho-hongbao.md:2 使用"
    ]


def test_invalid_date(mini_root):
    edit(mini_root / "cases/r8-pharmacy-card.md", "date: 2022-11-20", "date: 2023-02-30")
    assert problems(mini_root) == [
        "cases/r8-pharmacy-card.md:4: date（日期）“2023-02-30” 不是有效日期，应写成 YYYY-MM-DD"
    ]


def test_answer_not_among_options(mini_root):
    edit(mini_root / "quizzes/basic.yml", "answer: B", "answer: E")
    assert problems(mini_root) == [
        "quizzes/basic.yml:8: 题目 q-r8-001：答案 E 不在选项之中（本题只有 A、B、C、D）"
    ]


def test_duplicate_question_id_across_banks(mini_root):
    text = (mini_root / "quizzes/basic.yml").read_text(encoding="utf-8")
    (mini_root / "quizzes/extra.yml").write_text(
        text.replace("bank: test-basic", "bank: test-extra"), encoding="utf-8"
    )
    found = problems(mini_root)
    assert "quizzes/extra.yml:4: 题目编号“q-r8-001”重复：已在 quizzes/basic.yml:4 使用" in found
    assert len(found) == 5  # every question of the copy, none of the original


def test_file_not_utf8(mini_root):
    (mini_root / "content/stories/gbk.md").write_bytes(
        "---\nid: gbk\ntitle: 测试\n---\n".encode("gbk")
    )
    assert problems(mini_root) == [
        "content/stories/gbk.md:3: 文件不是 UTF-8 编码（此行有无法识别的字节），请用 UTF-8 重新保存"
    ]


def test_missing_case_section_and_personal_number(mini_root):
    case = mini_root / "cases/r8-ortho-hongbao.md"
    edit(case, "## 案例剖析\n", "## 剖析\n")
    edit(case, "给予党内警告处分。", "联系电话 13912345678。")
    assert problems(mini_root) == [
        "cases/r8-ortho-hongbao.md:12: 正文缺少“## 案例剖析”一节",
        "cases/r8-ortho-hongbao.md:20: 疑似手机号码：教学材料不得出现个人号码，请删除或改写",
    ]


def test_every_problem_reported_at_once(mini_root):
    edit(mini_root / "cases/r8-ortho-hongbao.md", "title: 某医院", "title: 某医院: ")
    edit(mini_root / "cases/r8-pharmacy-card.md", "date: 2022-11-20", "date: 2023-02-30")
    edit(mini_root / "quizzes/basic.yml", "answer: B", "answer: E")
    edit(mini_root / "content/risks/pharmacy.yml", "level: 高", "level: 很高")
    found = problems(mini_root)
    assert [p.split(":")[0] for p in found] == [
        "cases/r8-ortho-hongbao.md",
        "cases/r8-pharmacy-card.md",
        "content/risks/pharmacy.yml",
        "quizzes/basic.yml",
    ]
    assert (
        found[2]
        == "content/risks/pharmacy.yml:7: level（风险等级）的值 '很高' 无效，应为：'高', '中' or '低'"
    )


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "generator.cli", *args], capture_output=True, text=True, timeout=300
    )


def test_cli_check_exit_codes_and_no_traceback(mini_root):
    ok = run_cli("check", "--root", str(mini_root))
    assert ok.returncode == 0, ok.stderr
    assert "检查通过" in ok.stdout
    edit(mini_root / "quizzes/basic.yml", "answer: B", "answer: E")
    edit(mini_root / "cases/r8-pharmacy-card.md", "date: 2022-11-20", "date: 2023-02-30")
    bad = run_cli("check", "--root", str(mini_root))
    assert bad.returncode == 1
    assert "Traceback" not in bad.stderr
    lines = bad.stderr.strip().splitlines()
    assert lines[0].startswith("cases/r8-pharmacy-card.md:4: ")
    assert lines[1].startswith("quizzes/basic.yml:8: ")
    assert "共 2 个问题" in lines[2]


def test_failed_build_leaves_previous_dist_untouched(mini_root):
    out = mini_root / "dist"
    out.mkdir()
    (out / "marker.txt").write_text("previous build", encoding="utf-8")
    edit(mini_root / "quizzes/basic.yml", "answer: B", "answer: E")
    result = run_cli("build", "--root", str(mini_root), "--out", str(out), "--only", "site")
    assert result.returncode == 1
    assert (out / "marker.txt").read_text(encoding="utf-8") == "previous build"
    assert sorted(p.name for p in out.iterdir()) == ["marker.txt"]
    assert not [p for p in mini_root.iterdir() if p.name.startswith(".dist-")]


def test_missing_or_unclosed_front_matter(mini_root):
    (mini_root / "content/stories/plain.md").write_text("只有正文，没有 front matter。\n", "utf-8")
    (mini_root / "content/stories/open.md").write_text("---\nid: open\ntitle: 未结束\n", "utf-8")
    assert problems(mini_root) == [
        "content/stories/open.md:1: front matter 没有结束：缺少第二个 --- 行",
        "content/stories/plain.md:1: 缺少 front matter：文件第一行应为 ---，随后是“键: 值”，再以 --- 结束",
    ]


def test_missing_logo_file(mini_root):
    (mini_root / "site_config/hospital.yml").write_text(
        (mini_root / "site_config/hospital.yml").read_text(encoding="utf-8") + "logo: 院徽.png\n",
        encoding="utf-8",
    )
    assert problems(mini_root) == [
        "site_config/hospital.yml:6: 找不到医院标志文件 site_config/院徽.png"
    ]


def test_search_glossary_is_checked(mini_root):
    glossary = mini_root / "site_config/glossary.yml"
    glossary.write_text("words: [医药代表]\nsynonym:\n  - [患者, 病人]\n", encoding="utf-8")
    found = problems(mini_root)
    assert len(found) == 1 and found[0].startswith("site_config/glossary.yml:2: ")
    assert "synonym" in found[0] and "synonyms" in found[0]  # names the near miss
    glossary.write_text("synonyms:\n  - [患者]\n", encoding="utf-8")
    found = problems(mini_root)
    assert len(found) == 1 and found[0].startswith("site_config/glossary.yml:2: ")
    glossary.write_text("synonyms:\n  - [患者, 病人]\nstopwords: [怎么]\n", encoding="utf-8")
    corpus = load_corpus(mini_root)
    assert corpus.glossary.synonyms == [["患者", "病人"]] and corpus.glossary.stopwords == ["怎么"]
