// Area map: draws the polygons of the page's GeoJSON sources on Leaflet.
// Works without tiles: with no tile URL configured the polygons sit on a plain background.
(function () {
  const el = document.getElementById("area-map");
  if (!el || !window.L) return;
  const [lat, lng] = el.dataset.center.split(",").map(Number);
  const map = L.map(el, { attributionControl: !!el.dataset.attribution }).setView([lat, lng], 14);
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution, maxZoom: 19 }).addTo(map);
  }
  const palette = ["#b4232a", "#1d4ed8", "#2f7d32", "#b26a00", "#6d28d9", "#0f766e", "#be185d"];
  const group = L.featureGroup().addTo(map);
  const sources = JSON.parse(el.dataset.sources || "[]");
  Promise.all(sources.map((url) => fetch(url, { credentials: "same-origin" }).then((r) => r.json())))
    .then((collections) => {
      let n = 0;
      collections.forEach((fc) => {
        L.geoJSON(fc, {
          style: (f) => f.properties.outline
            ? { color: "#1f2933", weight: 3, fill: false }
            : { color: palette[n++ % palette.length], weight: 1.5, fillOpacity: 0.18 },
          onEachFeature: (f, layer) => {
            layer.bindTooltip(`${f.properties.name}（${f.properties.code}）`);
            if (!f.properties.outline) layer.on("click", () => { window.location = f.properties.url; });
          },
        }).addTo(group);
      });
      if (group.getLayers().length) map.fitBounds(group.getBounds(), { padding: [10, 10] });
      el.dataset.loaded = String(group.getLayers().length);
    });
})();
