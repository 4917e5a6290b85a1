"""``qinglian new``: start a case, story or question from a template that names every field."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError
from .model.corpus import Bank
from .model.schemas import SLUG_PATTERN
from .outputs import replacing
from .sources.files import read_yaml
from .sources.validate import validate_model
from .sources.yaml_lines import parse_yaml

CASE_FIELDS = {
    "category": "请填写（取自 site_config/taxonomy.yml 的类别）",
    "department": "请填写（取自 site_config/taxonomy.yml 的科室）",
    "role": "请填写（如 科室主任、医生、护士、药师）",
    "source": "教学案例（根据公开通报的同类情形综合改编，人物与机构均为化名）",
    "summary": "一句话案情摘要（不超过60字）",
    "tags": [],
}

CASE_BODY = """
## 基本案情

（时间段、人物化名、情节、金额。不得出现真实姓名、身份证号、手机号、银行卡号。）

## 处理结果

## 违反条款

（写明第几条及标题，逐字引用相关原文。）

## 案例剖析

（哪些制度、流程、监督环节失守。）

## 警示启示
"""

STORY_FIELDS = {
    "era": "当代",
    "figure": "请填写（历史人物姓名；身边的故事写岗位，如 某医院心内科护士）",
    "group": "身边的故事",
    "source": "教学故事（根据医院常见情形综合改编，人物为化名）",
}

STORY_BODY = """
（故事正文，400–800 字。）

## 启示
"""

QUESTION_ANSWERS: dict[str, dict[str, Any]] = {
    "single": {"options": ["选项一", "选项二", "选项三", "选项四"], "answer": "A"},
    "multiple": {"options": ["选项一", "选项二", "选项三", "选项四"], "answer": ["A", "B"]},
    "judge": {"answer": True},
    "fill": {"answer": ["可接受的答案"]},
}


def _dump(data: object) -> str:
    """YAML as an editor would write it: Chinese kept, keys in order, short lists inline.

    Values are dumped, never pasted into a template, so any title (a colon, a quote, a #) is
    written as valid YAML that reads back as the same text.
    """
    return yaml.safe_dump(
        data, allow_unicode=True, sort_keys=False, default_flow_style=None, width=1000
    )


def _markdown(meta: dict, body: str) -> str:
    return f"---\n{_dump(meta)}---\n{body}"


def _write_new(path: Path, text: str, rel: str) -> None:
    """Write a new source file atomically, after checking it reads back as YAML."""
    front = text.split("---\n")[1] if text.startswith("---\n") else text
    located, problems = parse_yaml(front, rel)
    if located is None:  # cannot happen with dumped YAML; never leave a broken file behind
        raise ConfigError(f"内部错误：生成的 {rel} 不是有效的 YAML（{problems[0].message}）")
    with replacing(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def _free_path(folder: Path, stem: str) -> Path:
    path = folder / f"{stem}.md"
    if path.exists():
        raise ConfigError(f"{path} 已存在，请换一个 --id")
    return path


def _auto_id(prefix: str, folder: Path) -> str:
    today = dt.date.today().strftime("%Y%m%d")
    n = 1
    while (folder / f"{prefix}-{today}-{n}.md").exists():
        n += 1
    return f"{prefix}-{today}-{n}"


def _check_id(value: str) -> str:
    if not re.fullmatch(SLUG_PATTERN, value):
        raise ConfigError(f"编号“{value}”格式不对：只能使用小写字母、数字和连字符")
    return value


def new_item(root: Path, kind: str, args) -> Path:
    rule = args.rule or 1
    if kind == "case":
        folder = root / "cases"
        ident = _check_id(args.id) if args.id else _auto_id(f"r{rule}", folder)
        meta = {"id": ident, "title": args.title or "某医院……案", "date": dt.date.today()}
        text = _markdown({**meta, "rules": [rule], **CASE_FIELDS}, CASE_BODY)
    elif kind == "story":
        folder = root / "content" / "stories"
        ident = _check_id(args.id) if args.id else _auto_id("story", folder)
        meta = {"id": ident, "title": args.title or "故事标题", **STORY_FIELDS}
        text = _markdown({**meta, "rules": [rule], "summary": "一句话（不超过60字）"}, STORY_BODY)
    else:
        return _new_question(root, args)
    folder.mkdir(parents=True, exist_ok=True)
    path = _free_path(folder, ident)
    _write_new(path, text, path.relative_to(root).as_posix())
    return path


def _new_question(root: Path, args) -> Path:
    """Append a question skeleton to a bank file, keeping the file's own text and comments."""
    if not args.bank:
        raise ConfigError("请用 --bank 指定题库编号，如 --bank jiuxiang-r8")
    for path in sorted((root / "quizzes").glob("*.yml")):
        located, problems = read_yaml(path, path.relative_to(root).as_posix())
        if problems or located is None:
            raise ConfigError(f"{problems[0]}（先修正题库文件再新建题目）")
        if isinstance(located.data, dict) and located.data.get("bank") == args.bank:
            break
    else:
        raise ConfigError(f"找不到题库“{args.bank}”：quizzes/ 下没有 bank: {args.bank} 的文件")
    questions = located.data.get("questions") or []
    rule = args.rule or (questions[-1].get("rules", [1])[0] if questions else 1)
    ids = {q.get("id") for q in questions if isinstance(q, dict)}
    n = len(questions) + 1
    while f"q-r{rule}-{n:03d}" in ids:
        n += 1
    qid = args.id or f"q-r{rule}-{n:03d}"
    stem = args.title or ("题干，含一处空格 ____" if args.type == "fill" else "题干")
    question = {
        "id": _check_id(qid),
        "type": args.type,
        "stem": stem,
        **QUESTION_ANSWERS[args.type],
        "explanation": "解析，写明依据：第X条“……”",
        "rules": [rule],
        "difficulty": 2,
        "exam_only": False,
    }
    block = "\n" + "".join(f"  {line}\n" for line in _dump([question]).splitlines())
    text = path.read_text(encoding="utf-8").rstrip("\n") + "\n" + block
    rel = path.relative_to(root).as_posix()
    located, problems = parse_yaml(text, rel)
    if located is None or not isinstance(located.data, dict):
        raise ConfigError(f"{problems[0] if problems else rel}（题库文件未修改）")
    _, problems = validate_model(Bank, located, rel)
    if problems:
        raise ConfigError(f"{problems[0]}（题库文件未修改）")
    with replacing(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path
