"""The content root's mkdocs.yml, read once by the loader: the site's settings (the generated
config starts from them) and its Markdown dialect (site and handbooks)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ..errors import ConfigError
from ..model.markdown import Tagged


class _Loader(yaml.SafeLoader):
    pass


def _keep(loader, suffix, node):
    return Tagged(node.tag, node)


_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _keep)
_Loader.add_multi_constructor("!", _keep)


def read_site_config(root: Path) -> dict | None:
    """The settings of ``root/mkdocs.yml`` (None: there is none). Raises ConfigError for a file
    that is not a YAML mapping, and for settings every reader of it relies on that are wrong."""
    path = root / "mkdocs.yml"
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.load(text, Loader=_Loader) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ConfigError(f"{where}: 站点配置不是有效的 YAML：{exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: 站点配置应是“键: 值”的映射")
    urls = data.get("use_directory_urls")
    if urls is not None and not isinstance(urls, bool):  # site, search, QR codes follow it
        found = re.search(r"(?m)^use_directory_urls\s*:", text)
        line = text[: found.start()].count("\n") + 1 if found else 1
        raise ConfigError(
            f"{path}: use_directory_urls 应为 true 或 false，而不是“{urls}”（第 {line} 行）"
        )
    return data
