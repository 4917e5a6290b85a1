"""The generated site configuration: the content root's mkdocs.yml plus what our build decides.

Nothing the site needs lives in an engine plugin (DESIGN.md): the site name, address, footer and
logo come from site_config/hospital.yml, the tree and the search index from our build. The file
written here (in the build's temporary folder, next to the generated docs tree) is what MkDocs or
Zensical builds; plain ``mkdocs build -f <it>`` and ``zensical build -f <it>`` give the same site.
For MkDocs it names our plugin (``plugin.py``), through which the build hands MkDocs the pages it
keeps in memory and takes the written pages for the search index.
"""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

from ..errors import ConfigError
from ..model import links
from ..model.corpus import Corpus
from ..model.markdown import Tagged
from .plugin import NAME as PLUGIN

# What our build brings to every site, whatever the content root's mkdocs.yml says.
OUR_CSS = ("assets/qinglian.css", "assets/selftest.css", "assets/search.css")
OUR_JS = ("assets/selftest.js", "assets/search.js")
NOT_IN_NAV = ("/search/*.md",)
REPLACED_PLUGINS = ("search",)  # Material's search: ours replaces it
PATH_KEYS = ("custom_dir",)  # theme keys naming folders relative to the content root


def site_identity(corpus: Corpus) -> dict[str, str]:
    """Config values that come from site_config/hospital.yml."""
    h = corpus.hospital
    return {
        "site_name": f"{h.short_name}清廉知识库",
        # Pages link relatively either way; site_url lets MkDocs write a 404 page that works at
        # the published sub-path, and canonical links for the intranet address.
        "site_url": h.site_url,
        "copyright": f"{h.name} · {h.issuer or h.name}编制 · 内部学习资料，注意保存",
    }


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(Tagged, lambda dumper, value: value.node)


def _plugin_name(entry) -> str:
    return next(iter(entry)) if isinstance(entry, dict) else str(entry)


def directory_urls(corpus: Corpus) -> bool:
    """The content root's mkdocs.yml ``use_directory_urls`` (true unless it says false; checked
    on loading): the site's addresses, its generated links, its search index and its offline
    copy follow it."""
    return links.uses_directory_urls(corpus.site_config)


def site_config(corpus: Corpus, logo: str, *, engine: str = "mkdocs") -> dict:
    """The config to build the generated tree with: docs/ and site/ beside the config file."""
    if corpus.site_config is None:
        raise ConfigError(f"{corpus.root / 'mkdocs.yml'}: 缺少站点配置文件 mkdocs.yml")
    config = copy.deepcopy(corpus.site_config)
    config.update(site_identity(corpus))
    config["docs_dir"], config["site_dir"] = "docs", "site"
    config["use_directory_urls"] = directory_urls(corpus)
    theme = config.setdefault("theme", {"name": "material"})
    if isinstance(theme, str):
        theme = config["theme"] = {"name": theme}
    theme["logo"] = theme["favicon"] = logo
    for key in PATH_KEYS:
        if isinstance(theme.get(key), str):
            theme[key] = str((corpus.root / theme[key]).resolve())
    theme["features"] = [f for f in theme.get("features") or [] if not str(f).startswith("search")]
    plugins = config.get("plugins") or []
    if isinstance(plugins, dict):
        plugins = [{k: v} if v else k for k, v in plugins.items()]
    config["plugins"] = [p for p in plugins if _plugin_name(p) not in REPLACED_PLUGINS]
    if engine == "mkdocs":
        config["plugins"] = [_pinyin_tags(p) for p in config["plugins"]]
    named = [p for p in config["plugins"] if _plugin_name(p) == PLUGIN]
    if engine == "zensical":  # its own search is on unless switched off; ours replaces it
        config["plugins"] = [p for p in config["plugins"] if p not in named]
        config["plugins"].append({"search": {"enabled": False}})
    elif not named:  # what the build hands MkDocs (plugin.py); a hospital may set its options
        config["plugins"].append(PLUGIN)
    for key, ours in (("extra_css", OUR_CSS), ("extra_javascript", OUR_JS)):
        listed = config.get(key) or []
        config[key] = listed + [item for item in ours if item not in listed]
    lines = (config.get("not_in_nav") or "").splitlines()
    config["not_in_nav"] = "\n".join(lines + [p for p in NOT_IN_NAV if p not in lines]) + "\n"
    for key in ("hooks", "watch"):
        if config.get(key):
            config[key] = [str((corpus.root / p).resolve()) for p in config[key]]
    return config


PINYIN_TAGS = "tag:yaml.org,2002:python/name:generator.site.tag_order.tag_by_pinyin"


def _pinyin_tags(plugin):
    """Material's tags plugin with tags in pinyin order, and without its ``tags.json`` export (a
    list of every page and its tags for other tools, which nothing on the site reads) — unless
    mkdocs.yml says otherwise."""
    if _plugin_name(plugin) != "tags":
        return plugin
    options = dict(plugin.get("tags") or {}) if isinstance(plugin, dict) else {}
    for key in ("tags_sort_by", "listings_tags_sort_by"):
        options.setdefault(key, Tagged(PINYIN_TAGS, yaml.ScalarNode(PINYIN_TAGS, "")))
    options.setdefault("export", False)
    return {"tags": options}


def write_config(config: dict, path: Path) -> Path:
    text = yaml.dump(config, Dumper=_Dumper, allow_unicode=True, sort_keys=False)
    path.write_text("# 由 qinglian 生成，请修改内容根目录下的 mkdocs.yml。\n" + text, "utf-8")
    return path
