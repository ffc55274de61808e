// The dashboard: trend, category and area charts (ECharts) and the map (Leaflet), all from
// the dashboard's JSON endpoints. Charts name a CJK font list, so Chinese labels render
// on canvas without any web font; the map needs no tiles.
(function () {
  var FONT = '"PingFang SC","Microsoft YaHei","Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif';
  var COLOURS = { reported: "#1d4ed8", closed: "#2f7d32", overdue: "#b4232a", open: "#b26a00" };
  var labels = JSON.parse(document.getElementById("dashboard-labels").textContent);
  var charts = [];

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(url + " " + r.status);
      return r.json();
    });
  }

  function chart(el, option, urls) {
    if (!el || typeof echarts === "undefined") return null;
    var instance = echarts.getInstanceByDom(el) || echarts.init(el);
    charts.push(instance);
    instance.setOption(Object.assign({
      animation: false,
      textStyle: { fontFamily: FONT },
      tooltip: { trigger: "axis", confine: true, textStyle: { fontFamily: FONT } },
      legend: { top: 0, textStyle: { fontFamily: FONT } },
    }, option), true);
    instance.off("click");
    if (urls) {
      instance.on("click", function (params) {
        var url = urls(params);
        if (url) window.location.href = url;
      });
    }
    el.dataset.loaded = "true";
    return instance;
  }

  function axisLabel(extra) {
    return Object.assign({ fontFamily: FONT }, extra || {});
  }

  // Trend: new, closed and overdue cases per day; a click on a "new" point lists those cases.
  var trend = document.getElementById("chart-trend");
  function loadTrend(days) {
    getJSON(trend.dataset.source + "?days=" + days).then(function (data) {
      var names = ["reported", "closed", "overdue"];
      chart(trend, {
        grid: { left: 40, right: 16, top: 36, bottom: 30 },
        xAxis: { type: "category", data: data.days.map(function (d) { return d.slice(5); }), axisLabel: axisLabel() },
        yAxis: { type: "value", minInterval: 1, axisLabel: axisLabel() },
        series: names.map(function (name) {
          return { name: labels[name], type: "line", data: data[name], symbolSize: 4,
                   itemStyle: { color: COLOURS[name] }, lineStyle: { color: COLOURS[name] } };
        }),
      }, function (p) { return p.seriesIndex === 0 ? data.reported_urls[p.dataIndex] : null; });
    });
  }
  if (trend) {
    loadTrend(30);
    document.querySelectorAll("[data-days]").forEach(function (button) {
      button.addEventListener("click", function () {
        document.querySelectorAll("[data-days]").forEach(function (b) {
          b.setAttribute("aria-pressed", String(b === button));
        });
        loadTrend(button.dataset.days);
      });
    });
  }

  // By category (top 10) and by area, from one request.
  var categories = document.getElementById("chart-categories");
  if (categories) {
    getJSON(categories.dataset.source).then(function (data) {
      var rows = data.categories.slice().reverse();
      chart(categories, {
        legend: { show: false },
        grid: { left: 8, right: 24, top: 8, bottom: 20, containLabel: true },
        xAxis: { type: "value", minInterval: 1, axisLabel: axisLabel() },
        yAxis: { type: "category", data: rows.map(function (r) { return r.name; }), axisLabel: axisLabel({ width: 110, overflow: "truncate" }) },
        series: [{ name: labels.reported, type: "bar", data: rows.map(function (r) { return r.reported; }),
                   itemStyle: { color: COLOURS.reported }, label: { show: true, position: "right", fontFamily: FONT } }],
        graphic: rows.length ? [] : [{ type: "text", left: "center", top: "middle", style: { text: labels.empty, fontFamily: FONT } }],
      }, function (p) { return rows[p.dataIndex] && rows[p.dataIndex].url; });

      var areas = document.getElementById("chart-areas");
      document.getElementById("areas-by").textContent = data.areas_label;
      chart(areas, {
        grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: data.areas.map(function (a) { return a.name; }),
                 axisLabel: axisLabel({ interval: 0, rotate: data.areas.length > 6 ? 35 : 0 }) },
        yAxis: { type: "value", minInterval: 1, axisLabel: axisLabel() },
        series: ["reported", "open"].map(function (name) {
          return { name: labels[name], type: "bar", data: data.areas.map(function (a) { return a[name]; }),
                   itemStyle: { color: COLOURS[name] } };
        }),
      }, function (p) {
        var row = data.areas[p.dataIndex];
        return row && (p.seriesIndex === 0 ? row.reported_url : row.open_url);
      });
    });
  }

  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });

  // Map: grids shaded by open cases, open cases coloured by state, 顽疾点位 as dashed rings.
  var el = document.getElementById("dashboard-map");
  if (!el || !window.L) return;
  var centre = el.dataset.center.split(",").map(Number);
  var map = L.map(el, { attributionControl: !!el.dataset.attribution }).setView(centre, 14);
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution, maxZoom: 19 }).addTo(map);
  }
  function shade(open, most) {
    if (!open) return "#ffffff";
    var t = Math.min(1, open / Math.max(most, 1));
    var from = [255, 245, 240], to = [180, 35, 42];
    return "rgb(" + from.map(function (f, i) { return Math.round(f + (to[i] - f) * t); }).join(",") + ")";
  }
  function link(url, text) {
    var a = document.createElement("a");
    a.href = url;
    a.textContent = text;
    return a;
  }
  map.createPane("areas").style.zIndex = 350;  // under the markers, whichever arrives first
  var markers = L.featureGroup();
  var areas = L.featureGroup().addTo(map);
  getJSON(el.dataset.areas).then(function (shapes) {
    var most = Math.max.apply(null, [1].concat(shapes.features.map(function (f) { return f.properties.open; })));
    L.geoJSON(shapes, {
      pane: "areas",
      style: function (f) {
        return { color: "#616e7c", weight: 1, fillColor: shade(f.properties.open, most), fillOpacity: 0.7 };
      },
      onEachFeature: function (f, layer) {
        layer.bindPopup(link(f.properties.url, f.properties.name + " · " + el.dataset.open + " " + f.properties.open));
      },
    }).addTo(areas);
    if (areas.getLayers().length) map.fitBounds(areas.getBounds(), { padding: [10, 10], maxZoom: 17 });
    el.dataset.areasLoaded = String(shapes.features.length);
  });
  getJSON(el.dataset.source).then(function (data) {
    markers.addTo(map);
    data.cases.forEach(function (c) {
      L.circleMarker([c.lat, c.lng], { radius: 5, color: c.colour, fillColor: c.colour, fillOpacity: 0.85, weight: 1 })
        .bindPopup(link(c.url, c.number + " " + c.category + "（" + c.state_label + "）"))
        .addTo(markers);
    });
    data.hotspots.forEach(function (s) {
      L.circle([s.lat, s.lng], { radius: data.hotspot_metres, color: "#7f1d1d", weight: 2, dashArray: "4 4", fill: false })
        .bindTooltip(s.category + " × " + s.count + el.dataset.times + (s.address ? " · " + s.address : ""))
        .addTo(markers);
    });
    if (!areas.getLayers().length && markers.getLayers().length) {
      map.fitBounds(markers.getBounds(), { padding: [10, 10], maxZoom: 17 });
    }
    var count = document.getElementById("map-count");
    count.textContent = data.truncated
      ? el.dataset.truncated.replace("%(n)s", data.limit)
      : el.dataset.count.replace("%(n)s", data.cases.length);
    el.dataset.loaded = String(data.cases.length);
  });
})();
