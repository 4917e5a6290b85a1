// The sitting page: progress counts and the page of people refresh every 10 s (the same
// filters as the page); a print button on the absentee list.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
  var table = document.getElementById("progress");
  if (!table) return;
  var people = document.getElementById("people");
  function cell(tag, text, cls) {
    var c = document.createElement(tag); c.textContent = text; if (cls) c.className = cls; return c;
  }
  function numbers(tr, row) {
    [row.total].concat(row.counts, [row.present, row.rate]).forEach(function (v) { tr.appendChild(cell("td", v, "num")); });
  }
  function busy() {
    // never replace the people table while the trainer is typing in it
    var a = document.activeElement;
    if (a && people.contains(a) && a.tagName !== "BUTTON") return true;
    return Array.prototype.some.call(people.querySelectorAll("input[type=text]"), function (i) { return i.value; });
  }
  function refresh() {
    fetch(table.getAttribute("data-url") + window.location.search, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) {
        var head = table.tHead.rows[0];
        head.textContent = "";
        head.appendChild(cell("th", "科室")); head.appendChild(cell("th", "应考", "num"));
        data.states.forEach(function (s) { head.appendChild(cell("th", s, "num")); });
        head.appendChild(cell("th", "实考", "num")); head.appendChild(cell("th", "参考率", "num"));
        Array.prototype.forEach.call(head.cells, function (c) { c.scope = "col"; });
        var body = table.tBodies[0];
        body.textContent = "";
        data.departments.forEach(function (row) {
          var tr = document.createElement("tr"), th = cell("th", ""), a = document.createElement("a");
          th.scope = "row"; a.href = "?dept=" + encodeURIComponent(row.department); a.textContent = row.department;
          th.appendChild(a); tr.appendChild(th); numbers(tr, row); body.appendChild(tr);
        });
        var summary = document.getElementById("summary");
        if (summary) {
          summary.textContent = "";
          [[data.total.total, "应考"], [data.total.present, "实考（" + data.total.rate + "）"]]
            .concat(data.states.map(function (s, i) { return [data.total.counts[i], s]; }))
            .forEach(function (pair) {
              var li = document.createElement("li");
              li.appendChild(cell("span", pair[0], "n")); li.appendChild(document.createTextNode(pair[1]));
              summary.appendChild(li);
            });
        }
        var foot = table.tFoot.rows[0];
        foot.textContent = "";
        var th = cell("th", "全部"); th.scope = "row"; foot.appendChild(th); numbers(foot, data.total);
        if (!busy()) {
          var doc = new DOMParser().parseFromString(data.people, "text/html");
          people.replaceChildren.apply(people, Array.prototype.slice.call(doc.body.childNodes));
        }
        document.getElementById("refreshed").textContent = "已更新 " + new Date().toLocaleTimeString("zh-CN", { hour12: false });
      })
      .catch(function () { document.getElementById("refreshed").textContent = "更新失败，稍后重试"; });
  }
  setInterval(refresh, 10000);
})();
