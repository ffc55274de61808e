// Trends on the scoring pages: a sparkline per ranking row, a labelled chart per unit.
// Canvas text uses the page's own font list, so Chinese labels render with a CJK font.
(function () {
  var data = document.getElementById("trends");
  if (!data || typeof echarts === "undefined") return;
  var trends = JSON.parse(data.textContent);
  var font = getComputedStyle(document.body).fontFamily;

  document.querySelectorAll(".spark[data-series]").forEach(function (el) {
    var values = trends.series[el.dataset.series] || [];
    if (!values.some(function (v) { return v !== null; })) return;
    echarts.init(el).setOption({
      animation: false,
      textStyle: { fontFamily: font },
      grid: { left: 2, right: 2, top: 4, bottom: 4 },
      xAxis: { type: "category", show: false, data: trends.periods },
      yAxis: { type: "value", show: false, min: "dataMin", max: "dataMax" },
      tooltip: { trigger: "axis", confine: true, textStyle: { fontFamily: font } },
      series: [{ type: "line", data: values, symbolSize: 3, connectNulls: true,
                 lineStyle: { width: 1.5, color: "#b4232a" }, itemStyle: { color: "#b4232a" } }],
    });
  });

  var chart = document.getElementById("trend");
  if (chart) {
    var values = trends.series[chart.dataset.series] || [];
    var instance = echarts.init(chart);
    instance.setOption({
      textStyle: { fontFamily: font },
      tooltip: { trigger: "axis", textStyle: { fontFamily: font } },
      grid: { left: 40, right: 24, top: 48, bottom: 40 },
      title: { text: chart.dataset.title, textStyle: { fontFamily: font, fontSize: 14 } },
      xAxis: { type: "category", data: trends.periods, axisLabel: { fontFamily: font } },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { fontFamily: font } },
      series: [{ name: chart.dataset.label, type: "line", data: values, connectNulls: true,
                 label: { show: true, fontFamily: font }, itemStyle: { color: "#b4232a" } }],
    });
    window.addEventListener("resize", function () { instance.resize(); });
  }
})();
