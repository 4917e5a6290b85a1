// Candidate pages of the exam service: login → instructions → questions (autosave) → review →
// submit → result. The server keeps the time and the key; this page only shows and sends.
// Unsent answers are kept in localStorage and re-sent, so a reload or a dropped network loses
// nothing; the status line says 已保存 or 未保存.
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var LABELS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  var TYPE = { single: "单选题", multiple: "多选题", judge: "判断题", fill: "填空题" };
  var token = null, paper = null, offset = 0, timerId = null, status = null;
  var pending = {};       // no → answer not yet acknowledged
  var inflight = {};      // no → true while a PUT is out
  var retryDelay = 1000, retryId = null;

  function show(id) {
    ["login-screen", "intro-screen", "paper-screen", "review-screen", "done-screen"].forEach(function (s) {
      $(s).hidden = s !== id;
    });
    $("bar").hidden = !(id === "paper-screen" || id === "review-screen");
  }

  function api(method, path, body) {
    var headers = { "Accept": "application/json" };
    var getToken = token || method === "GET" ? Promise.resolve(token) : fetchToken();
    return getToken.then(function () {
      if (method !== "GET") { headers["Content-Type"] = "application/json"; headers["X-CSRF-Token"] = token; }
      return fetch(path, { method: method, headers: headers, credentials: "same-origin",
                           body: body === undefined ? undefined : JSON.stringify(body) });
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) { return { status: r.status, data: data }; });
    });
  }

  function fetchToken() {
    return fetch("/api/csrf", { credentials: "same-origin" }).then(function (r) { return r.json(); })
      .then(function (d) { token = d.token; return token; });
  }

  function storeKey() { return "qinglian-exam-" + (status ? status.exam + "-" + status.name : ""); }
  function persist() { try { localStorage.setItem(storeKey(), JSON.stringify(pending)); } catch (e) { /* private mode */ } }
  function restore() {
    try { return JSON.parse(localStorage.getItem(storeKey()) || "{}") || {}; } catch (e) { return {}; }
  }

  function setSave(kind, text) {
    var el = $("save");
    el.className = "save " + kind;
    el.textContent = text;
  }

  function say(text) { $("announce").textContent = ""; setTimeout(function () { $("announce").textContent = text; }, 50); }

  // --- login ---------------------------------------------------------------------------------
  $("login-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var staff = $("staff-id").value.trim(), code = $("code").value.trim();
    if (!staff || !code) { $("login-error").textContent = "请填写工号和考试码。"; return; }
    $("login-button").disabled = true;
    $("login-error").textContent = "";
    api("POST", "/api/login", { "工号": staff, "code": code }).then(function (res) {
      $("login-button").disabled = false;
      if (res.status === 200) { status = res.data; afterLogin(); return; }
      $("login-error").textContent = res.data.error || "登录失败，请重试。";
    }, function () {
      $("login-button").disabled = false;
      $("login-error").textContent = "无法连接考试服务器，请检查网络后重试。";
    });
  });

  function afterLogin() {
    if (status.final) { loadResult(); return; }
    if (status.state === "作答中") { loadPaper(); return; }
    $("intro-title").textContent = status.title;
    $("intro-who").textContent = status.name + "，您好。";
    var rules = $("intro-rules"); rules.textContent = "";
    var items = [];
    if (status.minutes) items.push("作答时间 " + status.minutes + " 分钟，从点“开始作答”起计时，到时自动交卷。");
    if (status.question_count) {
      items.push("共 " + status.question_count + " 题，满分 " + status.total + " 分，" + status.pass_score + " 分合格。");
    }
    items.push("考试截止时间：" + fmt(status.ends_at) + "。");
    items.push("每道题选择后立即自动保存，页面顶部显示“已保存”；网络中断时显示“未保存”并自动重试，刷新页面不会丢失答案。");
    items.push("全部答完后点“检查并交卷”，确认后交卷；交卷后不能再修改。");
    items.forEach(function (t) { var li = document.createElement("li"); li.textContent = t; rules.appendChild(li); });
    show("intro-screen");
    $("intro-title").focus && $("start-button").focus();
  }

  function fmt(iso) { var d = new Date(iso); return d.toLocaleString("zh-CN", { hour12: false }); }

  $("start-button").addEventListener("click", loadPaper);

  // A reload while answering goes straight back to the paper (the session cookie is still there).
  var active = false;
  try { active = localStorage.getItem("qinglian-exam-active") === "1"; } catch (e) { /* ignore */ }
  if (active) { loadPaper(); }

  // --- paper ---------------------------------------------------------------------------------
  function loadPaper() {
    api("GET", "/api/paper").then(function (res) {
      if (res.status === 401) { show("login-screen"); return; }
      if (res.status !== 200) { $("intro-error").textContent = res.data.error || "无法打开试卷"; show("intro-screen"); return; }
      paper = res.data; status = res.data;
      try { localStorage.setItem("qinglian-exam-active", "1"); } catch (e) { /* private mode */ }
      offset = Date.parse(paper.now) - Date.now();
      if (paper.final) { loadResult(); return; }
      render();
      var saved = restore();
      Object.keys(saved).forEach(function (no) { pending[no] = saved[no]; setInputs(no, saved[no]); });
      updateCount();
      show("paper-screen");
      startTimer();
      if (Object.keys(pending).length) { setSave("bad", "未保存，正在重试…"); flush(); } else { setSave("ok", "已保存"); }
      $("paper-title").focus && window.scrollTo(0, 0);
    }, function () { $("intro-error").textContent = "无法连接考试服务器，请检查网络后重试。"; });
  }

  function answered(no) {
    var v = pending[no] !== undefined ? pending[no] : paper.answers[String(no)];
    return !(v === undefined || v === null || v === "" || (Array.isArray(v) && !v.length));
  }

  function updateCount() {
    if (!paper) return;
    var done = paper.questions.filter(function (q) { return answered(q.no); }).length;
    var text = "已答 " + done + " / " + paper.questions.length;
    $("answered-count").textContent = text;
    $("nav-count").textContent = "（" + text + "）";
    paper.questions.forEach(function (q) {
      var a = $("nav-" + q.no);
      if (!a) return;
      var yes = answered(q.no);
      a.className = yes ? "done" : "";
      a.setAttribute("aria-label", "第 " + q.no + " 题，" + (yes ? "已作答" : "未作答"));
    });
  }

  function render() {
    $("paper-title").textContent = paper.title;
    var form = $("paper-form"); form.textContent = "";
    var nav = $("nav-list"); nav.textContent = "";
    var heads = {};
    (paper.sections || []).forEach(function (s) { heads[s.from] = s.title; });
    if (window.matchMedia && window.matchMedia("(max-width: 700px)").matches && paper.questions.length > 20) {
      $("navigator").open = false;  // a long paper on a phone: the navigator folds away
    }
    paper.questions.forEach(function (q) {
      if (heads[q.no]) {
        var h = document.createElement("h2"); h.className = "section"; h.textContent = heads[q.no];
        form.appendChild(h);
      }
      var li = document.createElement("li"), link = document.createElement("a");
      link.href = "#q-" + q.no; link.id = "nav-" + q.no; link.textContent = q.no;
      link.addEventListener("click", function (ev) {
        ev.preventDefault();
        var fs = $("q-" + q.no); fs.scrollIntoView({ block: "start" });
        var first = fs.querySelector("input"); if (first) first.focus({ preventScroll: true });
      });
      li.appendChild(link); nav.appendChild(li);
      var fs = document.createElement("fieldset");
      fs.id = "q-" + q.no;
      var legend = document.createElement("legend");
      legend.appendChild(document.createTextNode(q.no + ". " + q.stem + " "));
      var meta = document.createElement("span"); meta.className = "meta";
      meta.textContent = "（" + TYPE[q.type] + "，" + q.points + " 分）";
      legend.appendChild(meta); fs.appendChild(legend);
      var name = "a" + q.no;
      if (q.type === "single" || q.type === "multiple" || q.type === "judge") {
        var opts = q.type === "judge" ? ["对", "错"] : q.options;
        opts.forEach(function (text, i) {
          var value = q.type === "judge" ? text : LABELS[i];
          var label = document.createElement("label"); label.className = "choice";
          var input = document.createElement("input");
          input.type = q.type === "multiple" ? "checkbox" : "radio";
          input.name = name; input.value = value;
          input.addEventListener("change", function () { choose(q); });
          label.appendChild(input);
          var span = document.createElement("span");
          span.textContent = q.type === "judge" ? text : value + ". " + text;
          label.appendChild(span); fs.appendChild(label);
        });
      } else {
        var id = "fill-" + q.no;
        var l = document.createElement("label"); l.setAttribute("for", id); l.textContent = "填写答案";
        var t = document.createElement("input"); t.type = "text"; t.id = id; t.name = name; t.maxLength = 200;
        t.autocomplete = "off";
        var timer = null;
        t.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(function () { choose(q); }, 700); });
        t.addEventListener("change", function () { clearTimeout(timer); choose(q); });
        fs.appendChild(l); fs.appendChild(t);
      }
      var st = document.createElement("p"); st.className = "qstate"; st.id = "state-" + q.no;
      fs.appendChild(st);
      form.appendChild(fs);
      var saved = paper.answers[String(q.no)];
      if (saved !== undefined) { setInputs(q.no, saved); markQuestion(q.no, "已保存"); }
    });
    updateCount();
  }

  function valueOf(q) {
    var form = $("paper-form"), name = "a" + q.no;
    if (q.type === "fill") { return form.elements[name].value; }
    var checked = Array.prototype.filter.call(form.querySelectorAll("input[name=" + name + "]"), function (i) { return i.checked; })
      .map(function (i) { return i.value; });
    if (q.type === "multiple") return checked;
    if (q.type === "single") return checked.length ? [checked[0]] : [];
    return checked.length ? checked[0] : "";
  }

  function setInputs(no, value) {
    var form = $("paper-form"), name = "a" + no;
    var inputs = form.querySelectorAll("input[name=" + name + "]");
    if (!inputs.length) return;
    if (inputs[0].type === "text") { inputs[0].value = value || ""; return; }
    var values = Array.isArray(value) ? value : [value];
    Array.prototype.forEach.call(inputs, function (i) { i.checked = values.indexOf(i.value) >= 0; });
  }

  function markQuestion(no, text, bad) {
    var el = $("state-" + no);
    if (el) { el.textContent = text; el.className = "qstate" + (bad ? " bad" : ""); }
  }

  function choose(q) {
    pending[q.no] = valueOf(q);
    persist();
    updateCount();
    markQuestion(q.no, "保存中…");
    setSave("", "保存中…");
    send(String(q.no));
  }

  function send(no) {
    if (inflight[no]) return;
    inflight[no] = true;
    var value = pending[no];
    api("PUT", "/api/answers/" + no, { answer: value }).then(function (res) {
      inflight[no] = false;
      if (res.status === 200) {
        paper.answers[no] = value;
        if (JSON.stringify(pending[no]) === JSON.stringify(value)) { delete pending[no]; persist(); markQuestion(no, "已保存"); }
        else { send(no); return; }
        retryDelay = 1000;
        if (!Object.keys(pending).length) setSave("ok", "已保存");
        return;
      }
      if (res.status === 409) { delete pending[no]; persist(); timeUp(res.data.error); return; }
      if (res.status === 401) { show("login-screen"); $("login-error").textContent = "登录已失效，请重新登录（未保存的答案会在登录后重新发送）。"; return; }
      if (res.status === 403) { token = null; failed(no); return; }
      if (res.status === 400) { delete pending[no]; persist(); markQuestion(no, res.data.error || "答案无效", true); return; }
      failed(no);
    }, function () { inflight[no] = false; failed(no); });
  }

  function failed(no) {
    markQuestion(no, "未保存，正在重试…", true);
    setSave("bad", "未保存，正在重试…");
    say("答案未保存，正在重试");
    if (retryId) return;
    retryId = setTimeout(function () { retryId = null; flush(); }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 8000);
  }

  function flush() { Object.keys(pending).forEach(send); }
  window.addEventListener("online", flush);
  window.addEventListener("beforeunload", function (ev) {
    if (Object.keys(pending).length) { ev.preventDefault(); ev.returnValue = ""; }
  });

  // --- time ----------------------------------------------------------------------------------
  function startTimer() {
    clearInterval(timerId);
    var warned = {};
    function tick() {
      var left = Math.max(0, Math.round((Date.parse(status.ends_at) - (Date.now() + offset)) / 1000));
      var m = Math.floor(left / 60), s = left % 60;
      $("timer").textContent = "剩余 " + (m < 10 ? "0" : "") + m + ":" + (s < 10 ? "0" : "") + s;
      $("timer").className = "timer" + (left <= 300 ? " low" : "");
      [300, 60].forEach(function (w) { if (left <= w && left > 0 && !warned[w]) { warned[w] = true; say("剩余 " + (w / 60) + " 分钟"); } });
      if (left === 0) { clearInterval(timerId); timeUp("考试时间已到"); }
    }
    tick();
    timerId = setInterval(tick, 1000);
  }

  function timeUp(message) {
    clearInterval(timerId);
    loadResult(message);
  }

  // --- review and submit ---------------------------------------------------------------------
  $("review-button").addEventListener("click", function () {
    var missing = paper.questions.filter(function (q) {
      var v = pending[q.no] !== undefined ? pending[q.no] : paper.answers[String(q.no)];
      return v === undefined || v === "" || (Array.isArray(v) && !v.length);
    });
    var list = $("review-missing"); list.textContent = "";
    $("review-summary").textContent = missing.length
      ? "共 " + paper.questions.length + " 题，还有 " + missing.length + " 题未作答："
      : "共 " + paper.questions.length + " 题，已全部作答。";
    missing.forEach(function (q) {
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = "#q-" + q.no; a.textContent = "第 " + q.no + " 题（" + TYPE[q.type] + "）";
      a.addEventListener("click", function (ev) {
        ev.preventDefault(); show("paper-screen");
        var fs = $("q-" + q.no); fs.scrollIntoView(); var first = fs.querySelector("input"); if (first) first.focus();
      });
      li.appendChild(a); list.appendChild(li);
    });
    $("submit-error").textContent = Object.keys(pending).length ? "还有答案未保存，请等待“已保存”后再交卷。" : "";
    show("review-screen");
    $("review-title").focus();
  });
  $("back-button").addEventListener("click", function () { show("paper-screen"); });
  $("submit-button").addEventListener("click", function () {
    if (Object.keys(pending).length) { flush(); $("submit-error").textContent = "还有答案未保存，请等待“已保存”后再交卷。"; return; }
    $("submit-button").disabled = true;
    api("POST", "/api/submit").then(function (res) {
      $("submit-button").disabled = false;
      if (res.status === 200) { clearInterval(timerId); done(res.data); return; }
      $("submit-error").textContent = res.data.error || "交卷失败，请重试。";
    }, function () { $("submit-button").disabled = false; $("submit-error").textContent = "无法连接考试服务器，请重试。"; });
  });

  function loadResult(message) {
    api("GET", "/api/result").then(function (res) {
      if (res.status === 200) { done(res.data, message); return; }
      if (res.status === 401) { show("login-screen"); return; }
      if (res.status === 403) {  // never started, and now too late: 缺考, no score
        $("done-title").textContent = "考试已结束";
        $("done-text").textContent = res.data.error || "";
        $("done-review").textContent = "";
        show("done-screen"); $("done-title").focus();
        return;
      }
      setTimeout(function () { loadResult(message); }, 2000);
    }, function () { setTimeout(function () { loadResult(message); }, 2000); });
  }

  function done(data, message) {
    try { localStorage.removeItem(storeKey()); localStorage.removeItem("qinglian-exam-active"); } catch (e) { /* ignore */ }
    $("done-title").textContent = data.submitted ? "已交卷" : "考试已结束";
    var text = (message ? message + "。" : "") + "您的答案已保存。";
    if (data.score !== undefined) {
      text += "得分：" + data.score + " / " + data.total + "（" + (data.passed ? "合格" : "不合格") + "，合格分 " + data.pass_score + "）。";
    }
    if (!data.review && data.score !== undefined) text += "考试结束后可在此查看答案解析（如考试设置允许）。";
    $("done-text").textContent = text;
    var box = $("done-review"); box.textContent = "";
    (data.review || []).forEach(function (r) {
      var div = document.createElement("div"); div.className = "review-item";
      var h = document.createElement("p"); h.textContent = r.no + ". " + r.stem; div.appendChild(h);
      var chosen = r.answer === null || r.answer === undefined ? [] : [].concat(r.answer);
      var opts = r.options.length ? r.options.map(function (o, i) { return [LABELS[i], LABELS[i] + ". " + o]; })
        : (r.type === "judge" ? [["对", "对"], ["错", "错"]] : []);
      if (opts.length) {
        var ol = document.createElement("ul"); ol.className = "options";
        opts.forEach(function (pair) {
          var li = document.createElement("li"), mine = chosen.indexOf(pair[0]) >= 0, right = r.correct.indexOf(pair[0]) >= 0;
          li.className = (mine ? "chosen " : "") + (right ? "correct" : (mine ? "wrong-choice" : ""));
          li.appendChild(document.createTextNode(pair[1]));
          if (mine || right) {
            var tag = document.createElement("span"); tag.className = "tag";
            tag.textContent = (mine ? "您的选择" : "") + (mine && right ? " · " : "") + (right ? "✓ 正确答案" : "");
            li.appendChild(tag);
          }
          ol.appendChild(li);
        });
        div.appendChild(ol);
      }
      var yours = document.createElement("p");
      yours.className = r.score >= r.points ? "right" : "wrong";
      yours.textContent = "您的答案：" + (r.answer === null || r.answer === undefined ? "未作答" : [].concat(r.answer).join("")) +
        "；正确答案：" + r.correct.join(r.type === "fill" ? " / " : "") + "；得分 " + r.score + " / " + r.points;
      div.appendChild(yours);
      var ex = document.createElement("p"); ex.textContent = "解析：" + r.explanation; div.appendChild(ex);
      box.appendChild(div);
    });
    show("done-screen");
    $("done-title").focus();
  }
})();
