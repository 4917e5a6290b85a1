"""The portable edition (U盘版): the built site as files that work opened from disk (file://).

The same pages as ``dist/site``. With directory URLs (every page is ``…/index.html``) a link to a
folder (``../quiz/``, ``.``) opened from disk shows a file listing, so every relative folder link
is pointed at the file a web server would serve for it (``links.served_file``: its
``index.html``) — in ``href``/``src`` and in the self-test's JSON attributes. A site built with
``use_directory_urls: false`` links to files already, and nothing here changes it. Search and the
self-test load their data by ``<script>`` tags (assets/search.js adds ``index.html`` to its result
links itself when opened from disk), so nothing is fetched. The result is one zip file.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

from ..model.links import served_file

ZIP_NAME = "清廉知识库-离线版.zip"
FOLDER = "清廉知识库-离线版"
README = """清廉知识库（离线版）

解压后双击打开本文件夹中的 index.html 即可浏览：不需要网络，也不需要安装任何软件。
可以复制到 U 盘或共享盘使用。搜索和自测都可以离线使用；自测记录保存在本机浏览器中。
"""

# a relative link to a folder: href="../quiz/", href=".", href="..", href="rules/r1/#x"
_FOLDER_LINK = re.compile(r'((?:href|src|data-home|data-src)=")((?![a-z]+:|/)[^"#?]*?)("|#)')
_JSON_FOLDER = re.compile(r"(&#34;|&quot;)((?:\.\./)*[\w.-]+(?:/[\w.-]+)*/)(&#34;|&quot;)")


def _attr(m: re.Match) -> str:
    prefix, link, end = m.groups()
    # (an empty link, href="" or href="#x", stays: it is this very page)
    return f"{prefix}{served_file(link)}{end}" if link else m.group()


def _json(m: re.Match) -> str:
    return f"{m.group(1)}{served_file(m.group(2))}{m.group(3)}"


def fix_folder_links(site: Path) -> int:
    """Rewrite folder links in every page; return how many pages changed."""
    changed = 0
    for path in site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        fixed = _JSON_FOLDER.sub(_json, _FOLDER_LINK.sub(_attr, text))
        if fixed != text:
            path.write_text(fixed, encoding="utf-8")
            changed += 1
    return changed


def build_offline(site_dir: Path, out: Path) -> Path:
    """Write ``out/清廉知识库-离线版.zip`` from the built site; its folder holds ``index.html``."""
    work = out / f".{FOLDER}"
    shutil.rmtree(work, ignore_errors=True)
    try:
        copy = work / FOLDER
        shutil.copytree(site_dir, copy)
        (copy / "404.html").unlink(missing_ok=True)  # served by web servers only
        fix_folder_links(copy)
        (copy / "使用说明.txt").write_text(README, encoding="utf-8")
        target = out / ZIP_NAME
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            for path in sorted(copy.rglob("*")):
                if path.is_file():
                    zf.write(path, path.relative_to(work).as_posix())
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target
