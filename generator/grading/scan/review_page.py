"""``review.html``: one offline page with a crop of every undecided mark and buttons to decide.

No network, no external file: crops are data URIs, the script is inline. Decisions are kept in
the browser (localStorage, so a reload loses nothing) and saved as a CSV (``文件,页,工号,题号,决定``)
that ``quiz scan … --decisions FILE`` applies. Decisions from earlier rounds are carried in the
page and saved again with the new ones, so one file always holds them all.
"""

from __future__ import annotations

import base64
import json
from pathlib import PurePath

from markupsafe import escape

from ...model.terms import TYPE_NAMES
from .reader import EMPTY_ANSWER, IGNORE, Decisions, Item, ScanResult

CSS = """
:root { --ink:#1f2328; --muted:#59636e; --line:#d1d9e0; --accent:#8b1a1a; --ok:#1a7f37; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.6 "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif;
  color: var(--ink); background: #f6f8fa; }
header { position: sticky; top: 0; z-index: 2; background: #fff; border-bottom: 1px solid var(--line);
  padding: .6rem 1.2rem; display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; }
header h1 { font-size: 1.1rem; margin: 0; }
.count { color: var(--muted); }
.count b { color: var(--ink); }
main { max-width: 960px; margin: 0 auto; padding: 1rem; }
.help { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: .6rem 1rem;
  color: var(--muted); font-size: .9rem; }
.card { background: #fff; border: 1px solid var(--line); border-left: 4px solid #d4a72c;
  border-radius: 8px; padding: .8rem 1rem; margin: .8rem 0; }
.card.done { border-left-color: var(--ok); }
.card h2 { font-size: 1rem; margin: 0 0 .2rem; }
.why { color: var(--accent); margin: 0 0 .5rem; }
.seen { color: var(--muted); font-size: .85rem; }
.card img { display: block; max-width: 100%; border: 1px solid var(--line); border-radius: 4px;
  margin: .3rem 0 .6rem; image-rendering: auto; }
.choices { display: flex; gap: .4rem; flex-wrap: wrap; align-items: center; }
button { font: inherit; min-width: 2.6rem; padding: .3rem .8rem; border: 1px solid #8c959f;
  border-radius: 6px; background: #fff; cursor: pointer; }
button:hover { background: #f3f4f6; }
button:focus-visible, input:focus-visible { outline: 3px solid #0969da; outline-offset: 1px; }
button[aria-pressed="true"] { background: var(--ink); color: #fff; border-color: var(--ink); }
button.save { background: var(--accent); color: #fff; border-color: var(--accent); }
input[type=text] { font: inherit; padding: .3rem .5rem; border: 1px solid #8c959f; border-radius: 6px;
  width: 12rem; }
.state { margin-left: auto; color: var(--muted); font-size: .85rem; }
.card.done .state { color: var(--ok); }
.empty { text-align: center; color: var(--ok); padding: 3rem; }
"""

SCRIPT = """
(function () {
  const data = JSON.parse(document.getElementById('scan-data').textContent);
  const store = 'qinglian-scan-' + data.exam + '-' + data.stamp;
  let chosen = {};
  try { chosen = JSON.parse(localStorage.getItem(store) || '{}'); } catch (e) { chosen = {}; }
  const cards = Array.from(document.querySelectorAll('.card'));
  function keep() { try { localStorage.setItem(store, JSON.stringify(chosen)); } catch (e) {} }
  function show() {
    let done = 0;
    for (const card of cards) {
      const id = card.dataset.id, value = chosen[id];
      const ok = value !== undefined && value !== '';
      card.classList.toggle('done', ok);
      if (ok) done++;
      card.querySelector('.state').textContent = ok ? '已决定：' + value : '待决定';
      for (const b of card.querySelectorAll('button[data-v]')) {
        const v = b.dataset.v;
        const on = ok && (card.dataset.kind === 'multiple' && v !== data.empty
          ? value !== data.empty && value.includes(v) : value === v);
        b.setAttribute('aria-pressed', on ? 'true' : 'false');
      }
      const input = card.querySelector('input');
      if (input && ok && value !== data.ignore && document.activeElement !== input) input.value = value;
    }
    document.getElementById('done').textContent = done;
  }
  for (const card of cards) {
    const id = card.dataset.id;
    for (const b of card.querySelectorAll('button[data-v]')) {
      b.addEventListener('click', () => {
        const v = b.dataset.v;
        if (card.dataset.kind === 'multiple' && v !== data.empty) {
          const now = new Set((chosen[id] && chosen[id] !== data.empty) ? chosen[id].split('') : []);
          if (now.has(v)) now.delete(v); else now.add(v);
          const joined = Array.from(now).sort().join('');
          if (joined) chosen[id] = joined; else delete chosen[id];
        } else if (chosen[id] === v) {
          delete chosen[id];
        } else {
          chosen[id] = v;
        }
        keep(); show();
      });
    }
    const input = card.querySelector('input');
    if (input) input.addEventListener('input', () => {
      const v = input.value.trim();
      if (v) chosen[id] = v; else delete chosen[id];
      keep(); show();
    });
  }
  function cell(text) {
    text = String(text);
    if (/^'*[=+\\-@\\t\\r]/.test(text)) text = "'" + text;  // model/cells.py guard
    return /[",\\r\\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }
  document.getElementById('save').addEventListener('click', () => {
    const lines = [['文件', '页', '工号', '题号', '决定']];
    for (const row of data.earlier) lines.push(row);
    for (const card of cards) {
      const value = chosen[card.dataset.id];
      if (value === undefined || value === '') continue;
      const field = value === data.ignore && card.dataset.field === '工号' ? '页' : card.dataset.field;
      lines.push([card.dataset.file, card.dataset.page, card.dataset.staff, field, value]);
    }
    const text = '\\ufeff' + lines.map(r => r.map(cell).join(',')).join('\\r\\n') + '\\r\\n';
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([text], {type: 'text/csv;charset=utf-8'}));
    link.download = 'decisions.csv';
    document.body.appendChild(link); link.click(); link.remove();
  });
  show();
})();
"""


