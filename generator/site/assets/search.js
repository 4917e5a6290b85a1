/* Qinglian site search: Chinese search over a sharded bigram index (generator/site/search).
 *
 * Everything is loaded by <script> tags (no fetch, no worker), so it works from file:// too.
 * A query is split on spaces into terms; numbers count either way (第8条 ≡ 第八条, 8万 ≡ 八万).
 * Results come in three groups (DESIGN.md "Search"):
 *  1. the page of a rule the query names (第八条, 九项准则第八条, 红包 条款);
 *  2. exact hits: pages holding every term, checked against their stored text; a rule page whose
 *     own terms the query holds first, then hits in titles, headings, body, then the pages' rank;
 *  3. when those are fewer than FEW: pages holding parts of the query — words of the lexicon the
 *     build puts in meta (rule keywords, categories, departments, tags, site_config/glossary.yml
 *     with its synonyms), rule references, counted numbers, bigrams of what is left; question
 *     words and particles (the glossary's stop words) are no parts — more parts, where, and how
 *     many in one paragraph first, under a note that says they are partial.
 * A query loads a bounded number of index shards (MAX_SHARDS) and, per result, one or two chunks.
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
  const PAGE_STEP = 10;

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

  // --- numbers: 第8条 ≡ 第八条, 8万 ≡ 八万 ---------------------------------------------------------
  const DIGITS = "零一二三四五六七八九";
  const UNITS = "条项万千百元个次年月日天人位名家倍岁张件";
  // a number that counts something: after 第 or before a unit
  const NUMBER = new RegExp(`(第)?([0-9]{1,4}|[零〇一二两三四五六七八九十]{1,4})(?=([${UNITS}]))|(第)([0-9]{1,4}|[零〇一二两三四五六七八九十]{1,4})`, "g");

  function chineseValue(s) {
    if (/^[0-9]+$/.test(s)) return Number(s);
    const d = (c) => (c === "两" ? 2 : c === "〇" ? 0 : DIGITS.indexOf(c));
    if (!s.includes("十")) return s.length === 1 ? d(s) : Number([...s].map(d).join(""));
    const [tens, ones] = s.split("十");
    if (tens.length > 1 || ones.length > 1) return null;
    return (tens ? d(tens) : 1) * 10 + (ones ? d(ones) : 0);
  }

  function chineseNumeral(n) {
    if (n < 10) return DIGITS[n];
    if (n < 100) return (n >= 20 ? DIGITS[Math.floor(n / 10)] : "") + "十" + (n % 10 ? DIGITS[n % 10] : "");
    return null;
  }

  // The text and, if it holds counted numbers, the same with each written the other way.
  function numberForms(text) {
    let changed = false;
    const other = text.replace(NUMBER, (m, di, num, _u, dj, numj) => {
      const n = chineseValue(num || numj);
      if (n === null || n < 0) return m;
      const arabic = /^[0-9]/.test(num || numj);
      const alt = arabic ? chineseNumeral(n) : String(n);
      if (!alt) return m;
      changed = true;
      return (di || dj || "") + alt;
    });
    return changed ? [text, other] : [text];
  }

  // 第8条, 第八条, 第八项 → 8
  const RULE_REF = /第([0-9]{1,2}|[一二三四五六七八九十]{1,3})[条项]/g;
  const RULE_WORD = /条款|准则|哪一?条|条文|第几条|原文/;

  // --- index tokens ---------------------------------------------------------------------------
  // Tokens that must all occur in a chunk holding the text: bigrams covering it (every other one
  // and the last, so 开单提成 takes 开单 and 提成: a superset of the chunks, checked against the text
  // later), a single Han character only where nothing longer is there, and the Latin/digit words.
  function termTokens(term) {
    const out = [];
    const singles = [];
    for (const m of term.matchAll(HAN_RUN)) {
      const cps = Array.from(m[0]);
      if (cps[0] < "\u3400") out.push(m[0]);
      else if (cps.length === 1) singles.push(cps[0]);
      else {
        for (let i = 0; i + 1 < cps.length; i += 2) out.push(cps[i] + cps[i + 1]);
        if (cps.length % 2) out.push(cps[cps.length - 2] + cps[cps.length - 1]);
      }
    }
    return [...new Set(out.length ? out : singles)];
  }

  // Every token of a text: all its bigrams (or its single Han character) and words.
  function allTokens(term) {
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

  // per page number: its first chunk id (meta.starts holds the gaps between them)
  let firstChunks = null;
  function firstChunkOf(pid) {
    if (!firstChunks) {
      let start = 0;
      firstChunks = data.meta.starts.map((g) => (start += g));
    }
    return firstChunks[pid];
  }
  let chunkPage = null;
  function pageOf(chunk) {
    if (!chunkPage) {
      const pages = data.meta.starts.length;
      chunkPage = new Int32Array(data.meta.chunks);
      for (let p = 0; p < pages; p++) {
        const end = p + 1 < pages ? firstChunkOf(p + 1) : data.meta.chunks;
        for (let c = firstChunkOf(p); c < end; c++) chunkPage[c] = p;
      }
    }
    return chunkPage[chunk];
  }

  // Among equally good hits: rule pages, other pages, newer cases first (meta.rank, per page).
  const rankOf = (pid) => data.meta.rank[pid];
  // the page numbers of rules ``numbers`` (meta.rulePages), each once, in that order
  const rulePids = (meta, numbers) =>
    [...new Set(numbers)].map((n) => meta.rulePages && meta.rulePages[String(n)]).filter((pid) => pid !== undefined);

  const postingCache = new Map();
  function postings(token) {
    if (postingCache.has(token)) return postingCache.get(token);
    const list = data.shards.get(shardOf(token, data.meta.shards))[token];
    const out = new Map();
    let chunk = 0;
    for (const v of list || []) {
      chunk += Math.floor(v / 16);
      out.set(chunk, v % 16);
    }
    postingCache.set(token, out);
    return out;
  }

  // Chunks that may hold one of the texts: per text the chunks holding all its tokens, united;
  // flags: where in the chunk (the kinds every token occurs in).
  // ``loaded``: only these tokens (any bigram of the text will do), the rest is checked later.
  function chunksOf(texts, loaded) {
    const found = new Map();
    for (const text of texts) {
      let chunks = null;
      const toks = loaded ? allTokens(text).filter((t) => loaded.has(t)) : termTokens(text);
      if (!toks.length) continue;
      for (const tok of toks) {
        const p = postings(tok);
        if (!chunks) chunks = new Map(p);
        else for (const [c, f] of chunks) p.has(c) ? chunks.set(c, f & p.get(c)) : chunks.delete(c);
      }
      for (const [c, f] of chunks || []) found.set(c, (found.get(c) || 0) | f);
    }
    return found;
  }

  // flags: 1 title, 2 heading, 4 body, 8 the rule's own terms → tier 1, 2, 3, 0
  const tierOf = (flags) => (flags & 8 ? 0 : flags & 1 ? 1 : flags & 2 ? 2 : 3);
  const kindTier = (kind) => (kind === 3 ? 0 : kind + 1);
  // a part's weight in a partial match, by where it is found (tier 0 … 3)
  const TIER_WEIGHT = [4, 3, 2, 1];
  const FEW = 5; // fewer exact results than this: partial matches follow
  const MAX_SHARDS = 8; // index shards one query may load (~16 KB each)
  // Partial candidates whose chunk one call of more(n) may read beyond n (~8 KB each): a bound
  // is loose, so some read candidates fall short; this keeps a first screen within budget.
  const PARTIAL_SLACK = 4;

  // --- splitting a phrase into parts ----------------------------------------------------------
  let lexicon = null;
  function getLexicon() {
    if (lexicon) return lexicon;
    const m = data.meta;
    const groups = new Map(); // word -> the texts it stands for (itself first)
    for (const w of m.words || []) groups.set(fold(w), [fold(w)]);
    for (const rule of m.rules || []) for (const w of rule[2] || []) groups.set(fold(w), [fold(w)]);
    for (const group of m.synonyms || []) {
      const all = group.map(fold);
      for (const w of all) groups.set(w, [w, ...all.filter((x) => x !== w)]);
    }
    const stop = new Set((m.stop || []).map(fold));
    let longest = 1;
    for (const w of [...groups.keys(), ...stop]) longest = Math.max(longest, Array.from(w).length);
    lexicon = { groups, stop, longest };
    return lexicon;
  }

  // A term's parts, left to right: rule references (第8条), words from the lexicon (longest
  // first; stop words dropped), counted numbers (2万元), Latin/digit words; Han characters left
  // between them as bigrams (a single one is no part). Each part: {text: as typed, alts: the
  // texts that count for it, weight}.
  const AT_RULE = /第(?:[0-9]{1,2}|[一二三四五六七八九十]{1,3})[条项]/y;
  const AT_COUNTED = new RegExp(`第?(?:[0-9]{1,4}|[零〇一二两三四五六七八九十]{1,4})[${UNITS}]+`, "y");
  const AT_WORD = /[0-9a-z]+/y;
  const IS_HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{3ffff}]/u;

  function splitTerm(term) {
    const lex = getLexicon();
    const parts = [];
    const add = (text, alts, weight) => parts.push({ text, alts: [...new Set(alts.flatMap(numberForms))], weight });
    const cps = Array.from(term);
    let left = [];
    const flush = () => {
      if (left.length === 2) add(left.join(""), [left.join("")], 1);
      else for (let i = 0; i + 1 < left.length; i++) add(left[i] + left[i + 1], [left[i] + left[i + 1]], 0.5);
      left = [];
    };
    const sticky = (re, i) => {
      re.lastIndex = cps.slice(0, i).join("").length;
      const m = re.exec(term);
      return m ? m[0] : null;
    };
    for (let i = 0; i < cps.length; ) {
      let word = null;
      for (let n = Math.min(lex.longest, cps.length - i); n >= 1; n--) {
        const w = cps.slice(i, i + n).join("");
        if (lex.groups.has(w) || lex.stop.has(w)) {
          word = w;
          break;
        }
      }
      const rule = sticky(AT_RULE, i);
      const counted = rule ? null : sticky(AT_COUNTED, i);
      const latin = sticky(AT_WORD, i);
      const numeric = rule || counted;
      if (numeric && (!word || Array.from(numeric).length >= Array.from(word).length)) {
        flush();
        add(numeric, [numeric], rule ? 2 : 1);
        i += Array.from(numeric).length;
      } else if (word) {
        flush();
        if (!lex.stop.has(word)) add(word, lex.groups.get(word), 2);
        i += Array.from(word).length;
      } else if (latin) {
        flush();
        add(latin, [latin], 1);
        i += latin.length;
      } else {
        if (IS_HAN.test(cps[i])) left.push(cps[i]);
        else flush();
        i += 1;
      }
    }
    flush();
    return parts;
  }

  // --- one query ----------------------------------------------------------------------------
  // Results come in three groups: the page of a rule the query names (第八条, 红包 条款), pages
  // holding the whole query (every space-separated term, numbers either way), then — when those
  // are fewer than FEW — pages holding some of its parts, more parts and closer first.
  class Query {
    constructor(q) {
      this.q = q;
      this.terms = parse(q);
      this.exact = this.terms.map((t) => numberForms(t));
      this.parts = [];
      this.named = []; // pids of the rule pages the query names
      this.results = []; // verified: {group: 0 named, 1 exact, 2 partial, …}
      this.exactCandidates = [];
      this.partialCandidates = [];
      this.nextExact = 0;
      this.nextPartial = 0;
      this.partialOn = false;
      this.ready = this.terms.length ? this.prepare() : Promise.resolve();
    }

    // every text to mark in a snippet
    get marks() {
      const all = [...this.exact.flat(), ...this.parts.filter((p) => p.found).flatMap((p) => p.alts)];
      return [...new Set(all)].sort((a, b) => b.length - a.length);
    }

    // numbers of the rules whose own terms the query holds (收红包 → 第八条)
    termRules(meta) {
      const folded = this.terms.join(" ");
      const holds = ([, , words]) => (words || []).some((w) => folded.includes(fold(w)));
      return (meta.rules || []).filter(holds).map((rule) => rule[3]);
    }

    // the query's rule references (第8条), else with a word asking for a rule (哪一条) the rules
    // its terms name: their pages' numbers
    namedRules(meta) {
      const folded = this.terms.join(" ");
      const refs = [...folded.matchAll(RULE_REF)].map((m) => chineseValue(m[1]));
      return rulePids(meta, refs.length || !RULE_WORD.test(folded) ? refs : this.termRules(meta));
    }

    // rule pages whose own terms the query holds: first among exact hits
    ownRules(meta) {
      return new Set(rulePids(meta, this.termRules(meta)));
    }

    async prepare() {
      const meta = await loadMeta();
      this.meta = meta;
      this.named = this.namedRules(meta);
      this.own = this.ownRules(meta);
      this.tokens = new Set();
      this.shardSet = new Set();
      // Each form's covering tokens, two at first: the rest only if some page may still hold
      // every term (a long phrase no page holds costs two shards, not eight).
      const covers = this.exact.flat().map(termTokens);
      this.take(covers.flatMap((c) => c.slice(0, 2)));
      await this.load();
      if (this.exact.every((forms) => chunksOf(forms, this.tokens).size)) {
        this.take(covers.flat());
        // and every other bigram, within the bound: fewer pages to check against their text
        for (const t of this.exact.flat().flatMap(allTokens)) if (this.fits([t])) this.take([t]);
        await this.load();
      }
      // exact: pages with every term
      let pages = null;
      for (const forms of this.exact) {
        const here = new Map();
        for (const [c, f] of chunksOf(forms, this.tokens)) {
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
      const named = new Set(this.named);
      const own = this.own;
      this.exactCandidates = [...pages]
        .filter(([pid]) => !named.has(pid))
        .map(([pid, e]) => ({ pid, rank: rankOf(pid), own: own.has(pid), tier: own.has(pid) ? 0 : e.tier, terms: e.terms }));
      this.exactCandidates.sort(byKey);
    }

    take(toks) {
      for (const t of toks) {
        this.tokens.add(t);
        this.shardSet.add(shardOf(t, this.meta.shards));
      }
    }

    fits(toks) {
      const more = toks.map((t) => shardOf(t, this.meta.shards)).filter((n) => !this.shardSet.has(n));
      return this.shardSet.size + new Set(more).size <= MAX_SHARDS;
    }

    load() {
      return Promise.all([...this.shardSet].map(loadShard));
    }

    // When the exact hits are few: the parts of the query, each as typed (heaviest first), then
    // their synonyms one of each part in turn, within a bound of shards.
    async preparePartial() {
      const parts = [];
      for (const t of this.terms) for (const p of splitTerm(t)) if (!parts.some((x) => x.text === p.text)) parts.push(p);
      const byWeight = parts.slice().sort((a, b) => b.weight - a.weight);
      const usable = new Map(byWeight.map((p) => [p, []]));
      const tryAlt = (p, alt) => {
        const toks = termTokens(alt);
        if (!this.fits(toks)) return;
        this.take(toks);
        usable.get(p).push(alt);
      };
      for (const p of byWeight) tryAlt(p, p.alts[0]);
      const most = Math.max(0, ...parts.map((p) => p.alts.length));
      for (let k = 1; k < most; k++) for (const p of byWeight) if (p.alts[k]) tryAlt(p, p.alts[k]);
      for (const p of parts) p.alts = usable.get(p);
      await this.load();
      const named = new Set(this.named);
      const own = this.own;
      const taken = new Set(this.results.map((r) => r.pid));

      // partial: per page its chunk holding the best set of parts, by an upper bound of the
      // score its text gives (verifyParts reads that chunk only)
      const perChunk = new Map(); // chunk -> Map(part -> flags)
      this.parts = parts;
      for (let i = 0; i < parts.length; i++) {
        const found = chunksOf(parts[i].alts);
        parts[i].found = found.size > 0;
        for (const [c, f] of found) {
          if (!perChunk.has(c)) perChunk.set(c, new Map());
          perChunk.get(c).set(i, f);
        }
      }
      const foundParts = parts.filter((p) => p.found);
      const words = foundParts.filter((p) => p.weight >= 2).length;
      // a page needs half the parts found anywhere (at least two when they are all bigrams)
      const need = Math.max(words ? 1 : 2, Math.ceil(foundParts.length / 2));
      this.needParts = need;
      const best = new Map(); // pid -> candidate
      for (const [c, held] of perChunk) {
        const pid = pageOf(c);
        if (named.has(pid) || taken.has(pid) || held.size < need) continue;
        let bound = 0;
        for (const [i, f] of held) bound += parts[i].weight * TIER_WEIGHT[own.has(pid) && f & 12 ? 0 : tierOf(f)];
        const had = best.get(pid);
        if (!had || bound > had.score || (bound === had.score && held.size > had.together)) {
          best.set(pid, { pid, rank: rankOf(pid), score: bound, together: held.size, chunk: c, parts: held, own: own.has(pid) });
        }
      }
      this.partialCandidates = [...best.values()].sort(byKey);
    }

    // The key of the next candidate not verified yet: results before it are final.
    nextKey() {
      if (this.nextExact < this.exactCandidates.length) return { group: 1, ...this.exactCandidates[this.nextExact] };
      if (this.partialOn && this.nextPartial < this.partialCandidates.length)
        return { group: 2, ...this.partialCandidates[this.nextPartial] };
      return null;
    }

    // Results in their final order. Partial hits are taken in the order of their bounds and
    // sorted among those checked, not held back until no unchecked page could outrank them: a
    // bound is loose (where the parts are, how close), and holding back would read every page.
    final() {
      const next = this.nextKey();
      if (!next || next.group === 2) return this.results.slice();
      return this.results.filter((r) => byKey(r, next) < 0);
    }

    get done() {
      return this.nextKey() === null && (this.partialOn || !this.wantsPartial());
    }

    wantsPartial() {
      const exact = this.results.filter((r) => r.group === 1).length;
      return this.nextExact >= this.exactCandidates.length && exact < FEW;
    }

    // How many results there are: {n, sure} (sure: every candidate checked against its text)
    total() {
      let n = this.results.length + this.exactCandidates.length - this.nextExact;
      if (this.partialOn) n += this.partialCandidates.length - this.nextPartial;
      // a candidate page holds the query for sure when every form is one token (红包, 2021)
      const oneToken = this.exact.every((forms) => forms.every((f) => allTokens(f).length === 1 && allTokens(f)[0] === f));
      return { n, sure: this.done || (oneToken && !this.partialOn && !this.wantsPartial()) };
    }

    get partialCount() {
      return this.results.filter((r) => r.group === 2).length + this.partialCandidates.length - this.nextPartial;
    }

    // At least n results in their final order (fewer when there are no more).
    async more(n) {
      await this.ready;
      let reads = n + PARTIAL_SLACK; // partial candidates this call may still read
      if (this.named.length && !this.results.some((r) => r.group === 0)) {
        const named = await Promise.all(this.named.map((pid) => this.namedResult(pid)));
        this.results.push(...named);
      }
      for (;;) {
        if (this.final().length >= n) break;
        if (this.nextExact < this.exactCandidates.length) {
          const want = Math.max(4, n - this.final().length);
          const batch = this.exactCandidates.slice(this.nextExact, this.nextExact + want);
          this.nextExact += batch.length;
          const verified = await Promise.all(batch.map((c) => this.verify(c)));
          for (const r of verified) if (r) this.results.push(r);
        } else if (!this.partialOn && this.wantsPartial()) {
          this.partialOn = true;
          await this.preparePartial();
        } else if (this.partialOn && this.nextPartial < this.partialCandidates.length && reads > 0) {
          const want = Math.min(reads, Math.max(4, n - this.final().length));
          const batch = this.partialCandidates.slice(this.nextPartial, this.nextPartial + want);
          this.nextPartial += batch.length;
          reads -= batch.length;
          const verified = await Promise.all(batch.map((c) => this.verifyParts(c)));
          for (const r of verified) if (r) this.results.push(r);
        } else break;
        this.results.sort(byKey);
      }
      return this.final().slice(0, n);
    }

    async namedResult(pid) {
      const ch = await loadChunk(firstChunkOf(pid));
      // the rule's text: its first sentence-long body block (not a tag chip)
      const body = ch.b.find((b) => b[0] === 2 && b[2].length >= 24) || ch.b.find((b) => b[0] === 2);
      return {
        pid, rank: rankOf(pid), group: 0, tier: 0, url: ch.u, title: ch.t, named: true,
        anchor: "", section: "", text: body ? body[2] : "", at: 0,
      };
    }

    // Check a candidate page against its text. Per term, its chunks are read best-flagged first
    // and only until the term is found where no other chunk could rank it better: a long page
    // (a rule page listing a thousand cases) costs one or two chunks, not all of them.
    async verify(c) {
      const used = new Map();
      let tier = 0;
      for (let i = 0; i < this.exact.length; i++) {
        const forms = this.exact[i];
        const order = c.terms[i].slice().sort((a, b) => tierOf(a[1]) - tierOf(b[1]) || a[0] - b[0]);
        let best = Infinity; // block kinds 0 title, 1 heading, 2 body, 3 the rule's own terms
        for (const [n, flags] of order) {
          if (tierOf(flags) >= best) break;
          const ch = used.get(n) || (await loadChunk(n));
          used.set(n, ch);
          for (const [kind, , text] of ch.b) {
            const f = fold(text);
            if (forms.some((t) => f.includes(t))) best = Math.min(best, kindTier(kind));
          }
        }
        if (best === Infinity) return null;
        tier = Math.max(tier, best);
      }
      if (c.own) tier = 0;
      const chunks = [...used].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
      const first = chunks[0];
      const snip = snippet(chunks, this.exact.flat());
      return { pid: c.pid, rank: c.rank, group: 1, tier, url: first.u, title: first.t, ...snip };
    }

    // A page holding some of the parts: which its chunk really holds, where, how close together.
    async verifyParts(c) {
      const ch = await loadChunk(c.chunk);
      const best = new Map(); // part -> tier
      let together = 1;
      for (const [kind, , text] of ch.b) {
        const f = fold(text);
        let here = 0;
        for (const i of c.parts.keys()) {
          if (!this.parts[i].alts.some((a) => f.includes(a))) continue;
          here += 1;
          const t = kindTier(kind);
          if (!best.has(i) || t < best.get(i)) best.set(i, t);
        }
        together = Math.max(together, here);
      }
      if (best.size < this.needParts) return null;
      let score = 0;
      for (const [i, t] of best) score += this.parts[i].weight * TIER_WEIGHT[c.own && t === 3 ? 0 : t];
      const texts = [...best.keys()].map((i) => this.parts[i].alts);
      const found = [...best.keys()].sort((a, b) => a - b).map((i) => this.parts[i].text);
      return {
        pid: c.pid, rank: c.rank, group: 2, own: c.own, score, together, url: ch.u, title: ch.t, found, ...snippet([ch], texts, true),
      };
    }
  }

  // Order of results: the named rule, exact hits (tier, then rank), partial hits (a rule page
  // for its own terms, as among exact hits; then score: more parts, and where; then how many are
  // in one paragraph; then rank).
  function byKey(a, b) {
    const ga = a.group === undefined ? (a.score === undefined ? 1 : 2) : a.group;
    const gb = b.group === undefined ? (b.score === undefined ? 1 : 2) : b.group;
    if (ga !== gb) return ga - gb;
    if (ga === 2) return b.own - a.own || b.score - a.score || b.together - a.together || a.rank - b.rank;
    return a.tier - b.tier || a.rank - b.rank;
  }

  // The block to quote: a sentence of body text with a hit (for parts, ``texts`` a list of each
  // part's texts: the block holding the most parts), else a short body line (a table cell), a
  // heading, the title.
  function snippet(chunks, texts, most) {
    const groups = most ? texts : texts.map((t) => [t]);
    texts = groups.flat();
    let fallback = null;
    for (const [kinds, min] of [[[2], 24], [[2], 0], [[1], 0], [[0], 0]]) {
      let pick = null;
      for (const ch of chunks) {
        for (const [kind, si, text] of ch.b) {
          if (!kinds.includes(kind) || text.length < min) continue;
          const f = fold(text);
          const hits = texts.filter((t) => f.includes(t));
          if (!hits.length) continue;
          const at = Math.min(...hits.map((t) => f.indexOf(t)));
          const [anchor, heading] = ch.s[si];
          const count = groups.filter((g) => g.some((t) => f.includes(t))).length;
          if (!pick || count > pick.count) pick = { anchor, section: heading, text, at, count };
          if (!most) break;
        }
        if (pick && !most) break;
        if (!fallback) {
          const body = ch.b.find((b) => b[0] === 2);
          if (body) fallback = { anchor: "", section: "", text: body[2], at: 0 };
        }
      }
      if (pick) {
        delete pick.count;
        return pick;
      }
    }
    return fallback || { anchor: "", section: "", text: "", at: 0 };
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
    const section = r.named ? "你搜索的准则条款" : r.section;
    return h(
      "li",
      { class: "ql-hit" + (r.group === 2 ? " ql-hit--partial" : "") },
      h(
        "a",
        { href, class: "ql-hit__link" },
        h("span", { class: "ql-hit__title" }, ...highlighted(r.title, terms, 0)),
        section ? h("span", { class: "ql-hit__section" }, section) : null,
        r.text ? h("span", { class: "ql-hit__snippet" }, ...highlighted(r.text, terms, r.at)) : null,
      ),
    );
  }

  // The line above the partial matches: which parts of the query were looked for.
  function partialNote(query) {
    const found = query.parts.filter((p) => p.found && p.weight >= 1).map((p) => `“${p.text}”`);
    const missing = query.parts.filter((p) => !p.found && p.weight >= 1).map((p) => `“${p.text}”`);
    const exact = query.results.some((r) => r.group === 1);
    let text = exact ? "以下页面只包含其中部分词语" : `没有页面包含完整的“${query.q.trim()}”，以下页面包含其中部分词语`;
    if (found.length) text += `（${found.join("、")}）`;
    text += "，包含越多、离得越近越靠前。";
    if (missing.length) text += `没有页面提到${missing.join("、")}。`;
    return h("li", { class: "ql-hit-note" }, text);
  }

  // "共 N 个结果" and what is shown of them.
  function summary(query, shown) {
    const total = query.total();
    const about = total.sure ? "共" : "约";
    const partial = query.partialOn ? query.partialCount : 0;
    const whole = total.n - partial;
    let text;
    if (!partial) text = `${about} ${total.n} 个结果`;
    else if (!whole) text = `${about} ${partial} 个页面包含其中部分词语`;
    else text = `${whole} 个页面包含“${query.q.trim()}”，另有${total.sure ? "" : "约"} ${partial} 个页面包含其中部分词语`;
    if (shown < total.n) text += `，已显示前 ${shown} 个`;
    return text;
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
    const marks = query.marks;
    const items = [];
    for (const r of results) {
      if (r.group === 2 && !items.some((li) => li.classList.contains("ql-hit-note"))) items.push(partialNote(query));
      items.push(resultItem(r, marks));
    }
    list.replaceChildren(...items);
    if (!results.length) noResult(status, q.trim());
    else status.textContent = summary(query, results.length);
    const left = query.total().n - results.length;
    if (more) {
      more.hidden = left <= 0;
      more.textContent = `显示更多结果（还有${query.total().sure ? "" : "约"} ${left} 个）`;
    }
    return { query, results, left };
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
    const all = h("a", { class: "ql-search__all", href: "#", hidden: "" }, "查看全部结果");
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
        if (!done) return;
        all.hidden = !done.results.length;
        all.textContent = done.left > 0
          ? `还有${done.query.total().sure ? "" : "约"} ${done.left} 个结果，查看全部`
          : "在搜索页查看这些结果";
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
