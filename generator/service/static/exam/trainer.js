// Live progress on the sitting page: the counts table is refreshed every 10 s.
(function () {
  "use strict";
  var table = document.getElementById("progress");
  if (!table) return;
  function refresh() {
    fetch(table.getAttribute("data-url"), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) {
        var body = table.tBodies[0];
        body.textContent = "";
        data.departments.forEach(function (row) {
          var tr = document.createElement("tr"), th = document.createElement("th"), a = document.createElement("a");
          th.scope = "row"; a.href = "?dept=" + encodeURIComponent(row.department); a.textContent = row.department;
          th.appendChild(a); tr.appendChild(th);
          row.counts.concat([row.total]).forEach(function (c) { var td = document.createElement("td"); td.className = "num"; td.textContent = c; tr.appendChild(td); });
          body.appendChild(tr);
        });
        var cells = table.tFoot.rows[0].cells;
        data.total.counts.concat([data.total.total]).forEach(function (c, i) { cells[i + 1].textContent = c; });
        document.getElementById("refreshed").textContent = "已更新 " + new Date().toLocaleTimeString("zh-CN", { hour12: false });
      })
      .catch(function () { document.getElementById("refreshed").textContent = "更新失败，稍后重试"; });
  }
  setInterval(refresh, 10000);
})();
