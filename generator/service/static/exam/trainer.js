// The sitting page: progress counts and the page of people refresh every 10 s (the same
// filters as the page); a print button on the absentee list.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
  var view = document.getElementById("progress-view");
  if (!view) return;
  var people = document.getElementById("people");
  function busy() {
    // never replace the people table while the trainer is typing in it
    var a = document.activeElement;
    if (a && people.contains(a) && a.tagName !== "BUTTON") return true;
    return Array.prototype.some.call(people.querySelectorAll("input[type=text]"), function (i) { return i.value; });
  }
  function fill(element, html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    element.replaceChildren.apply(element, Array.prototype.slice.call(doc.body.childNodes));
  }
  function refresh() {
    if (document.hidden) return;  // a tab in the background asks the server for nothing
    fetch(view.getAttribute("data-url") + window.location.search, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) {
        fill(view, data.progress);
        if (!busy()) fill(people, data.people);
        document.getElementById("refreshed").textContent = "已更新 " + new Date().toLocaleTimeString("zh-CN", { hour12: false });
      })
      .catch(function () { document.getElementById("refreshed").textContent = "更新失败，稍后重试"; });
  }
  document.addEventListener("visibilitychange", refresh);  // up to date when looked at again
  setInterval(refresh, 10000);
})();
