// A service's places on a map (Leaflet), on the resident site's service page. Progressive
// enhancement: without JavaScript (or Leaflet) the panel stays hidden and the addresses beside
// it, in words, are the whole answer. Values come from data- attributes (no inline script:
// docs/security.md); tiles from settings.LEAFLET_TILE_URL, none when it is empty.
(function () {
  "use strict";
  var panel = document.getElementById("fc-service-map-panel");
  var element = document.getElementById("fc-service-map");
  if (!panel || !element || typeof window.L === "undefined") {
    return;
  }
  var points;
  try {
    points = JSON.parse(element.dataset.points || "[]");
  } catch (error) {
    return;
  }
  if (!points.length) {
    return;
  }
  panel.hidden = false;
  var map = window.L.map(element, { scrollWheelZoom: false });
  if (element.dataset.tiles) {
    window.L.tileLayer(element.dataset.tiles, {
      attribution: element.dataset.attribution || "",
      maxZoom: 19,
      referrerPolicy: "strict-origin-when-cross-origin",
    }).addTo(map);
  }
  var latlngs = [];
  points.forEach(function (point) {
    var latlng = window.L.latLng(point[0], point[1]);
    latlngs.push(latlng);
    window.L.marker(latlng, { keyboard: false, alt: point[2], title: point[2] }).addTo(map);
  });
  if (latlngs.length === 1) {
    map.setView(latlngs[0], 15);
  } else {
    map.fitBounds(window.L.latLngBounds(latlngs), { padding: [30, 30], maxZoom: 15 });
  }
})();
