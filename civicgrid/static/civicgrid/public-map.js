// Public map: one marker per public case from /p/map.json; closed ones in green.
(function () {
  const el = document.getElementById("public-map");
  if (!el || !window.L) return;
  const [lat, lng] = el.dataset.center.split(",").map(Number);
  const map = L.map(el, { attributionControl: !!el.dataset.attribution }).setView([lat, lng], 14);
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution, maxZoom: 19 }).addTo(map);
  }
  const group = L.featureGroup().addTo(map);
  fetch(el.dataset.source)
    .then((r) => r.json())
    .then((data) => {
      data.cases.forEach((c) => {
        const colour = c.state === "closed" ? "#2f7d32" : "#b4232a";
        const popup = document.createElement("div");
        popup.textContent = `${c.number} ${c.category} · ${c.state_label} · ${c.date}`;
        L.circleMarker([c.lat, c.lng], { radius: 7, color: colour, fillColor: colour, fillOpacity: 0.7, weight: 2 })
          .bindPopup(popup)
          .addTo(group);
      });
      if (group.getLayers().length) map.fitBounds(group.getBounds(), { padding: [20, 20], maxZoom: 17 });
      const template = data.truncated ? el.dataset.truncated : el.dataset.count;
      document.getElementById("map-count").textContent =
        template.replace("%(n)s", data.truncated ? data.limit : data.cases.length);
      el.dataset.loaded = String(data.cases.length);
    });
})();
