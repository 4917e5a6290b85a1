"""The generated outputs of the mini fixture match the committed golden files (`make golden`)."""

from __future__ import annotations

import difflib

import pytest

from tests.golden_update import GOLDEN, GOLDEN_SETS, render


@pytest.mark.parametrize("name", sorted(GOLDEN_SETS))
def test_golden(name, tmp_path):
    fresh = tmp_path / name
    fresh.mkdir()
    render(name, fresh)
    expected_dir = GOLDEN / name
    expected = sorted(
        p.relative_to(expected_dir).as_posix() for p in expected_dir.rglob("*") if p.is_file()
    )
    actual = sorted(p.relative_to(fresh).as_posix() for p in fresh.rglob("*") if p.is_file())
    assert actual == expected, "生成的文件列表与黄金文件不同；如属有意修改，请运行 make golden"
    for rel in actual:
        want = (expected_dir / rel).read_text(encoding="utf-8")
        got = (fresh / rel).read_text(encoding="utf-8")
        if want != got:
            diff = "".join(
                difflib.unified_diff(
                    want.splitlines(True), got.splitlines(True), rel, rel + " (new)"
                )
            )
            pytest.fail(
                f"{rel} 与黄金文件不同（如属有意修改，请运行 make golden）：\n{diff[:4000]}"
            )
