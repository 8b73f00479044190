// Playbooks page: the second button registers instead of only validating.
(function () {
  "use strict";
  var form = document.getElementById("pb-validate");
  if (!form) return;
  form.addEventListener("click", function (ev) {
    if (ev.target.tagName !== "BUTTON") return;
    form.setAttribute("data-api", ev.target.hasAttribute("data-register") ? "/api/v1/playbooks" : "/api/v1/playbooks/validate");
  }, true);
})();
