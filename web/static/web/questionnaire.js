// Save each answer as it is given; the plain form posts work without this script.
(function () {
  "use strict";
  var form = document.getElementById("questionnaire");
  var status = document.getElementById("save-status");
  if (!form || !window.fetch) { return; }
  form.addEventListener("change", function () {
    var data = new FormData(form);
    data.set("action", "save");
    fetch(window.location.href, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (response.ok) { status.textContent = status.dataset.saved || "Sparat"; }
    });
  });
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
