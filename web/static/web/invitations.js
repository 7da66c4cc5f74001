// Invitation page: filter participants by code, select every active (visible) participant.
(function () {
  "use strict";
  var search = document.getElementById("participant-search");
  var all = document.getElementById("select-all-active");
  var count = document.getElementById("selected-count");
  if (!search || !all) return;
  var rows = Array.prototype.slice.call(document.querySelectorAll(".participant-choice"));
  function boxes(visibleOnly) {
    return rows.filter(function (r) { return !visibleOnly || !r.hidden; })
      .map(function (r) { return r.querySelector("input[type=checkbox]"); });
  }
  function update() {
    var n = boxes(false).filter(function (b) { return b.checked; }).length;
    count.textContent = n ? " (" + n + " " + (document.documentElement.lang === "en" ? "selected" : "markerade") + ")" : "";
  }
  search.addEventListener("input", function () {
    var q = search.value.trim().toLowerCase();
    rows.forEach(function (r) { r.hidden = q !== "" && r.dataset.code.indexOf(q) === -1; });
  });
  all.addEventListener("change", function () {
    boxes(true).forEach(function (b) { b.checked = all.checked; });
    update();
  });
  rows.forEach(function (r) { r.addEventListener("change", update); });
  update();
})();
