// Silkbridge: small progressive enhancements. Every page works without
// this file; it only adds charts (ECharts, when a page includes it) and
// confirmation prompts.
(function () {
  "use strict";
  // Charts: an element with data-chart holds the id of a <script
  // type="application/json"> element with an ECharts option object.
  function drawCharts(root) {
    if (!window.echarts) return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.drawn) return;
      var src = document.getElementById(el.dataset.chart);
      if (!src) return;
      try {
        var option = JSON.parse(src.textContent);
        var chart = window.echarts.init(el, null, { renderer: "svg" });
        chart.setOption(option);
        el.dataset.drawn = "1";
        window.addEventListener("resize", function () { chart.resize(); });
      } catch (e) {
        el.textContent = "";
      }
    });
  }
  // Forms with data-confirm ask before they are sent.
  document.addEventListener("submit", function (ev) {
    var msg = ev.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) ev.preventDefault();
  });
  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
  document.addEventListener("htmx:afterSettle", function (ev) { drawCharts(ev.target); });
})();

// Accessibility: a table wider than its box scrolls inside it, so it must
// be reachable and scrollable from the keyboard; a chart names the table
// beside it, which says the same in text, as its description.
(function () {
  "use strict";
  var uid = 0;
  function enhance(root) {
    root.querySelectorAll(".table-scroll, table.table").forEach(function (el) {
      var scrolls = el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== "visible";
      if (scrolls && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
        el.dataset.scrollFocus = "1";
      } else if (!scrolls && el.dataset.scrollFocus) {
        el.removeAttribute("tabindex");
        delete el.dataset.scrollFocus;
      }
    });
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.hasAttribute("aria-describedby")) return;
      var box = el.closest("section") || el.parentElement;
      var table = box && box.querySelector("table");
      if (!table) return;
      if (!table.id) table.id = "chart-table-" + (++uid);
      el.setAttribute("aria-describedby", table.id);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  window.addEventListener("resize", function () { enhance(document); });
  document.addEventListener("htmx:afterSwap", function (ev) { enhance(ev.target); });
})();
