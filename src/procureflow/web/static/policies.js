// Policies page: the second button replays recorded guard decisions under the draft.
(function () {
  "use strict";
  var form = document.getElementById("policy-form");
  if (!form) return;
  form.addEventListener("click", function (ev) {
    if (ev.target.tagName !== "BUTTON") return;
    form.setAttribute("data-api", ev.target.hasAttribute("data-simulate") ? "/api/v1/policies/simulate" : "/api/v1/policies/validate");
  }, true);
})();
