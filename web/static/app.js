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
