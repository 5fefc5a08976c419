/* Drop-downs searched on the server: every <select data-choices-url> becomes a Tom Select (vendored; no CDN)
   that asks that address (?q=the words typed; JSON {"results": [{value, text, detail}], "more"}) for its choices,
   the newest first when the person opens it without typing (tasks/views/choices.py). The page itself carries only
   the empty choice and the chosen one, so that it stays light (docs/benchmarks.md). A choice fires the select's
   change event, which sends the task list's filter form (htmx). No inline script anywhere: the
   Content-Security-Policy (script-src 'self', connect-src 'self') holds. Load it after the library, at the end of
   the page; the words come translated from the template (data-* on this script tag). */
(function () {
  "use strict";
  var script = document.currentScript;
  var words = (script && script.dataset) || {};

  function address(base, query) {
    return base + (base.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(query || "");
  }

  function enhance(root) {
    if (!window.TomSelect) return;
    (root || document).querySelectorAll("select[data-choices-url]").forEach(function (select) {
      if (select.tomselect) return;
      var url = select.dataset.choicesUrl;
      new window.TomSelect(select, {
        valueField: "value",
        labelField: "text",
        // What the server matched on (kind, number, title), so that Tom Select's own filtering (diacritics
        // ignored as well) keeps what the server sent and drops what an earlier search had loaded.
        searchField: ["text", "detail"],
        allowEmptyOption: true,
        preload: "focus",
        closeAfterSelect: true,
        maxOptions: null,
        placeholder: words.placeholder || "Gõ để tìm…",
        load: function (query, callback) {
          fetch(address(url, query), { credentials: "same-origin", headers: { Accept: "application/json" } })
            .then(function (response) {
              if (!response.ok) throw new Error(String(response.status));
              return response.json();
            })
            .then(function (data) { callback(data.results || []); })
            .catch(function () { callback(); });
        },
        render: {
          option: function (item, escape) {
            var detail = item.detail && item.detail !== item.text
              ? '<div class="small text-body-secondary text-truncate">' + escape(item.detail) + "</div>" : "";
            return "<div>" + escape(item.text) + detail + "</div>";
          },
          item: function (item, escape) { return "<div>" + escape(item.text) + "</div>"; },
          no_results: function (_data, escape) {
            return '<div class="no-results">' + escape(words.noResults || "Không tìm thấy") + "</div>";
          },
          loading: function (_data, escape) {
            return '<div class="spinner-border spinner-border-sm m-2" role="status"><span class="visually-hidden">'
              + escape(words.loading || "Đang tìm…") + "</span></div>";
          }
        }
      });
    });
  }

  if (!window.portalRemoteChoices) {
    window.portalRemoteChoices = { enhance: enhance };
    document.addEventListener("htmx:load", function (event) { enhance(event.target); });
  }
  enhance(document);
})();
