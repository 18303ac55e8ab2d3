// Draws the dashboard's charts with ECharts from the page's JSON (json_script): bars, lines,
// pies and, for a city, a map of its counties. Clicking a subdivision opens its dashboard.
(function () {
  "use strict";
  var dataNode = document.getElementById("dashboard-data");
  if (!dataNode || typeof echarts === "undefined") return;
  var data = JSON.parse(dataNode.textContent);
  var labels = data.labels || {};
  var mapNode = document.getElementById("dashboard-map");
  var charts = [];

  function empty(node) {
    node.classList.add("d-flex", "align-items-center", "justify-content-center", "text-body-secondary");
    node.textContent = "—";
  }

  function draw(node, option, onClick) {
    var chart = echarts.init(node, null, { renderer: "canvas" });
    chart.setOption(Object.assign({ animation: false, tooltip: {} }, option));
    if (onClick) chart.on("click", onClick);
    node.dataset.drawn = "true";
    charts.push(chart);
    return chart;
  }

  function pie(node, items) {
    if (!items.length) return empty(node);
    draw(node, { tooltip: { trigger: "item" }, series: [{ type: "pie", radius: ["35%", "65%"], data: items }] });
  }

  var builders = {
    children: function (node) {
      var rows = data.children || [];
      if (!rows.length) return empty(node);
      var byName = {};
      rows.forEach(function (row) { byName[row.name] = row.url; });
      draw(node, {
        tooltip: { trigger: "axis" },
        legend: {},
        grid: { left: 50, right: 20, bottom: 70 },
        xAxis: { type: "category", data: rows.map(function (r) { return r.name; }), axisLabel: { rotate: 40 } },
        yAxis: { type: "value" },
        series: [
          { name: labels.households, type: "bar", data: rows.map(function (r) { return r.households; }) },
          { name: labels.paired, type: "bar", data: rows.map(function (r) { return r.poor_covered; }) }
        ]
      }, function (params) { if (byName[params.name]) window.location.href = byName[params.name]; });
    },
    map: function (node) {
      if (!mapNode) return empty(node);
      var geo = JSON.parse(mapNode.textContent);
      echarts.registerMap("dashboard", geo);
      var byCode = {};
      (data.children || []).forEach(function (row) { byCode[row.code] = row; });
      var values = geo.features.map(function (feature) {
        var row = byCode[feature.properties.code] || {};
        return { name: feature.properties.name, value: row.households || 0, url: row.url };
      });
      var max = Math.max.apply(null, values.map(function (v) { return v.value; }).concat([1]));
      draw(node, {
        tooltip: { trigger: "item" },
        visualMap: { min: 0, max: max, calculable: true, left: "left", bottom: 0 },
        series: [{ type: "map", map: "dashboard", roam: false, nameProperty: "name", data: values }]
      }, function (params) { if (params.data && params.data.url) window.location.href = params.data.url; });
    },
    categories: function (node) { pie(node, data.categories || []); },
    funds: function (node) { pie(node, data.funds || []); },
    visits: function (node) {
      var rows = data.visits_by_month || [];
      draw(node, {
        tooltip: { trigger: "axis" },
        grid: { left: 40, right: 20, bottom: 40 },
        xAxis: { type: "category", data: rows.map(function (r) { return r[0]; }) },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ name: labels.visits, type: "line", data: rows.map(function (r) { return r[1]; }) }]
      });
    },
    income_bands: function (node) {
      var rows = data.income_bands || [];
      if (!rows.length) return empty(node);
      draw(node, {
        tooltip: { trigger: "axis" },
        grid: { left: 40, right: 20, bottom: 40 },
        xAxis: { type: "category", data: rows.map(function (r) { return r[0]; }) },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ name: labels.income_band, type: "bar", data: rows.map(function (r) { return r[1]; }) }]
      });
    },
    income_trend: function (node) {
      var rows = data.income_trend || [];
      if (!rows.length) return empty(node);
      draw(node, {
        tooltip: { trigger: "axis" },
        grid: { left: 60, right: 20, bottom: 40 },
        xAxis: { type: "category", data: rows.map(function (r) { return r[0]; }) },
        yAxis: { type: "value" },
        series: [{ name: labels.average_income, type: "line", data: rows.map(function (r) { return r[1]; }) }]
      });
    },
    projects: function (node) {
      var rows = data.projects || [];
      if (!rows.length) return empty(node);
      var statuses = Object.keys(rows[0].counts);
      draw(node, {
        tooltip: { trigger: "axis" },
        legend: {},
        grid: { left: 40, right: 20, bottom: 60 },
        xAxis: { type: "category", data: rows.map(function (r) { return r.name; }), axisLabel: { rotate: 30 } },
        yAxis: { type: "value", minInterval: 1 },
        series: statuses.map(function (status) {
          return { name: (data.project_statuses || {})[status] || status, type: "bar", stack: "status", data: rows.map(function (r) { return r.counts[status]; }) };
        })
      });
    }
  };

  document.querySelectorAll("[data-chart]").forEach(function (node) {
    var build = builders[node.dataset.chart];
    if (build) build(node);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
