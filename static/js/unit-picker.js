/* Searchable unit pickers: every <select data-unit-picker> becomes a Tom Select (vendored; no CDN).
   Loaded by the forms that need it, also when htmx swaps such a form into a page: the library itself is loaded
   on first use from this script's data-library address. Without JavaScript the plain select still works.
   No inline script anywhere, so the Content-Security-Policy (script-src 'self') holds. */
(function () {
  "use strict";
  var script = document.currentScript;
  // The words come translated from the template (data-* on this script tag); Vietnamese if they are missing.
  var words = (script && script.dataset) || {};

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  function enhance(root) {
    if (!window.TomSelect) return;
    (root || document).querySelectorAll("select[data-unit-picker]").forEach(function (select) {
      if (select.tomselect) return;
      new window.TomSelect(select, {
        plugins: select.multiple ? ["remove_button"] : [],
        maxOptions: null,
        allowEmptyOption: !select.required,
        hidePlaceholder: true,
        closeAfterSelect: !select.multiple,
        placeholder: select.multiple ? (words.placeholderMultiple || "Gõ để tìm, có thể chọn nhiều…")
                                     : (words.placeholder || "Gõ để tìm…"),
        render: {
          no_results: function () {
            return '<div class="no-results">' + escapeHtml(words.noResults || "Không tìm thấy") + "</div>";
          }
        }
      });
    });
  }

  function start() { enhance(document); }

  if (!window.portalUnitPicker) {
    window.portalUnitPicker = { enhance: enhance };
    document.addEventListener("htmx:load", function (event) { enhance(event.target); });
  }
  if (window.TomSelect) {
    start();
  } else if (script && script.dataset.library) {
    var existing = document.querySelector("script[data-tom-select-library]");
    if (existing) {
      existing.addEventListener("load", start);
    } else {
      var library = document.createElement("script");
      library.src = script.dataset.library;
      library.setAttribute("data-tom-select-library", "");
      library.addEventListener("load", start);
      document.head.appendChild(library);
    }
  }
})();
