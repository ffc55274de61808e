// Map of open cases: one coloured marker per case from /cases/map.json (colours from the server).
(function () {
  const el = document.getElementById("cases-map");
  if (!el || !window.L) return;
  const [lat, lng] = el.dataset.center.split(",").map(Number);
  const map = L.map(el, { attributionControl: !!el.dataset.attribution }).setView([lat, lng], 14);
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution, maxZoom: 19 }).addTo(map);
  }
  const group = L.featureGroup().addTo(map);
  fetch(el.dataset.source, { credentials: "same-origin" })
    .then((r) => r.json())
    .then((data) => {
      data.cases.forEach((c) => {
        const marker = L.circleMarker([c.lat, c.lng], {
          radius: 7, color: c.colour, fillColor: c.colour, fillOpacity: 0.75, weight: 2,
        });
        const link = document.createElement("a");
        link.href = c.url;
        link.textContent = `${c.number} ${c.category}（${c.state_label}）`;
        marker.bindPopup(link).addTo(group);
      });
      if (group.getLayers().length) map.fitBounds(group.getBounds(), { padding: [20, 20], maxZoom: 17 });
      const count = document.getElementById("map-count");
      if (count) {
        count.textContent = data.truncated
          ? el.dataset.truncated.replace("%(n)s", data.limit)
          : el.dataset.count.replace("%(n)s", data.cases.length);
      }
      el.dataset.loaded = String(data.cases.length);
    });
})();
