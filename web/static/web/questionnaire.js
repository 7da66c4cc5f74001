// Save each answer as it is given and keep the progress line current; the plain form posts
// (and the server-rendered count) work without this script.
(function () {
  "use strict";
  var form = document.getElementById("questionnaire");
  var status = document.getElementById("save-status");
  if (!form || !window.fetch) { return; }
  var progress = document.getElementById("progress");
  var answered = document.getElementById("answered-count");
  function countAnswered() {
    var names = {};
    form.querySelectorAll("input[type=radio]:checked").forEach(function (r) { names[r.name] = 1; });
    form.querySelectorAll("input[type=text]").forEach(function (t) {
      if (t.value.trim() !== "") { names[t.name] = 1; }
    });
    var n = Object.keys(names).length;
    if (progress) { progress.value = n; }
    if (answered) { answered.textContent = n; }
  }
  form.addEventListener("change", function () {
    countAnswered();
    if (form.dataset.preview) { return; }
    var data = new FormData(form);
    data.set("action", "save");
    fetch(window.location.href, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (response.ok) { status.textContent = status.dataset.saved || "Sparat"; }
    });
  });
  var summary = document.getElementById("error-summary") ||
    document.getElementById("saved-confirmation");
  if (summary) { summary.focus(); }
})();
