/* The oversight dashboard's charts (templates/oversight/dashboard.html).
 *
 * No inline script: the data comes from <script type="application/json" id="dashboard-charts"> (json_script),
 * the drawing is here, so the page works under a Content-Security-Policy without 'unsafe-inline'.
 * Every chart has a table with the same numbers and links; once a chart is drawn its table is hidden visually
 * (screen readers still read it, and it shows when a link in it takes keyboard focus) behind a toggle button.
 * Clicking a bar or a point opens the task list filtered to exactly those tasks.
 */
(function () {
  "use strict";

  // Period select (also on the "see all" pages, which have no chart): the two dates matter only for a custom
  // period.
  var period = document.querySelector("[data-dashboard-period]");
  var customDates = document.getElementById("custom-dates");
  function syncCustomDates() {
    if (period && customDates) { customDates.classList.toggle("d-none", period.value !== "custom"); }
  }
  if (period) { period.addEventListener("change", syncCustomDates); syncCustomDates(); }

  var source = document.getElementById("dashboard-charts");
  if (!source) { return; }
  var data = JSON.parse(source.textContent);
  var i18n = data.i18n || {};

  if (typeof window.Chart === "undefined") { return; } // no chart library: the tables stay in view

  // The standing colours of static/css/portal.css, so a chart reads like the badges.
  var COLOURS = {
    overdue: "#b02a37",
    due_soon: "#e0b000",
    on_track: "#6cb38e",
    ongoing: "#8fa8c8",
    done_late: "#8a5300",
    done_on_time: "#146c43",
    rate: "#146c43",
    overdue_line: "#b02a37"
  };

  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.font.size = 12;
  Chart.defaults.color = "#495057";
  Chart.defaults.animation = window.matchMedia("(prefers-reduced-motion: reduce)").matches ? false : Chart.defaults.animation;

  function openLink(chart, elements) {
    if (!elements.length) { return; }
    var element = elements[0];
    var dataset = chart.data.datasets[element.datasetIndex];
    var link = dataset.links && dataset.links[element.index];
    if (link) { window.location.assign(link); }
  }

  function pointer(event, elements, chart) {
    var linked = elements.length && chart.data.datasets[elements[0].datasetIndex].links &&
      chart.data.datasets[elements[0].datasetIndex].links[elements[0].index];
    chart.canvas.style.cursor = linked ? "pointer" : "default";
  }

  function titleCallback(spec) {
    return function (items) {
      if (!items.length) { return ""; }
      // The whole name (a bar's label may be a shortened name in lines).
      var label = items[0].label;
      return (spec.titles && spec.titles[items[0].dataIndex]) || (Array.isArray(label) ? label.join(" ") : label);
    };
  }

  function sizeBox(box, rows) {
    // Horizontal bars: room for each row and its label of up to two lines (charts.py wraps the names); the line
    // chart a fixed height.
    var height = rows ? Math.max(220, rows * 36 + 70) : 280;
    box.style.position = "relative"; // Chart.js sizes the canvas from a relatively positioned parent
    box.style.height = height + "px";
  }

  // Horizontal bars (one row per unit or document), each bar a link to its list.
  function horizontalBars(spec, datasets, x, options) {
    return {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: datasets.map(function (ds) {
          return { label: ds.label, data: ds.data, links: ds.links, backgroundColor: COLOURS[ds.key],
                   borderWidth: 0, barThickness: 16, maxBarThickness: 18 };
        })
      },
      options: {
        indexAxis: "y",
        responsive: true,
        maintainAspectRatio: false,
        scales: { x: x, y: { stacked: options.stacked, ticks: { autoSkip: false, crossAlign: "far" } } },
        plugins: { legend: options.legend, tooltip: { callbacks: options.tooltip } },
        onClick: function (event, elements, chart) { openLink(chart, elements); },
        onHover: pointer
      }
    };
  }

  function stacked(spec) {
    return horizontalBars(spec, spec.datasets, { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, {
      stacked: true,
      legend: { position: "bottom", labels: { boxWidth: 12 } },
      tooltip: { title: titleCallback(spec) }
    });
  }

  function rate(spec) {
    var x = { beginAtZero: true, max: 100, ticks: { callback: function (v) { return v + "%"; } } };
    return horizontalBars(spec, spec.datasets, x, {
      stacked: false,
      legend: { display: false },
      tooltip: { title: titleCallback(spec), label: function (item) { return item.formattedValue + "%"; } }
    });
  }

  function line(spec) {
    var ds = spec.datasets[0];
    return {
      type: "line",
      data: {
        labels: spec.labels,
        datasets: [{ label: ds.label, data: ds.data, links: ds.links, borderColor: COLOURS.overdue_line,
                     backgroundColor: "rgba(176, 42, 55, 0.12)", fill: true, tension: 0.2, pointRadius: 3 }]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } }, x: { ticks: { maxRotation: 0, autoSkipPadding: 12 } } },
        plugins: { legend: { display: false }, tooltip: { callbacks: { title: titleCallback(spec) } } },
        onClick: function (event, elements, chart) { openLink(chart, elements); },
        onHover: pointer
      }
    };
  }

  var BUILDERS = { stacked: stacked, rate: rate, line: line };

  function tableToggle(box) {
    var table = box.parentElement.querySelector(".chart-table");
    if (!table) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-link btn-sm px-0 mt-2 chart-table-toggle";
    button.setAttribute("aria-expanded", "false");
    button.textContent = i18n.showTable || "Table";
    // Hidden from sight, not from screen readers; a keyboard focus on one of its links shows it.
    table.classList.add("visually-hidden-focusable");
    button.addEventListener("click", function () {
      var show = table.classList.contains("visually-hidden-focusable");
      table.classList.toggle("visually-hidden-focusable", !show);
      button.setAttribute("aria-expanded", show ? "true" : "false");
      button.textContent = show ? (i18n.hideTable || "Hide") : (i18n.showTable || "Table");
    });
    table.parentElement.insertBefore(button, table);
  }

  document.querySelectorAll(".chart-box[data-chart]").forEach(function (box) {
    var spec = data[box.dataset.chart];
    var build = BUILDERS[box.dataset.kind];
    if (!spec || !build) { return; }
    sizeBox(box, box.dataset.kind === "line" ? 0 : parseInt(box.dataset.rows || "0", 10));
    var canvas = box.querySelector("canvas");
    new Chart(canvas, build(spec));
    if (i18n.openList) { canvas.title = i18n.openList; }
    tableToggle(box);
  });
})();
