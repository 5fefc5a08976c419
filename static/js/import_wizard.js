/* The import wizard (/resolutions/import/): searchable unit pickers, "split here" from a text selection, a
   busy state on the buttons that read or record a document, the words a field was read from emphasised while
   the office is on that field, and the item just added from the set-aside paragraphs brought into view.
   Everything works without it: the pickers are plain <select multiple>, the split position can be typed, every
   button is a plain form submit, and the marks are always tinted.
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

  /* The office is on a field (focus or hover): its words in the item's text are emphasised, the others not. */
  function emphasise(container, on) {
    var field = container.getAttribute("data-source-for");
    var row = container.closest("tr");
    if (!row || !field) return;
    row.querySelectorAll("mark.import-mark").forEach(function (mark) {
      var fields = (mark.getAttribute("data-fields") || "").split(" ");
      mark.classList.toggle("is-active", on && fields.indexOf(field) >= 0);
    });
  }

  function sourceFocus(event) {
    var container = event.target.closest && event.target.closest("[data-source-for]");
    if (container) emphasise(container, true);
  }

  function sourceBlur(event) {
    var container = event.target.closest && event.target.closest("[data-source-for]");
    if (!container) return;
    var next = event.relatedTarget;
    if (next && container.contains(next)) return;
    emphasise(container, false);
  }

  function sourceHover(event) {
    var container = event.target.closest && event.target.closest("[data-source-for]");
    var from = event.relatedTarget && event.relatedTarget.closest && event.relatedTarget.closest("[data-source-for]");
    if (container === from) return;
    if (event.type === "mouseover" && container) emphasise(container, true);
    if (event.type === "mouseout" && container && !container.contains(document.activeElement)) {
      emphasise(container, false);
    }
  }

  /* A paragraph just turned into a directive: show the office its new row (and where the keyboard now is). */
  function showNewItem(root) {
    var row = root.querySelector && root.querySelector("[data-import-new]");
    if (!row) return;
    row.scrollIntoView({block: "center"});
    row.focus({preventScroll: true});
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
    /* htmx "settles" a swapped element by copying the old one's style attribute onto the new one; under
       style-src 'self' that write is refused (a console error per input on the second swap of the table), and
       nothing here animates styles. */
    if (window.htmx) window.htmx.config.attributesToSettle = ["class", "width", "height"];
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
    document.addEventListener("htmx:load", function (event) {
      enhancePickers(event.target);
      showNewItem(event.target);
    });
    document.addEventListener("focusin", sourceFocus);
    document.addEventListener("focusout", sourceBlur);
    document.addEventListener("mouseover", sourceHover);
    document.addEventListener("mouseout", sourceHover);
    showNewItem(document);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
