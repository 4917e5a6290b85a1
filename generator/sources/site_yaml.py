"""The content root's mkdocs.yml, read once by the loader: the site's settings (the generated
config starts from them) and its Markdown dialect (site and handbooks)."""

from __future__ import annotations

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


def read_site_config(root: Path) -> dict:
    path = root / "mkdocs.yml"
    if not path.exists():
        raise ConfigError(f"{path}: 缺少站点配置文件 mkdocs.yml")
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ConfigError(f"{where}: 站点配置不是有效的 YAML：{exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: 站点配置应是“键: 值”的映射")
    return data