def review_html(result: ScanResult, earlier: Decisions | None = None, stamp: str = "") -> str:
    items = result.items
    key = result.key
    cards = "".join(_card(i, n) for n, i in enumerate(items, start=1))
    if not items:
        cards = '<p class="empty">没有待复核的标记：全部答题卡已读完。</p>'
    data = {
        "exam": key.exam,
        "stamp": stamp,
        "empty": EMPTY_ANSWER,
        "ignore": IGNORE,
        "earlier": [[f, p, "", field, v] for (f, p, field), v in (earlier or {}).items()],
    }
    payload = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    title = f"{key.title} · 答题卡复核"
    earlier_note = f"此前的 {len(earlier)} 条决定已应用，保存时一并写入。" if earlier else ""
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>{escape(title)}</title><style>{CSS}</style></head>
<body>
<header><h1>{escape(title)}</h1>
<span class="count">已决定 <b id="done">0</b> / <b>{len(items)}</b></span>
<button type="button" class="save" id="save">保存决定（decisions.csv）</button></header>
<main>
<p class="help">逐条看图决定：点选考生真正涂的选项（再点一次取消）；没有作答点“{EMPTY_ANSWER}”。
绿圈是机器认为已涂的，橙圈是拿不准的。全部决定后点“保存决定”，再运行
<code>qinglian quiz scan … --decisions decisions.csv</code>。{escape(earlier_note)}</p>
{cards}
</main>
<script type="application/json" id="scan-data">{payload}</script>
<script>{SCRIPT}</script>
</body></html>
"""


def _card(item: Item, n: int) -> str:
    file = PurePath(item.file).name
    who = " · ".join(
        x
        for x in (
            f"工号 {item.staff_id}" if item.staff_id else "",
            f"{item.version} 卷" if item.version else "",
        )
        if x
    )
    if item.field.isdigit():
        what = f"第 {item.field} 题（{TYPE_NAMES.get(item.kind, item.kind)}）"
    elif item.field == "页":
        what = "整页"
    else:
        what = item.field
    img = ""
    if item.crop:
        mime = "image/png" if item.crop[:4] == b"\x89PNG" else "image/jpeg"
        data = base64.b64encode(item.crop).decode()
        width = ""
        if mime == "image/png":  # shown larger than scanned: the crop is small
            width = f' style="width:{round(1.6 * int.from_bytes(item.crop[16:20], "big"))}px"'
        img = f'<img alt="{escape(what)}的扫描图"{width} src="data:{mime};base64,{data}">'
    seen = (
        f'<span class="seen">机器读到：{escape(item.seen) or "无"}</span>'
        if item.field.isdigit()
        else ""
    )
    return (
        f'<section class="card" id="item-{n}" data-id="{n}" data-file="{escape(file)}" '
        f'data-page="{item.page}" data-field="{escape(item.field)}" data-kind="{escape(item.kind)}" '
        f'data-staff="{escape(item.staff_id)}">'
        f"<h2>{escape(file)} 第 {item.page} 页 · {escape(what)}"
        f"{' · ' + escape(who) if who else ''}</h2>"
        f'<p class="why">{escape(item.reason)}</p>{img}'
        f'<div class="choices">{_buttons(item)}{seen}<span class="state" aria-live="polite"></span></div>'
        "</section>"
    )


def _buttons(item: Item) -> str:
    def button(value: str, text: str | None = None) -> str:
        return (
            f'<button type="button" data-v="{escape(value)}" aria-pressed="false">'
            f"{escape(text or value)}</button>"
        )

    if item.kind == "忽略":
        return button(IGNORE, "忽略此页")
    if item.kind == "工号":
        return (
            '<label>工号 <input type="text" autocomplete="off" inputmode="text"></label>'
            + button(IGNORE, "忽略此页")
        )
    if item.kind == "版本":
        return "".join(button(v, f"{v} 卷") for v in item.choices)
    if item.kind == "fill":
        return "".join(button(v, f"{v} 分") for v in item.choices)
    return "".join(button(v) for v in item.choices) + button(EMPTY_ANSWER, "空（未作答）")
