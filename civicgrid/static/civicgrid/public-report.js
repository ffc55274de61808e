// Residents' report form: photo count, position by GPS or by a tap on a map that is only
// loaded when asked for (Leaflet is the one big script, and weak connections pay for it),
// category search, and the open cases nearby that the resident may join ("我也遇到了").
(function () {
  const form = document.getElementById("report-form");
  if (!form) return;
  const lat = form.querySelector("[name=lat]");
  const lng = form.querySelector("[name=lng]");
  const locationText = document.getElementById("location-text");
  const photoInputs = form.querySelectorAll("input[type=file][name=photos]");

  // Photos: say how many are chosen.
  const photoCount = document.getElementById("photo-count");
  photoInputs.forEach((input) => input.addEventListener("change", () => {
    const n = Array.from(photoInputs).reduce((sum, i) => sum + i.files.length, 0);
    photoCount.textContent = n ? photoCount.dataset.label.replace("%(n)s", n) : "";
  }));

  // Position: GPS, or a tap on the map.
  let map = null;
  let marker = null;
  function setPoint(y, x) {
    lat.value = y.toFixed(6);
    lng.value = x.toFixed(6);
    locationText.textContent = `${locationText.dataset.chosen}（${lat.value}, ${lng.value}）`;
    if (map) {
      if (marker) marker.setLatLng([y, x]);
      else marker = L.circleMarker([y, x], { radius: 9, color: "#b4232a", weight: 3 }).addTo(map);
    }
    refreshNearby();
  }

  const locate = document.getElementById("locate-me");
  if (navigator.geolocation) {
    locate.addEventListener("click", () => {
      locationText.textContent = locate.dataset.waiting;
      navigator.geolocation.getCurrentPosition(
        (pos) => {
          setPoint(pos.coords.latitude, pos.coords.longitude);
          if (map) map.setView([pos.coords.latitude, pos.coords.longitude], 17);
        },
        () => { locationText.textContent = locate.dataset.failed; },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
      );
    });
  } else {
    locate.hidden = true;
  }

  function loadLeaflet() {
    if (window.L) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = form.dataset.leafletCss;
      document.head.append(css);
      const script = document.createElement("script");
      script.src = form.dataset.leafletJs;
      script.onload = resolve;
      script.onerror = reject;
      document.head.append(script);
    });
  }

  const mapEl = document.getElementById("report-map");
  document.getElementById("open-map").addEventListener("click", (event) => {
    event.currentTarget.hidden = true;
    mapEl.hidden = false;
    loadLeaflet().then(() => {
      const [clat, clng] = mapEl.dataset.center.split(",").map(Number);
      const here = lat.value && lng.value ? [Number(lat.value), Number(lng.value)] : [clat, clng];
      map = L.map(mapEl, { attributionControl: !!mapEl.dataset.attribution }).setView(here, 16);
      if (mapEl.dataset.tiles) {
        L.tileLayer(mapEl.dataset.tiles, { attribution: mapEl.dataset.attribution, maxZoom: 19 }).addTo(map);
      }
      map.on("click", (e) => setPoint(e.latlng.lat, e.latlng.lng));
      if (lat.value && lng.value) setPoint(here[0], here[1]);
      mapEl.dataset.ready = "true";
    });
  });

  // Category: the common ones are radios already; search adds more.
  const search = document.getElementById("category-search");
  const results = document.getElementById("category-results");
  let timer = null;
  search.addEventListener("input", () => {
    clearTimeout(timer);
    const text = search.value.trim();
    if (!text) { results.replaceChildren(); return; }
    timer = setTimeout(() => {
      fetch(`${form.dataset.search}?q=${encodeURIComponent(text)}`)
        .then((r) => r.json())
        .then((data) => results.replaceChildren(...data.results.map(categoryChoice)));
    }, 300);
  });

  function categoryChoice(item) {
    const li = document.createElement("li");
    const label = document.createElement("label");
    const radio = document.createElement("input");
    radio.type = "radio";
    radio.name = "category";
    radio.value = item.id;
    label.append(radio, item.name);
    li.append(label);
    return li;
  }
  form.addEventListener("change", (event) => {
    if (event.target.name === "category") refreshNearby();
  });

  // Open cases of that category nearby: offered before a second report is made.
  const nearby = document.getElementById("nearby");
  const nearbyList = document.getElementById("nearby-list");
  function refreshNearby() {
    const chosen = form.querySelector("input[name=category]:checked");
    if (!chosen || !lat.value || !lng.value) return;
    const params = new URLSearchParams({ category: chosen.value, lat: lat.value, lng: lng.value });
    fetch(`${form.dataset.nearby}?${params}`)
      .then((r) => r.json())
      .then((data) => {
        nearbyList.replaceChildren(...data.cases.map(nearbyItem));
        nearby.hidden = !data.cases.length;
      });
  }

  function nearbyItem(c) {
    const li = document.createElement("li");
    const distance = nearbyList.dataset.distance.replace("%(n)s", c.distance_m);
    li.append(`${c.category} · ${c.state_label} · ${distance} · ${c.date} `);
    const join = document.createElement("button");
    join.type = "submit";
    join.name = "join";
    join.value = c.number;
    join.formNoValidate = true;
    join.className = "secondary";
    join.textContent = nearbyList.dataset.join;
    // Joining needs no photo: don't make a weak connection carry one.
    join.addEventListener("click", () => photoInputs.forEach((input) => { input.value = ""; }));
    li.append(join);
    return li;
  }

  // Anonymous: no name or phone to fill in.
  const anonymous = document.getElementById("anonymous");
  const contact = document.getElementById("contact");
  const showContact = () => { contact.hidden = anonymous.checked; };
  anonymous.addEventListener("change", showContact);
  showContact();
  if (lat.value && lng.value) refreshNearby();
})();
