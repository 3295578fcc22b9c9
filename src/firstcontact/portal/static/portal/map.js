// "Put a pin on the map" for reporting a problem, with Leaflet. Progressive enhancement: the
// map panel stays hidden without JavaScript (or without Leaflet), and the postcode and
// address fields work on their own. The tile server comes from settings.LEAFLET_TILE_URL;
// when it is empty (tests run offline) the map has no background but pins still work.
(function () {
  "use strict";
  var panel = document.getElementById("fc-map-panel");
  var element = document.getElementById("fc-map");
  if (!panel || !element || typeof window.L === "undefined") {
    return;
  }
  var latitude = document.getElementById("id_latitude");
  var longitude = document.getElementById("id_longitude");
  var status = document.getElementById("fc-map-status");
  var centre = document.getElementById("fc-map-centre");
  var shown = document.getElementById("id_map_shown");
  panel.hidden = false;
  if (shown) {
    shown.value = "1"; // the postcode error may then offer the map
  }

  var map = window.L.map(element, { scrollWheelZoom: false });
  var bounds = element.dataset.bounds ? JSON.parse(element.dataset.bounds) : null;
  if (bounds) {
    map.fitBounds(bounds);
  } else {
    map.setView([54.0, -2.0], 6);
  }
  if (element.dataset.tiles) {
    window.L.tileLayer(element.dataset.tiles, {
      attribution: element.dataset.attribution || "",
      maxZoom: 19,
      // The site sends no Referer off-site (Referrer-Policy: same-origin); tile servers
      // such as OpenStreetMap's ask for one, so tiles send the site's origin (no path).
      referrerPolicy: "strict-origin-when-cross-origin",
    }).addTo(map);
  }

  var marker = null;
  function place(latlng) {
    if (marker) {
      marker.setLatLng(latlng);
    } else {
      marker = window.L.marker(latlng, { keyboard: false, alt: element.dataset.pinPlaced });
      marker.addTo(map);
    }
    latitude.value = latlng.lat.toFixed(6);
    longitude.value = latlng.lng.toFixed(6);
    // Announce the pin in words, not raw coordinates: the nearest street and postcode where
    // the site knows them (portal/nearest.py), else "Pin placed on the map". Emptied first so
    // that placing it again is announced again; only the latest pin's answer is announced.
    status.textContent = "";
    var asked = ++announcements;
    function announce(text) {
      if (asked === announcements) {
        status.textContent = text || element.dataset.pinPlaced;
      }
    }
    if (!element.dataset.placeUrl || !window.fetch) {
      window.setTimeout(announce, 50);
      return;
    }
    var query = "?lat=" + encodeURIComponent(latitude.value) +
      "&lng=" + encodeURIComponent(longitude.value);
    window.fetch(element.dataset.placeUrl + query, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : {}; })
      .then(function (answer) { announce(answer.text); })
      .catch(function () { announce(); });
  }
  var announcements = 0;

  if (latitude.value && longitude.value) {
    place(window.L.latLng(parseFloat(latitude.value), parseFloat(longitude.value)));
    map.setView(marker.getLatLng(), Math.max(map.getZoom(), 14));
  }
  map.on("click", function (event) {
    place(event.latlng);
  });
  centre.addEventListener("click", function () {
    place(map.getCenter());
  });
})();
