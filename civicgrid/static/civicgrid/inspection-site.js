// Site page: the inspection point on a small Leaflet map.
(function () {
  const el = document.getElementById("site-map");
  if (!el || !window.L) return;
  const point = JSON.parse(el.dataset.point);
  const map = L.map(el, { attributionControl: !!el.dataset.attribution }).setView(point, 17);
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution, maxZoom: 19 }).addTo(map);
  }
  L.circleMarker(point, { radius: 9, color: "#1d4ed8", weight: 3, fillOpacity: 0.5 }).addTo(map);
  el.dataset.loaded = "1";
})();
