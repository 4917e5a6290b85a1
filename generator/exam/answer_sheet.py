"""Blank answer sheets ``quiz paper`` writes: a header row with ``工号, 姓名, 科室, 版本`` and one
column per question number (DESIGN.md, answer sheet); ``grading/sheet.py`` reads them back."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..model.cells import guard

PERSON_COLUMNS = ("工号", "姓名", "科室", "版本")


def header(question_count: int) -> list[str]:
    return [*PERSON_COLUMNS, *(str(n) for n in range(1, question_count + 1))]


def write_csv_template(path: Path, question_count: int) -> None:
    """Header only, UTF-8 with BOM so Excel shows the Chinese column names."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(header(question_count))
    path.write_text(buffer.getvalue(), encoding="utf-8-sig", newline="")


def write_xlsx_template(
    path: Path,
    question_types: list[str],
    versions: list[str],
    departments: list[str],
    title: str,
) -> None:
    """The answer sheet first (what the grader reads), then 填写说明 and the 科室 list."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "答题卡"
    ws.append(header(len(question_types)))
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="EEE6E4")
    for cell in ws[1]:
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(horizontal="center")
    hints = {
        "single": "单选题：填一个字母，如 B",
        "multiple": "多选题：填全部所选字母，如 ACD",
        "judge": "判断题：填 对 或 错（√/× 亦可）",
        "fill": "填空题：照答卷填写文字",
    }
    for n, kind in enumerate(question_types, start=1):
        ws.cell(row=1, column=4 + n).comment = Comment(f"第 {n} 题　{hints[kind]}", "清廉")
    widths = {"A": 12, "B": 10, "C": 14, "D": 6}
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width
    for n in range(len(question_types)):
        ws.column_dimensions[get_column_letter(5 + n)].width = 6
    ws.freeze_panes = "E2"
    last = 2000
    for row in range(2, last + 1):  # 工号 as text: leading zeros survive
        ws.cell(row=row, column=1).number_format = "@"

    version_rule = DataValidation(
        type="list",
        formula1='"' + ",".join(versions) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="版本不对",
        error=f"版本只能是 {'、'.join(versions)}",
    )
    version_rule.add(f"D2:D{last}")
    ws.add_data_validation(version_rule)

    notes = wb.create_sheet("填写说明")
    for line in _instructions(title, versions):
        notes.append([line])
    notes.column_dimensions["A"].width = 100

    if departments:
        names = wb.create_sheet("科室")
        for name in departments:
            names.append([guard(name)])  # openpyxl would store =… as a formula
        dept_rule = DataValidation(
            type="list",
            formula1=f"'科室'!$A$1:$A${len(departments)}",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle="科室",
            error="不在科室列表中；仍可保留此值",
        )
        dept_rule.add(f"C2:C{last}")
        ws.add_data_validation(dept_rule)
    wb.save(path)


def _instructions(title: str, versions: list[str]) -> list[str]:
    return [
        f"{title} 答题卡填写说明",
        "",
        "1. 在“答题卡”工作表中每人填一行；第 1 行是表头，请勿修改或删除。",
        f"2. 工号必填且不能重复；版本填试卷右上角的卷别（{'、'.join(versions)}）。",
        "3. 单选题填一个字母；多选题填所选的全部字母，顺序、大小写、全角半角均可，如 ACD、a,c,d、Ａ、Ｃ、Ｄ。",
        "4. 判断题填 对/错，也可用 √/×、T/F、正确/错误。",
        "5. 填空题照答卷原样填写文字。未作答的题留空（不得分）。",
        "6. 无法识别的答案（不是本题选项的字母、多余的符号）不会被猜测：该行整行退回，见 rejected.csv。",
        "7. 评分：qinglian quiz grade key.json 答题卡.xlsx --out 成绩目录",
    ]


# --- reading ---------------------------------------------------------------------------------
