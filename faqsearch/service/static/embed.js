/* Embeds the search widget where this script tag stands:
 *   <script src="https://SERVICE/static/embed.js" data-plan="FORFAIT" data-height="560" async></script>
 * (FORFAIT: the id of a plan of the help center's plans.csv, or no data-plan at all; an optional
 * data-section="Nom de la section" narrows the search to one of the sections of /v1/site.)
 * The widget runs in an iframe from the service's own origin, so the host page needs no CORS setting. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var origin = new URL(script.src).origin;
  var frame = document.createElement("iframe");
  var query = new URLSearchParams();
  ["plan", "section"].forEach(function (name) {
    var value = script.getAttribute("data-" + name);
    if (value) { query.set(name, value); }
  });
  frame.src = origin + "/widget" + (query.toString() ? "?" + query.toString() : "");
  frame.title = "Rechercher dans l'aide";
  frame.loading = "lazy";
  frame.style.width = "100%";
  frame.style.border = "0";
  frame.style.height = (parseInt(script.getAttribute("data-height"), 10) || 560) + "px";
  script.parentNode.insertBefore(frame, script);
})();
