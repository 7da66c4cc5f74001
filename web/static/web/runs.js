// The pooling runs page: while a run is in progress, ask the server for its progress every
// two seconds and update the page in place; reload it once the run has ended (draft, failed).
(function () {
  "use strict";
  var section = document.querySelector("[data-progress-url]");
  if (!section) return;
  var url = section.getAttribute("data-progress-url");

  function setText(id, text) {
    var node = document.getElementById(id);
    if (node) node.textContent = text;
  }

  function render(run) {
    var status = document.getElementById("run-status");
    status.textContent = run.status_label;
    status.setAttribute("data-status", run.status);
    section.setAttribute("data-status", run.status);
    setText("run-stage", run.stage);
    var bar = document.getElementById("run-progress");
    bar.max = Math.max(run.parts_total, 1);
    bar.value = run.parts_done;
    var count = document.getElementById("run-count");
    count.textContent = count.textContent.replace(/\d+(\D+)\d+/, run.parts_done + "$1" + run.parts_total);
    run.parts.forEach(function (part) {
      var row = section.querySelector('tr[data-association="' + part.association + '"]');
      if (!row) return;
      var cell = row.querySelector(".part-status");
      cell.textContent = part.status_label;
      cell.setAttribute("data-status", part.status);
      row.querySelector(".part-answers").textContent =
        part.status === "done" ? part.answers.toLocaleString(document.documentElement.lang) : "–";
    });
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (run) {
        render(run);
        if (run.status !== "running") {
          window.location.reload();
          return;
        }
        window.setTimeout(poll, 2000);
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }
  window.setTimeout(poll, 1000);
})();
