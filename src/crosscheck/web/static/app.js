// crosscheck web: small progressive enhancements; every page works without this file.
"use strict";
document.addEventListener("click", function (event) {
  var target = event.target;
  if (!(target instanceof Element) || target.closest("a, button, input, select, textarea")) return;
  var claim = target.closest(".hl.claim[data-href]");
  if (claim) {
    var href = claim.getAttribute("data-href") || "";
    if (href.charAt(0) === "/" && href.charAt(1) !== "/") window.location.assign(href);
  }
});
document.addEventListener("DOMContentLoaded", function () {
  if (window.location.hash) {
    var el = document.getElementById(window.location.hash.slice(1));
    if (el) el.classList.add("target");
  }
});
