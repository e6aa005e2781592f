// Silkbridge government analytics: draws the charts marked data-gov-chart
// (registering the world map first when one needs it), saves any chart as
// PNG or SVG, and submits the filter form when the year slider moves.
// The pages show every figure in a table without this file.
(function () {
  "use strict";
  var registered = {};
  function draw(el) {
    var src = document.getElementById(el.dataset.govChart);
    if (!src || el.dataset.drawn) return;
    var option = JSON.parse(src.textContent);
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    el.dataset.drawn = "1";
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function drawAll() {
    if (!window.echarts) return;
    document.querySelectorAll("[data-gov-chart]").forEach(function (el) {
      var url = el.dataset.mapUrl;
      if (!url) { draw(el); return; }
      if (registered[url]) { draw(el); return; }
      fetch(url).then(function (r) { return r.json(); }).then(function (geo) {
        window.echarts.registerMap("world", geo);
        registered[url] = true;
        draw(el);
      });
    });
  }
  // save downloads a chart: SVG as the renderer draws it, PNG through a
  // canvas at twice the size.
  function save(id, type) {
    var el = document.getElementById(id);
    var chart = el && window.echarts && window.echarts.getInstanceByDom(el);
    if (!chart) return;
    var svg = chart.renderToSVGString ? chart.renderToSVGString() : "";
    var name = id + "." + type;
    if (type === "svg") {
      link(URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" })), name);
      return;
    }
    var img = new Image();
    img.onload = function () {
      var c = document.createElement("canvas");
      c.width = el.clientWidth * 2; c.height = el.clientHeight * 2;
      var g = c.getContext("2d");
      g.fillStyle = "#fff"; g.fillRect(0, 0, c.width, c.height);
      g.drawImage(img, 0, 0, c.width, c.height);
      link(c.toDataURL("image/png"), name);
    };
    img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg);
  }
  function link(href, name) {
    var a = document.createElement("a");
    a.href = href; a.download = name;
    document.body.appendChild(a); a.click(); a.remove();
  }
  document.addEventListener("click", function (ev) {
    var b = ev.target.closest("[data-save]");
    if (b) save(b.dataset.save, b.dataset.type);
  });
  document.addEventListener("input", function (ev) {
    if (ev.target.matches("input[type=range]")) {
      var out = document.getElementById(ev.target.id + "-out");
      if (out) out.textContent = ev.target.value;
    }
  });
  document.addEventListener("change", function (ev) {
    if (ev.target.matches("[data-autosubmit]")) ev.target.form.submit();
  });
  document.addEventListener("DOMContentLoaded", drawAll);
})();
