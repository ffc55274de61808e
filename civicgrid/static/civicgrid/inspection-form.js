// Inspection form on the phone: each item is saved by htmx as soon as it changes. This file
// adds the inspector's GPS position to every item (photos carry it), clears a photo input once
// its photos are saved, says when a save failed, and keeps the "x / y checked" count current.
(function () {
  const checklist = document.getElementById("checklist");
  if (!checklist) return;
  const gps = document.getElementById("gps-status");
  let position = null;

  function fillPosition() {
    if (!position) return;
    document.querySelectorAll("input[name=lat], input[name=problem-lat]").forEach((el) => { el.value = position.lat; });
    document.querySelectorAll("input[name=lng], input[name=problem-lng]").forEach((el) => { el.value = position.lng; });
  }

  if (navigator.geolocation) {
    if (gps) gps.textContent = gps.dataset.waiting;
    navigator.geolocation.watchPosition(
      (pos) => {
        position = { lat: pos.coords.latitude.toFixed(6), lng: pos.coords.longitude.toFixed(6) };
        fillPosition();
        if (gps) gps.textContent = gps.dataset.ok;
      },
      () => { if (gps) gps.textContent = gps.dataset.failed; },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
    );
  }

  function updateProgress() {
    const progress = document.querySelector("#progress strong");
    if (progress) progress.textContent = checklist.querySelectorAll(".item-status .saved").length;
  }

  document.body.addEventListener("htmx:afterRequest", (event) => {
    const form = event.detail.elt;
    if (!form.classList || !form.classList.contains("item")) return;
    const status = form.querySelector(".item-status");
    if (!event.detail.successful) {
      status.innerHTML = "";
      const failed = document.createElement("span");
      failed.className = "unsaved";
      failed.textContent = checklist.dataset.failedLabel;
      status.append(failed);
      return;
    }
    if (status.querySelector(".saved")) {
      form.querySelectorAll("input[type=file]").forEach((input) => { input.value = ""; });
    }
    updateProgress();
  });
})();
