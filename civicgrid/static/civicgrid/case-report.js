// Report form on the phone: position from GPS or a tap on the map, category search,
// and the open cases nearby that the reporter may join instead of reporting again.
(function () {
  const form = document.getElementById("report-form");
  if (!form) return;
  const lat = form.querySelector("[name=lat]");
  const lng = form.querySelector("[name=lng]");
  const category = form.querySelector("[name=category]");
  const locationText = document.getElementById("location-text");
  let marker = null;

  // Map: tap to place the problem.
  const el = document.getElementById("report-map");
  let map = null;
  if (el && window.L) {
    const [clat, clng] = el.dataset.center.split(",").map(Number);
    map = L.map(el, { attributionControl: !!el.dataset.attribution }).setView([clat, clng], 15);
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution, maxZoom: 19 }).addTo(map);
    }
    map.on("click", (e) => setPoint(e.latlng.lat, e.latlng.lng, false));
  }

  function setPoint(y, x, recentre) {
    lat.value = y.toFixed(6);
    lng.value = x.toFixed(6);
    locationText.textContent = `${lat.value}, ${lng.value}`;
    if (map) {
      if (marker) marker.setLatLng([y, x]);
      else marker = L.circleMarker([y, x], { radius: 9, color: "#b4232a", weight: 3 }).addTo(map);
      if (recentre) map.setView([y, x], 17);
    }
    refreshNearby();
  }
  if (lat.value && lng.value) setPoint(Number(lat.value), Number(lng.value), true);

  // GPS from the browser.
  const locate = document.getElementById("locate-me");
  if (locate && navigator.geolocation) {
    locate.addEventListener("click", () => {
      locationText.textContent = locate.dataset.waiting || "…";
      navigator.geolocation.getCurrentPosition(
        (pos) => setPoint(pos.coords.latitude, pos.coords.longitude, true),
        (err) => { locationText.textContent = err.message; },
        { enableHighAccuracy: true, timeout: 15000 },
      );
    });
  } else if (locate) {
    locate.hidden = true;
  }

  // Category search by name, code or keyword.
  const search = document.getElementById("category-search");
  const results = document.getElementById("category-results");
  const chosen = document.getElementById("category-chosen");
  let timer = null;
  search.addEventListener("input", () => {
    clearTimeout(timer);
    const text = search.value.trim();
    if (!text) { results.replaceChildren(); return; }
    timer = setTimeout(() => {
      const url = `${form.dataset.search}?q=${encodeURIComponent(text)}`;
      fetch(url, { credentials: "same-origin" })
        .then((r) => r.json())
        .then((data) => showCategories(data.results || []));
    }, 250);
  });

  function showCategories(items) {
    results.replaceChildren(...items.map((item) => {
      const li = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "secondary";
      button.textContent = `${item.code} ${item.name}`;
      button.addEventListener("click", () => choose(item));
      li.append(button);
      return li;
    }));
  }

  function choose(item) {
    category.value = item.id;
    search.value = `${item.code} ${item.name}`;
    chosen.textContent = `${chosen.dataset.label}${item.code} ${item.name}`;
    results.replaceChildren();
    refreshNearby();
  }

  // Open cases nearby: offered before the report is sent.
  function refreshNearby() {
    if (!category.value || !lat.value || !lng.value || !window.htmx) return;
    const params = new URLSearchParams({ category: category.value, lat: lat.value, lng: lng.value });
    htmx.ajax("GET", `${form.dataset.nearby}?${params}`, { target: "#nearby", swap: "innerHTML" });
  }
})();
