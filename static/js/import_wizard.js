/* The import wizard (/resolutions/import/): searchable unit pickers, "split here" from a text selection, and a
   busy state on the buttons that read or record a document. Everything works without it: the pickers are plain
   <select multiple>, the split position can be typed, and every button is a plain form submit.
   No inline script anywhere, so the Content-Security-Policy (script-src 'self') holds. */
(function () {
  "use strict";
  var script = document.currentScript;
  var texts = {
    placeholder: (script && script.dataset.placeholder) || "Gõ để tìm…",
    noResults: (script && script.dataset.noResults) || "Không tìm thấy"
  };

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  /* Units and unit groups in one Tom Select per <select multiple data-import-picker>. The dropdown hangs from
     <body> so the table's scrolling wrapper does not clip it. */
  function enhancePickers(root) {
    if (!window.TomSelect) return;
    root.querySelectorAll("select[data-import-picker]").forEach(function (select) {
      if (select.tomselect) return;
      new window.TomSelect(select, {
        plugins: ["remove_button"],
        maxOptions: null,
        hidePlaceholder: true,
        closeAfterSelect: true,
        dropdownParent: "body",
        placeholder: texts.placeholder,
        render: {
          no_results: function () { return '<div class="no-results">' + escapeHtml(texts.noResults) + "</div>"; }
        }
      });
    });
  }

  function destroyPickers(root) {
    root.querySelectorAll("select[data-import-picker]").forEach(function (select) {
      if (select.tomselect) select.tomselect.destroy();
    });
  }

  /* Select words in an item's text: they become where the new item starts, and the split box opens. */
  function selectionToSplit(event) {
    var source = event.target.closest && event.target.closest("[data-import-source]");
    if (!source) return;
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || !source.contains(selection.anchorNode)) return;
    var words = selection.toString().replace(/\s+/g, " ").trim();
    if (!words) return;
    var id = source.getAttribute("data-import-source");
    var input = document.querySelector('input[data-split-from="' + id + '"]');
    var details = document.querySelector('details[data-split-details="' + id + '"]');
    if (!input) return;
    input.value = words.split(" ").slice(0, 8).join(" ");
    if (details) details.open = true;
    var at = details && details.querySelector("select");
    if (at) at.value = "";
  }

  /* A row that needed a lead stops being flagged as soon as one is chosen (the server checks again). */
  function leadChosen(event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[data-import-picker][name$='-leads']")) return;
    var row = select.closest("tr");
    if (!row) return;
    var chosen = Array.prototype.some.call(select.options, function (option) { return option.selected; });
    row.classList.toggle("table-danger", !chosen);
    var hint = row.querySelector("[data-needs-lead]");
    if (hint) hint.hidden = chosen;
  }

  /* Reading a long PDF takes a moment: say so, and do not let a second click send it twice. */
  function busyOnSubmit(event) {
    var form = event.target;
    if (!form.matches("[data-import-upload], [data-import-confirm]")) return;
    var button = event.submitter || form.querySelector("button[type=submit]");
    if (!button || !button.dataset.busyLabel) return;
    window.setTimeout(function () {
      button.disabled = true;
      button.textContent = button.dataset.busyLabel;
    }, 0);
  }

  function start() {
    enhancePickers(document);
    document.addEventListener("mouseup", selectionToSplit);
    document.addEventListener("keyup", function (event) {
      if (event.shiftKey) selectionToSplit(event);
    });
    document.addEventListener("submit", busyOnSubmit);
    document.addEventListener("change", leadChosen);
    document.addEventListener("htmx:beforeSwap", function (event) {
      if (event.detail.target) destroyPickers(event.detail.target);
    });
    document.addEventListener("htmx:load", function (event) { enhancePickers(event.target); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
