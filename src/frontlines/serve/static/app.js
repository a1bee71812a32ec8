// Shared behaviour of every page. The map page has its own script (map.js), loaded with Leaflet.
// Everything from the store is inserted with textContent, never as HTML.
"use strict";
(function () {
  // Colour swatches name their colour in data-colour (no inline style attribute: the CSP forbids those).
  document.querySelectorAll(".swatch[data-colour]").forEach((s) => { s.style.background = s.dataset.colour; });
})();
