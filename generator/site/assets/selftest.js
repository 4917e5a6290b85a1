/* Qinglian self-test (自测): practice by rule, a random test, the 错题本 and per-rule progress.
 *
 * Static and offline: the questions come from quiz/questions.json on this site; results stay in
 * this browser's localStorage. Question text is always inserted as text, never parsed as HTML.
 * The practice page (quiz/practice/) takes its set from the URL: ?rules=3,5 and/or ?ids=a,b.
 * Runs on every page but does nothing where there is no .ql-quiz or .ql-rule-progress element.
 */
(() => {
  "use strict";

  const KEY = "qinglian.selftest.v1";
  const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  const CHANGED = "ql:selftest-changed";
  let seq = 0;

  // --- small helpers ----------------------------------------------------------------------------

  /** h("p", {class: "x", onclick: f}, "text", child…): an element; strings become text nodes. */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") el.className = v;
      else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children.flat(Infinity)) {
      if (c !== null && c !== undefined && c !== false) el.append(c);
    }
    return el;
  }

  function shuffle(list) {
    const a = list.slice();
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  }

  /** As the grader's fold (quiz/spelling.py): full-width forms to half-width (NFKC), emoji
   *  variation selectors dropped, trimmed. */
  function fold(text) {
    return String(text).normalize("NFKC").replace(/[\ufe0e\ufe0f]/g, "").trim();
  }

  /** As the grader's fold_fill: folded, inner runs of white space made one, Latin case ignored
   *  (Python's casefold; the two differ only for rare letters such as ß). */
  function foldFill(text) {
    return fold(text).replace(/\s+/g, " ").toLowerCase();
  }

  // --- storage: {answers: {id: {ok, n, rules, t}}, wrong: {id: {n, rules, t}}} ----------------------

  const store = {
    available: true,
    read() {
      try {
        const raw = window.localStorage.getItem(KEY);
        const data = raw ? JSON.parse(raw) : {};
        return { answers: data.answers || {}, wrong: data.wrong || {} };
      } catch (e) {
        this.available = false;
        return { answers: {}, wrong: {} };
      }
    },
    write(data) {
      try {
        window.localStorage.setItem(KEY, JSON.stringify(data));
      } catch (e) {
        this.available = false;
      }
      document.dispatchEvent(new CustomEvent(CHANGED));
    },
    /** Record one answer. A wrong answer enters the 错题本; a right one in review leaves it. */
    record(q, ok, review) {
      const data = this.read();
      const now = Date.now();
      const before = data.answers[q.id] || { n: 0 };
      data.answers[q.id] = { ok, n: before.n + 1, rules: q.rules, t: now };
      if (!ok) {
        const w = data.wrong[q.id] || { n: 0 };
        data.wrong[q.id] = { n: w.n + 1, rules: q.rules, t: now };
      } else if (review) {
        delete data.wrong[q.id];
      }
      this.write(data);
    },
    /** Forget questions the site no longer has (removed from the bank, or made exam-only). */
    prune(byId) {
      const data = this.read();
      let changed = false;
      for (const part of [data.answers, data.wrong]) {
        for (const id of Object.keys(part)) {
          if (!byId.has(id)) {
            delete part[id];
            changed = true;
          }
        }
      }
      if (changed) this.write(data);
    },
  };

  function ruleProgress(data, rule, total) {
    let answered = 0;
    let correct = 0;
    let wrong = 0;
    for (const a of Object.values(data.answers)) {
      if (Array.isArray(a.rules) && a.rules[0] === rule) { // the rule whose set it is in
        answered += 1;
        if (a.ok) correct += 1;
      }
    }
    for (const w of Object.values(data.wrong)) {
      if (Array.isArray(w.rules) && w.rules[0] === rule) wrong += 1;
    }
    if (total) answered = Math.min(answered, total);
    return { answered, correct: Math.min(correct, answered), wrong };
  }

  /** A bar (right / wrong out of total) and a line of text. */
  function progressView(p, total) {
    const pct = (n) => (total ? `${Math.round((n / total) * 1000) / 10}%` : "0%");
    const bar = h(
      "span",
      {
        class: "ql-progress__bar",
        role: "progressbar",
        "aria-label": "已练习题数",
        "aria-valuemin": 0,
        "aria-valuemax": total,
        "aria-valuenow": p.answered,
      },
      h("span", { class: "ql-progress__ok", style: `width:${pct(p.correct)}` }),
      h("span", { class: "ql-progress__bad", style: `width:${pct(p.answered - p.correct)}` }),
    );
    const text = p.answered
      ? `已练 ${p.answered}/${total} 题 · 答对 ${p.correct} 题` + (p.wrong ? ` · 错题本 ${p.wrong} 题` : "")
      : `尚未练习，共 ${total} 题`;
    return [bar, h("span", { class: "ql-progress__text" }, text)];
  }

  function renderProgress(el) {
    const rule = Number(el.dataset.rule);
    const total = Number(el.dataset.total) || 0;
    el.replaceChildren(...progressView(ruleProgress(store.read(), rule, total), total));
  }

  // --- question data ----------------------------------------------------------------------------

  const banks = new Map();

  // Opened from disk (file://, the portable edition) fetch is not allowed: load the same data
  // from questions.js, which sets window.__qlQuestionBank, by a <script> tag.
  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = src.replace(/\.json$/, ".js");
      s.onload = () => (window.__qlQuestionBank ? resolve(window.__qlQuestionBank) : reject(new Error(src)));
      s.onerror = () => reject(new Error(src));
      document.head.appendChild(s);
    });
  }

  function loadBank(src) {
    if (!banks.has(src)) {
      const request = (window.location.protocol === "file:"
        ? loadScript(src)
        : fetch(src, { credentials: "same-origin" }).then((r) => {
            if (!r.ok) throw new Error(`HTTP ${r.status}`);
            return r.json();
          })
      )
        .then((data) => {
          data.byId = new Map(data.questions.map((q) => [q.id, q]));
          return data;
        });
      banks.set(src, request);
    }
    return banks.get(src);
  }

  /** One showing of a question: single/multiple options in a fresh random order, with the
   *  answer mapped to the labels shown. The question data (and so the 错题本 and progress,
   *  which are keyed by question id) never changes. */
  function showing(q) {
    if (!q.options) return q;
    const order = q.options.map((_, k) => k);
    // options that refer to the others keep their place, as on printed papers
    // (model/answers.py: the bank marks them in ``pinned``)
    const pinned = q.pinned || [];
    const movable = order.filter((k) => !pinned[k]);
    const places = shuffle(movable);
    let m = 0;
    const shown = order.map((k) => (movable.includes(k) ? places[m++] : k));
    const right = new Set(q.answer.map((a) => LETTERS.indexOf(a)));
    return Object.assign({}, q, {
      options: shown.map((k) => q.options[k]),
      answer: shown.flatMap((k, pos) => (right.has(k) ? [LETTERS[pos]] : [])),
    });
  }

  function isCorrect(q, given) {
    if (q.type === "judge") return given === q.answer;
    if (q.type === "fill") {
      const g = foldFill(given);
      return g !== "" && q.answer.some((a) => foldFill(a) === g);
    }
    return [].concat(given).sort().join() === q.answer.slice().sort().join();
  }

  function answerText(q) {
    if (q.type === "judge") return q.answer ? "对" : "错";
    if (q.type === "fill") return q.answer.join(" 或 ");
    return q.answer.join("、");
  }

  function givenText(q, given) {
    if (q.type === "judge") return given ? "对" : "错";
    if (q.type === "fill") return fold(given);
    return [].concat(given).join("、");
  }

  // --- one run of questions ---------------------------------------------------------------------

  class Quiz {
    /**
     * host: where to render; bank: the question data; ctx: {ruleUrl(n), home};
     * opts: {questions, review, onExit, exitLabel, again}.
     */
    constructor(host, bank, ctx, opts) {
      Object.assign(this, { host, bank, ctx, opts });
      this.questions = opts.questions;
      this.i = 0;
      this.right = 0;
      this.missed = [];
      this.cleared = 0;
    }

    start(focus) {
      this.show(focus);
    }

    ruleLinks(q) {
      return q.rules.map((n, k) => {
        const rule = this.bank.rules[String(n)] || { label: `第${n}条`, title: "" };
        return [
          k ? "；" : "",
          h("a", { href: this.ctx.ruleUrl(n) }, `${rule.label} ${rule.title}`.trim()),
        ];
      });
    }

    show(focus) {
      const original = this.questions[this.i];
      const q = showing(original);
      const total = this.questions.length;
      const uid = `ql-q${++seq}`;
      const typeName = this.bank.types[q.type] || "";
      const head = h(
        "div",
        { class: "ql-q__head" },
        h("span", { class: "ql-q__count" }, `第 ${this.i + 1} 题 / 共 ${total} 题`),
        h("span", { class: `ql-q__type ql-q__type--${q.type}` }, typeName),
        h(
          "span",
          { class: "ql-q__rules" },
          q.rules.map((n) => (this.bank.rules[String(n)] || {}).label || "").join(" "),
        ),
        this.opts.onExit
          ? h(
              "button",
              { type: "button", class: "ql-link-button", onclick: () => this.opts.onExit() },
              this.opts.exitLabel || "退出",
            )
          : null,
      );
      const bar = h(
        "div",
        { class: "ql-q__bar", "aria-hidden": "true" },
        h("span", { style: `width:${(this.i / total) * 100}%` }),
      );
      const stem = h("legend", { class: "ql-q__stem", id: `${uid}-stem`, tabindex: "-1" }, q.stem);
      const body = h("fieldset", { class: "ql-q__body" }, stem);
      let read;
      let inputs;
      if (q.type === "fill") {
        const input = h("input", {
          type: "text",
          class: "ql-fill__input",
          id: `${uid}-in`,
          autocomplete: "off",
          enterkeyhint: "done",
        });
        body.append(
          h(
            "div",
            { class: "ql-fill" },
            h("label", { for: input.id, class: "ql-fill__label" }, "你的答案"),
            input,
          ),
        );
        inputs = [input];
        read = () => (fold(input.value) ? input.value : null);
      } else {
        const choices =
          q.type === "judge"
            ? [
                [true, "对"],
                [false, "错"],
              ]
            : q.options.map((text, k) => [LETTERS[k], text]);
        const kind = q.type === "multiple" ? "checkbox" : "radio";
        const list = h("div", { class: `ql-opts ql-opts--${q.type}` });
        inputs = [];
        choices.forEach(([key, text], k) => {
          const input = h("input", { type: kind, name: uid, id: `${uid}-${k}`, value: String(key) });
          input.qlKey = key;
          inputs.push(input);
          list.append(
            h(
              "label",
              { class: "ql-opt", for: input.id },
              input,
              q.type === "judge" ? null : h("span", { class: "ql-opt__key" }, `${key}.`),
              h("span", { class: "ql-opt__text" }, text),
              h("span", { class: "ql-opt__mark" }),
            ),
          );
        });
        body.append(list);
        if (q.type === "multiple") {
          stem.append(h("span", { class: "ql-q__note" }, "（多选：选出全部正确选项）"));
        }
        read = () => {
          const picked = inputs.filter((i) => i.checked).map((i) => i.qlKey);
          if (!picked.length) return null;
          return q.type === "multiple" ? picked : picked[0];
        };
      }
      const hint = h("p", { class: "ql-q__hint", role: "alert" });
      const submit = h("button", { type: "submit", class: "md-button md-button--primary" }, "提交答案");
      const actions = h("div", { class: "ql-q__actions" }, submit, hint);
      const feedback = h("div", { class: "ql-q__feedback", "aria-live": "polite" });
      const form = h("form", { class: "ql-q", novalidate: true }, head, bar, body, actions, feedback);
      let done = false;
      form.addEventListener("submit", (ev) => {
        ev.preventDefault();
        if (done) return;
        const given = read();
        if (given === null) {
          hint.textContent = q.type === "fill" ? "请先填写答案再提交。" : "请先选择答案再提交。";
          inputs[0].focus();
          return;
        }
        done = true;
        const ok = isCorrect(q, given);
        store.record(original, ok, this.opts.review);
        if (ok) {
          this.right += 1;
          if (this.opts.review) this.cleared += 1;
        } else {
          this.missed.push(original);
        }
        for (const input of inputs) input.disabled = true;
        if (q.type !== "fill") this.markChoices(q, inputs, given);
        else inputs[0].classList.add(ok ? "is-right" : "is-wrong");
        actions.remove();
        this.feedback(feedback, q, ok, given);
      });
      this.host.replaceChildren(form);
      if (focus) {
        this.host.scrollIntoView({ block: "start", behavior: "instant" });
        stem.focus({ preventScroll: true });
      }
    }

    markChoices(q, inputs, given) {
      const right = q.type === "judge" ? [q.answer] : q.answer;
      const picked = Array.isArray(given) ? given : [given];
      for (const input of inputs) {
        const label = input.closest(".ql-opt");
        const mark = label.querySelector(".ql-opt__mark");
        if (right.includes(input.qlKey)) {
          label.classList.add("is-right");
          if (q.type !== "multiple") mark.textContent = "✓ 正确答案";
          else mark.textContent = picked.includes(input.qlKey) ? "✓ 正确答案 · 已选" : "✓ 正确答案 · 漏选";
        } else if (picked.includes(input.qlKey)) {
          label.classList.add("is-wrong");
          mark.textContent = "✗ 你的选择";
        }
      }
    }

    feedback(box, q, ok, given) {
      const last = this.i === this.questions.length - 1;
      const next = h(
        "button",
        {
          type: "button",
          class: "md-button md-button--primary",
          onclick: () => {
            if (last) this.finish();
            else {
              this.i += 1;
              this.show(true);
            }
          },
        },
        last ? "查看成绩" : "下一题",
      );
      let note = null;
      if (!ok && store.available) note = this.opts.review ? "仍留在错题本中。" : "已记入错题本。";
      if (ok && this.opts.review) note = "已从错题本移出。";
      box.className = `ql-q__feedback ql-fb ql-fb--${ok ? "right" : "wrong"}`;
      box.replaceChildren(
        h("p", { class: "ql-fb__verdict" }, ok ? "✓ 回答正确" : "✗ 回答错误", note ? h("small", {}, note) : null),
        h(
          "p",
          { class: "ql-fb__answer" },
          h("strong", {}, q.type === "fill" ? "参考答案：" : "正确答案："),
          answerText(q),
          ok ? null : ["　", h("strong", {}, "你的答案："), givenText(q, given)],
        ),
        h("p", { class: "ql-fb__explanation" }, h("strong", {}, "解析："), q.explanation),
        // A rule an import only suggested is not published (rules: []): no empty label.
        ...(q.rules.length
          ? [h("p", { class: "ql-fb__rules" }, h("strong", {}, "对应准则："), this.ruleLinks(q))]
          : []),
        h("div", { class: "ql-q__actions" }, next),
      );
      next.focus({ preventScroll: true });
      box.scrollIntoView({ block: "nearest", behavior: "instant" });
    }

    finish() {
      const total = this.questions.length;
      const score = Math.round((this.right / total) * 100);
      const children = [
        h("p", { class: "ql-result__title", tabindex: "-1" }, this.opts.review ? "错题重练完成" : "本次成绩"),
        h("p", { class: "ql-result__score" }, h("strong", {}, String(score)), " 分"),
        h("p", {}, `答对 ${this.right} 题，共 ${total} 题。`),
      ];
      if (this.opts.review) {
        const left = Object.keys(store.read().wrong).filter((id) => this.bank.byId.has(id)).length;
        children.push(h("p", {}, `已从错题本移出 ${this.cleared} 题，错题本还剩 ${left} 题。`));
      }
      if (this.missed.length) {
        children.push(
          h("p", { class: "ql-result__missed-title" }, this.opts.review ? "这次仍答错的题：" : "答错的题（已记入错题本）："),
          h(
            "ol",
            { class: "ql-result__missed" },
            this.missed.map((q) => h("li", {}, q.stem, h("span", { class: "ql-result__rules" }, " — ", this.ruleLinks(q)))),
          ),
        );
      }
      const buttons = h("div", { class: "ql-q__actions" });
      if (this.opts.again) {
        buttons.append(
          h("button", { type: "button", class: "md-button md-button--primary", onclick: () => this.opts.again() }, "再练一次"),
        );
      }
      if (this.missed.length) {
        const missed = this.missed.slice();
        buttons.append(
          h(
            "button",
            {
              type: "button",
              class: "md-button",
              onclick: () => new Quiz(this.host, this.bank, this.ctx, { ...this.opts, questions: shuffle(missed), review: true }).start(true),
            },
            "重练答错的题",
          ),
        );
      }
      if (this.opts.onExit) {
        buttons.append(h("button", { type: "button", class: "md-button", onclick: () => this.opts.onExit() }, this.opts.exitLabel || "返回"));
      } else {
        buttons.append(h("a", { class: "md-button", href: `${this.ctx.home}#wrong` }, "打开错题本"));
      }
      children.push(buttons);
      const box = h("div", { class: "ql-result" }, children);
      this.host.replaceChildren(box);
      this.host.scrollIntoView({ block: "start", behavior: "instant" });
      box.firstChild.focus({ preventScroll: true });
    }
  }

  // --- the three kinds of container ---------------------------------------------------------------

  function context(host) {
    let urls = {};
    try {
      urls = JSON.parse(host.dataset.rules || "{}");
    } catch (e) {
      urls = {};
    }
    return { ruleUrl: (n) => urls[String(n)] || "#", home: host.dataset.home || "./" };
  }

  function mountRule(host, bank, ctx) {
    const rule = Number(host.dataset.rule);
    // the rule's practice set, as the generator counted it for the cards and this page
    const ids = new Set((bank.sets || {})[String(rule)] || []);
    const pool = bank.questions.filter((q) => ids.has(q.id));
    if (!pool.length) {
      host.replaceChildren(h("p", {}, "本条暂无练习题。"));
      return;
    }
    const run = (focus) => new Quiz(host, bank, ctx, { questions: shuffle(pool), again: () => run(true) }).start(focus);
    run(false);
  }

  /** The set a URL asks for: ?rules=3,5 (questions on any of those rules) and/or ?ids=a,b.
   *  Only questions of this site's bank can match, and the bank holds public questions only. */
  function practiceSet(bank, search) {
    const params = new URLSearchParams(search);
    const list = (name) =>
      (params.get(name) || "")
        .split(/[,，\s]+/)
        .map((v) => v.trim())
        .filter(Boolean);
    const rules = list("rules").map(Number).filter((n) => Number.isInteger(n) && bank.rules[String(n)]);
    const ids = list("ids");
    const wanted = new Set(ids);
    const pool = bank.questions.filter((q) => wanted.has(q.id) || q.rules.some((n) => rules.includes(n)));
    const missing = ids.filter((id) => !bank.byId.has(id)).length;
    return { rules, ids, pool, missing };
  }

  function mountPractice(host, bank, ctx) {
    const set = practiceSet(bank, window.location.search);
    if (!set.pool.length) {
      host.replaceChildren(
        h(
          "p",
          { class: "ql-empty" },
          set.rules.length || set.ids.length
            ? "网址所指定的条款或题目暂无公开练习题。可以到自测中心按准则练习。"
            : "网址中没有指定练习内容（例如 ?rules=3,5）。可以到自测中心按准则练习。",
        ),
        h("p", {}, h("a", { class: "md-button", href: ctx.home }, "打开自测中心")),
      );
      return;
    }
    const labels = set.rules.map((n) => h("a", { href: ctx.ruleUrl(n) }, bank.rules[String(n)].label));
    const parts = [];
    if (labels.length) parts.push("准则", labels.map((a, k) => [k ? "、" : "", a]));
    if (set.ids.length) parts.push(parts.length ? "，以及指定的题目" : "指定的题目");
    const intro = h(
      "p",
      { class: "ql-practice__intro" },
      "本组练习：",
      parts,
      `，共 ${set.pool.length} 题。`,
      set.missing ? `（另有 ${set.missing} 个题目编号不在站内练习题库中，已略过。）` : "",
    );
    const box = h("div", {});
    host.replaceChildren(intro, box);
    const run = (focus) =>
      new Quiz(box, bank, ctx, { questions: shuffle(set.pool), again: () => run(true) }).start(focus);
    run(false);
  }

  function mountRandom(host, bank, ctx) {
    const count = Math.min(Number(host.dataset.count) || 10, bank.questions.length);
    const intro = (focus) => {
      const button = h("button", { type: "button", class: "md-button md-button--primary", onclick: () => run() }, `开始随机测试（${count} 题）`);
      host.replaceChildren(
        h(
          "div",
          { class: "ql-start" },
          h("p", {}, `从全部 ${bank.questions.length} 道练习题中随机抽取 ${count} 道，单选、多选、判断、填空混合，做完给出得分。`),
          button,
        ),
      );
      if (focus) button.focus();
    };
    const run = () =>
      new Quiz(host, bank, ctx, {
        questions: shuffle(bank.questions).slice(0, count),
        again: run,
        onExit: () => intro(true),
        exitLabel: "结束测试",
      }).start(true);
    intro(false);
  }

  function mountWrong(host, bank, ctx) {
    let busy = false;
    const list = (focus) => {
      busy = false;
      const wrong = store.read().wrong;
      const items = Object.entries(wrong)
        .filter(([id]) => bank.byId.has(id))
        .sort((a, b) => (b[1].t || 0) - (a[1].t || 0))
        .map(([id, w]) => [bank.byId.get(id), w]);
      const children = [];
      if (!store.available) {
        children.push(h("p", { class: "ql-warning" }, "此浏览器不允许本地存储（例如处于无痕模式），错题本和练习进度无法保存。"));
      }
      if (!items.length) {
        children.push(h("p", { class: "ql-empty" }, "错题本是空的。练习中答错的题会自动记在这里，重练答对后移出。"));
      } else {
        const start = h(
          "button",
          {
            type: "button",
            class: "md-button md-button--primary",
            onclick: () => {
              busy = true;
              new Quiz(host, bank, ctx, {
                questions: shuffle(items.map(([q]) => q)),
                review: true,
                onExit: () => list(true),
                exitLabel: "返回错题本",
              }).start(true);
            },
          },
          `重练全部错题（${items.length} 题）`,
        );
        children.push(
          h("p", {}, `共 ${items.length} 道错题。重练时答对的题会移出错题本，答错的继续保留。`),
          h("div", { class: "ql-q__actions" }, start),
          h(
            "ol",
            { class: "ql-wrong-list" },
            items.map(([q, w]) =>
              h(
                "li",
                { class: "ql-wrong-item" },
                h("span", { class: `ql-q__type ql-q__type--${q.type}` }, bank.types[q.type] || ""),
                " ",
                h("span", { class: "ql-wrong-item__stem" }, q.stem),
                h(
                  "span",
                  { class: "ql-wrong-item__meta" },
                  q.rules.map((n, k) => [k ? "、" : "", h("a", { href: ctx.ruleUrl(n) }, (bank.rules[String(n)] || {}).label || `第${n}条`)]),
                  ` · 答错 ${w.n || 1} 次`,
                ),
              ),
            ),
          ),
        );
      }
      host.replaceChildren(...children);
      if (focus) {
        host.scrollIntoView({ block: "start", behavior: "instant" });
        const first = host.querySelector("button, p");
        if (first) {
          if (!first.matches("button")) first.setAttribute("tabindex", "-1");
          first.focus({ preventScroll: true });
        }
      }
    };
    list(false);
    document.addEventListener(CHANGED, () => {
      if (!busy) list(false);
    });
    window.addEventListener("storage", (ev) => {
      if (ev.key === KEY && !busy) list(false);
    });
  }

  function renderSummary(el, bank) {
    const data = store.read();
    const ids = Object.keys(data.answers).filter((id) => bank.byId.has(id));
    const right = ids.filter((id) => data.answers[id].ok).length;
    const wrong = Object.keys(data.wrong).filter((id) => bank.byId.has(id)).length;
    if (!ids.length) {
      el.replaceChildren(h("p", {}, `你还没有练习过。共 ${bank.questions.length} 道练习题，从下面任选一条准则开始吧。`));
      return;
    }
    el.replaceChildren(
      h(
        "p",
        {},
        `你已练习 ${ids.length}/${bank.questions.length} 题，最近一次答对 ${right} 题；`,
        wrong ? h("a", { href: "#wrong" }, `错题本 ${wrong} 题`) : "错题本为空",
        "。",
      ),
    );
  }

  // --- start ------------------------------------------------------------------------------------

  function refreshProgress() {
    for (const el of document.querySelectorAll(".ql-rule-progress")) renderProgress(el);
  }

  function init() {
    refreshProgress();
    const hosts = [...document.querySelectorAll(".ql-quiz:not([data-ql-ready])")];
    const summary = document.querySelector("[data-ql-summary]");
    if (!hosts.length) return;
    for (const host of hosts) {
      host.setAttribute("data-ql-ready", "");
      host.replaceChildren(h("p", { class: "ql-loading" }, "正在载入题目……"));
    }
    loadBank(hosts[0].dataset.src)
      .then((bank) => {
        store.prune(bank.byId);
        for (const host of hosts) {
          const ctx = context(host);
          const mode = host.dataset.mode;
          if (mode === "rule") mountRule(host, bank, ctx);
          else if (mode === "random") mountRandom(host, bank, ctx);
          else if (mode === "wrong") mountWrong(host, bank, ctx);
          else if (mode === "practice") mountPractice(host, bank, ctx);
        }
        if (summary) {
          renderSummary(summary, bank);
          document.addEventListener(CHANGED, () => renderSummary(summary, bank));
        }
      })
      .catch(() => {
        for (const host of hosts) {
          host.replaceChildren(
            h("p", { class: "ql-warning" }, "题目数据载入失败。请通过网站地址访问本页（不要直接双击打开文件），或联系管理员。"),
          );
        }
      });
  }

  document.addEventListener(CHANGED, refreshProgress);
  window.addEventListener("storage", (ev) => {
    if (ev.key === KEY) refreshProgress();
  });
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init); // Material's instant navigation, if someone turns it on
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
