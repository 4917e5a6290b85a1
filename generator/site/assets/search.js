/* Qinglian site search: exact Chinese search over a sharded bigram index (generator/site/search).
 *
 * Everything is loaded by <script> tags (no fetch, no worker), so it works from file:// too.
 * A query is split on spaces into terms; each term's tokens (Han bigrams covering the term, a
 * single Han character, Latin/digit words) pick the index shards to load; the shards give the
 * candidate chunks; each candidate page is then checked against its stored text before it is
 * shown, so every result contains every term. Ranking: a rule page for its own terms, then hits
 * in titles, headings, body; among equals the pages' rank (rule pages, pages, newer cases first).
 */
(function () {
  "use strict";
  if (window.qlSearch && window.qlSearch.ready) return;

  const me = document.currentScript;
  const BASE = me ? me.src.replace(/assets\/search\.js(?:[?#].*)?$/, "") : "";
  const HAN_RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{3ffff}]+|[0-9a-z]+/gu;
  const HEADER_LIMIT = 8;
  // Opened from disk a folder address shows a file listing: point at its index.html instead.
  const ON_DISK = window.location.protocol === "file:";
  const pageUrl = (u) => (ON_DISK && (u === "" || u.endsWith("/")) ? u + "index.html" : u);
  const PAGE_STEP = 20;

  // --- loading ------------------------------------------------------------------------------
  const loads = new Map();
  const waiters = new Map();
  const data = { meta: null, shards: new Map(), chunks: new Map() };

  function settle(key, value) {
    const resolve = waiters.get(key);
    if (resolve) {
      waiters.delete(key);
      resolve(value);
    }
  }

  window.qlSearch = {
    ready: true,
    meta(d) {
      data.meta = d;
      settle("meta", d);
    },
    shard(n, d) {
      data.shards.set(n, d);
      settle("i" + n, d);
    },
    chunk(n, d) {
      data.chunks.set(n, d);
      settle("c" + n, d);
    },
  };

  function load(key, path) {
    if (!loads.has(key)) {
      loads.set(
        key,
        new Promise((resolve, reject) => {
          waiters.set(key, resolve);
          const s = document.createElement("script");
          s.src = BASE + path;
          s.async = true;
          s.onload = () => s.remove();
          s.onerror = () => {
            s.remove();
            loads.delete(key);
            reject(new Error("search data missing: " + path));
          };
          document.head.appendChild(s);
        }),
      );
    }
    return loads.get(key);
  }

  const loadMeta = () => load("meta", "search/meta.js");
  const loadShard = (n) => load("i" + n, `search/i/${n}.js`);
  const loadChunk = (n) => load("c" + n, `search/c/${n}.js`);

  // --- text ---------------------------------------------------------------------------------
  // The same folding as the index: full-width ASCII to ASCII, A-Z to a-z (length-preserving).
  function fold(s) {
    return s
      .replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
      .replace(/\u3000/g, " ")
      .replace(/[A-Z]/g, (c) => c.toLowerCase());
  }

  function parse(q) {
    return [...new Set(fold(q).split(/\s+/).filter(Boolean))];
  }

  // Tokens that must all occur in a chunk holding the term: all its bigrams (overlapping, so a
  // chunk with 开单 and 提成 far apart but no 单提 is no candidate for 开单提成), or the single Han
  // character, or the words.
  function termTokens(term) {
    const out = [];
    for (const m of term.matchAll(HAN_RUN)) {
      const cps = Array.from(m[0]);
      if (cps[0] < "\u3400") out.push(m[0]);
      else if (cps.length === 1) out.push(cps[0]);
      else for (let i = 0; i + 1 < cps.length; i++) out.push(cps[i] + cps[i + 1]);
    }
    return [...new Set(out)];
  }

  function shardOf(token, shards) {
    let h = 0;
    for (const ch of token) h = (Math.imul(h, 31) + ch.codePointAt(0)) >>> 0;
    return h % shards;
  }

  let chunkPage = null;
  function pageOf(chunk) {
    if (!chunkPage) {
      const m = data.meta;
      chunkPage = new Int32Array(m.chunks);
      let start = 0;
      const starts = m.starts.map((g) => (start += g));
      for (let p = 0; p < starts.length; p++) {
        const end = p + 1 < starts.length ? starts[p + 1] : m.chunks;
        for (let c = starts[p]; c < end; c++) chunkPage[c] = p;
      }
    }
    return chunkPage[chunk];
  }

  // Among equally good hits: rule pages, other pages, newer cases first (meta.rank, per page).
  const rankOf = (pid) => data.meta.rank[pid];

  function postings(token) {
    const list = data.shards.get(shardOf(token, data.meta.shards))[token];
    const out = new Map();
    if (!list) return out;
    let chunk = 0;
    for (const v of list) {
      chunk += Math.floor(v / 16);
      out.set(chunk, v % 16);
    }
    return out;
  }

  // flags: 1 title, 2 heading, 4 body, 8 the rule's own terms → tier 1, 2, 3, 0
  const tierOf = (flags) => (flags & 8 ? 0 : flags & 1 ? 1 : flags & 2 ? 2 : 3);
  const byTierAndRank = (a, b) => a.tier - b.tier || a.rank - b.rank;

  // --- one query ----------------------------------------------------------------------------
  class Query {
    constructor(q) {
      this.q = q;
      this.terms = parse(q);
      this.results = [];
      this.next = 0;
      this.candidates = [];
      this.ready = this.terms.length ? this.prepare() : Promise.resolve();
    }

    async prepare() {
      const meta = await loadMeta();
      const perTerm = this.terms.map(termTokens);
      if (perTerm.some((t) => !t.length)) return;
      const shards = new Set(perTerm.flat().map((t) => shardOf(t, meta.shards)));
      await Promise.all([...shards].map(loadShard));
      let pages = null; // pid -> {tier, terms: [[[chunk, flags], …] for each term]}
      for (const toks of perTerm) {
        let chunks = null;
        for (const tok of toks) {
          const p = postings(tok);
          if (!chunks) chunks = p;
          else {
            const both = new Map();
            for (const [c, f] of chunks) if (p.has(c)) both.set(c, f & p.get(c));
            chunks = both;
          }
        }
        const here = new Map();
        for (const [c, f] of chunks) {
          const pid = pageOf(c);
          const e = here.get(pid) || { flags: 0, chunks: [] };
          e.flags |= f;
          e.chunks.push([c, f]);
          here.set(pid, e);
        }
        if (!pages) {
          pages = new Map();
          for (const [pid, e] of here) pages.set(pid, { tier: tierOf(e.flags), terms: [e.chunks] });
        } else {
          for (const [pid, e] of pages) {
            const h = here.get(pid);
            if (!h) pages.delete(pid);
            else {
              e.tier = Math.max(e.tier, tierOf(h.flags));
              e.terms.push(h.chunks);
            }
          }
        }
      }
      this.candidates = [...pages].map(([pid, e]) => ({ pid, rank: rankOf(pid), tier: e.tier, terms: e.terms }));
      this.candidates.sort(byTierAndRank);
    }

    nextKey() {
      const c = this.candidates[this.next];
      return c ? [c.tier, c.rank] : [Infinity, Infinity];
    }

    final() {
      const [t, p] = this.nextKey();
      return this.results.filter((r) => r.tier < t || (r.tier === t && r.rank < p));
    }

    get done() {
      return this.next >= this.candidates.length;
    }

    // At least n results in their final order (fewer when there are no more).
    async more(n) {
      await this.ready;
      while (!this.done && this.final().length < n) {
        const batch = this.candidates.slice(this.next, this.next + Math.max(4, n - this.final().length));
        this.next += batch.length;
        const verified = await Promise.all(batch.map((c) => this.verify(c)));
        for (const r of verified) if (r) this.results.push(r);
        this.results.sort(byTierAndRank);
      }
      return this.final().slice(0, n);
    }

    // Check a candidate page against its text. Per term, its chunks are read best-flagged first
    // and only until the term is found where no other chunk could rank it better: a long page
    // (a rule page listing a thousand cases) costs one or two chunks, not all of them.
    async verify(c) {
      const used = new Map();
      let tier = 0;
      for (let i = 0; i < this.terms.length; i++) {
        const term = this.terms[i];
        const order = c.terms[i].slice().sort((a, b) => tierOf(a[1]) - tierOf(b[1]) || a[0] - b[0]);
        let best = Infinity; // block kinds 0 title, 1 heading, 2 body, 3 the rule's own terms
        for (const [n, flags] of order) {
          if (tierOf(flags) >= best) break;
          const ch = used.get(n) || (await loadChunk(n));
          used.set(n, ch);
          for (const [kind, , text] of ch.b) {
            if (fold(text).includes(term)) best = Math.min(best, kind === 3 ? 0 : kind + 1);
          }
        }
        if (best === Infinity) return null;
        tier = Math.max(tier, best);
      }
      const chunks = [...used].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
      const first = chunks[0];
      return { pid: c.pid, rank: c.rank, tier, url: first.u, title: first.t, ...this.snippet(chunks) };
    }

    // The block to quote: a sentence of body text with a hit, else a short body line (a table
    // cell), a heading, the title.
    snippet(chunks) {
      let fallback = null;
      for (const [kinds, min] of [[[2], 24], [[2], 0], [[1], 0], [[0], 0]]) {
        for (const ch of chunks) {
          for (const [kind, si, text] of ch.b) {
            if (!kinds.includes(kind) || text.length < min) continue;
            const f = fold(text);
            const at = Math.min(...this.terms.map((t) => (f.includes(t) ? f.indexOf(t) : Infinity)));
            if (at === Infinity) continue;
            const [anchor, heading] = ch.s[si];
            return { anchor, section: heading, text, at };
          }
          if (!fallback) {
            const body = ch.b.find((b) => b[0] === 2);
            if (body) fallback = { anchor: "", section: "", text: body[2], at: 0 };
          }
        }
      }
      return fallback || { anchor: "", section: "", text: "", at: 0 };
    }
  }

  // --- rendering ----------------------------------------------------------------------------
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) el.setAttribute(k, v);
    for (const c of children) if (c !== null && c !== undefined) el.append(c);
    return el;
  }

  function highlighted(text, terms, at) {
    const start = Math.max(0, at - 30);
    const end = Math.min(text.length, at + 90);
    const part = text.slice(start, end);
    const f = fold(part);
    const marks = [];
    for (const t of terms) {
      for (let i = f.indexOf(t); i >= 0; i = f.indexOf(t, i + t.length)) marks.push([i, i + t.length]);
    }
    marks.sort((a, b) => a[0] - b[0]);
    const out = [];
    if (start > 0) out.push("…");
    let pos = 0;
    for (const [a, b] of marks) {
      if (a < pos) continue;
      out.push(part.slice(pos, a), h("mark", {}, part.slice(a, b)));
      pos = b;
    }
    out.push(part.slice(pos));
    if (end < text.length) out.push("…");
    return out;
  }

  function resultItem(r, terms) {
    const href = BASE + pageUrl(r.url) + (r.anchor ? "#" + r.anchor : "");
    return h(
      "li",
      { class: "ql-hit" },
      h(
        "a",
        { href, class: "ql-hit__link" },
        h("span", { class: "ql-hit__title" }, ...highlighted(r.title, terms, 0)),
        r.section ? h("span", { class: "ql-hit__section" }, r.section) : null,
        r.text ? h("span", { class: "ql-hit__snippet" }, ...highlighted(r.text, terms, r.at)) : null,
      ),
    );
  }

  function noResult(box, q) {
    const m = data.meta || {};
    const rules = (m.rules || []).map(([u, t]) => h("li", {}, h("a", { href: BASE + pageUrl(u) }, t)));
    box.replaceChildren(
      h("p", {}, `没有找到同时包含“${q}”的页面。可以换个说法、减少词语，或者从九项准则和自测开始：`),
      h("ul", { class: "ql-search__suggest" }, ...rules),
      m.quiz ? h("p", {}, h("a", { href: BASE + pageUrl(m.quiz), class: "ql-search__quiz" }, "进入自测中心")) : "",
    );
  }

  function searchPageUrl(q) {
    const page = (data.meta && data.meta.page) || "search/";
    return BASE + pageUrl(page) + "?q=" + encodeURIComponent(q);
  }

  function listNav(list, input) {
    list.addEventListener("keydown", (ev) => {
      const links = [...list.querySelectorAll("a[href]")];
      const i = links.indexOf(document.activeElement);
      if (ev.key === "ArrowDown" && i >= 0) {
        ev.preventDefault();
        (links[i + 1] || links[i]).focus();
      } else if (ev.key === "ArrowUp" && i >= 0) {
        ev.preventDefault();
        (i > 0 ? links[i - 1] : input).focus();
      } else if (ev.key === "Escape") {
        ev.preventDefault();
        input.focus();
        input.dispatchEvent(new CustomEvent("ql-close"));
      }
    });
    input.addEventListener("keydown", (ev) => {
      if (ev.key === "ArrowDown") {
        const first = list.querySelector("a[href]");
        if (first) {
          ev.preventDefault();
          first.focus();
        }
      }
    });
  }

  let seq = 0;
  async function run(q, limit, status, list, more) {
    const mine = ++seq;
    const query = new Query(q);
    if (!query.terms.length) {
      status.replaceChildren();
      list.replaceChildren();
      return null;
    }
    status.textContent = "正在搜索……";
    const results = await query.more(limit);
    if (mine !== seq) return null;
    list.replaceChildren(...results.map((r) => resultItem(r, query.terms)));
    if (!results.length) noResult(status, q.trim());
    else status.textContent = query.done && query.final().length === results.length
      ? `共 ${results.length} 个结果`
      : `已显示前 ${results.length} 个结果`;
    if (more) more.hidden = query.final().length <= results.length && query.done;
    return { query, results };
  }

  // --- the header box -----------------------------------------------------------------------
  function mountHeader(page) {
    const inner = document.querySelector(".md-header__inner") || document.querySelector("header");
    if (!inner || inner.querySelector(".ql-search")) return;
    const input = h("input", {
      type: "search",
      id: "ql-search-input",
      class: "ql-search__input",
      name: "q",
      placeholder: "搜索",
      autocomplete: "off",
      enterkeyhint: "search",
      "aria-label": "搜索本站",
    });
    const status = h("div", { class: "ql-search__status", role: "status" });
    const list = h("ol", { class: "ql-search__list", "data-search-results": "" });
    const all = h("a", { class: "ql-search__all", href: "#" }, "查看全部结果");
    const panel = h("div", { class: "ql-search__panel", id: "ql-search-panel", hidden: "" }, status, list, all);
    const form = h("form", { class: "ql-search", role: "search" }, input, panel);
    const title = inner.querySelector(".md-header__title");
    if (title) title.after(form);
    else inner.append(form);
    input.addEventListener("focus", () => loadMeta().catch(() => {}), { once: true });

    if (page) {
      // On the search page the header box drives the page's own results.
      input.addEventListener("input", () => page.set(input.value, true));
      form.addEventListener("submit", (ev) => {
        ev.preventDefault();
        page.set(input.value, false);
      });
      page.header = input;
      return;
    }
    const close = () => {
      panel.hidden = true;
    };
    let timer = 0;
    const update = () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const q = input.value;
        if (!q.trim()) return close();
        panel.hidden = false;
        all.href = searchPageUrl(q);
        const done = await run(q, HEADER_LIMIT, status, list, null).catch(() => null);
        if (done) all.hidden = !done.results.length;
      }, 120);
    };
    input.addEventListener("input", update);
    input.addEventListener("ql-close", close);
    input.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape") close();
    });
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      if (!input.value.trim()) return;
      await loadMeta().catch(() => {});
      window.location.href = searchPageUrl(input.value);
    });
    document.addEventListener("click", (ev) => {
      if (!form.contains(ev.target)) close();
    });
    listNav(panel, input);
  }

  // --- the search page (search/?q=…) --------------------------------------------------------
  function mountPage() {
    const root = document.querySelector("[data-search-page]");
    if (!root) return null;
    const input = root.querySelector("input[type=search]");
    const status = root.querySelector(".ql-search-page__status");
    const list = root.querySelector("[data-search-results]");
    const more = root.querySelector(".ql-search-page__more");
    let shown = PAGE_STEP;
    let current = null;
    const page = {
      header: null,
      async set(q, typing) {
        if (input.value !== q) input.value = q;
        if (page.header && page.header.value !== q) page.header.value = q;
        try {
          const url = new URL(window.location.href);
          url.searchParams.set("q", q);
          window.history.replaceState(null, "", url.href);
        } catch (e) {
          /* file:// in some browsers: the address simply stays */
        }
        shown = PAGE_STEP;
        clearTimeout(page.timer);
        page.timer = setTimeout(async () => {
          current = await run(q, shown, status, list, more).catch(() => null);
        }, typing ? 120 : 0);
      },
    };
    root.querySelector("form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      page.set(input.value, false);
    });
    input.addEventListener("input", () => page.set(input.value, true));
    more.addEventListener("click", async () => {
      if (!current) return;
      shown += PAGE_STEP;
      current = await run(current.query.q, shown, status, list, more);
    });
    listNav(list, input);
    const q = new URLSearchParams(window.location.search).get("q") || "";
    if (q) page.set(q, false);
    return page;
  }

  function init() {
    const page = mountPage();
    mountHeader(page);
    if (page && page.header) page.header.value = new URLSearchParams(window.location.search).get("q") || "";
  }

  window.qlSearch.Query = Query; // for tests and the console: new qlSearch.Query("红包").more(10)
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
