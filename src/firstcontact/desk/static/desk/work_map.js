// The staff map of requests (/work/map/), with Leaflet. Progressive enhancement: the table of
// requests is the page; with JavaScript (and Leaflet) the map panel is shown above it with a
// pin for each row that has a point (its data-lat, data-lng, data-href, data-label). Pins
// that crowd together at the current zoom are drawn as one numbered circle; selecting it
// (click, or Enter when focused) zooms in on them. Styles are set through the DOM (the
// Content-Security-Policy allows no inline style attributes).
(function () {
  "use strict";
  var panel = document.getElementById("fc-work-map-panel");
  var element = document.getElementById("fc-work-map");
  var table = document.getElementById("fc-work-map-table");
  if (!panel || !element || !table || typeof window.L === "undefined") {
    return;
  }
  var L = window.L;
  var points = [];
  table.querySelectorAll("tr[data-lat]").forEach(function (row) {
    var lat = parseFloat(row.dataset.lat);
    var lng = parseFloat(row.dataset.lng);
    if (isFinite(lat) && isFinite(lng)) {
      points.push({ latlng: L.latLng(lat, lng), href: row.dataset.href, label: row.dataset.label });
    }
  });
  panel.hidden = false;

  var map = L.map(element, { scrollWheelZoom: false, maxZoom: 19, fadeAnimation: false });
  if (element.dataset.tiles) {
    L.tileLayer(element.dataset.tiles, {
      attribution: element.dataset.attribution || "",
      maxZoom: 19,
      referrerPolicy: "strict-origin-when-cross-origin",
    }).addTo(map);
  }
  if (points.length) {
    map.fitBounds(L.latLngBounds(points.map(function (p) { return p.latlng; })), {
      padding: [30, 30],
      maxZoom: 16,
    });
  } else if (element.dataset.bounds) {
    map.fitBounds(JSON.parse(element.dataset.bounds));
  } else {
    map.setView([54.0, -2.0], 6);
  }

  function popup(point) {
    var link = document.createElement("a");
    link.className = "govuk-link";
    link.href = point.href;
    link.textContent = point.label;
    return link;
  }

  function clusterIcon(count) {
    var circle = document.createElement("span");
    circle.textContent = String(count);
    circle.style.display = "flex";
    circle.style.alignItems = "center";
    circle.style.justifyContent = "center";
    circle.style.width = "36px";
    circle.style.height = "36px";
    circle.style.borderRadius = "50%";
    circle.style.background = "#1d70b8";
    circle.style.color = "#ffffff";
    circle.style.fontWeight = "700";
    circle.style.border = "3px solid #ffffff";
    circle.style.boxShadow = "0 0 0 2px #0b0c0c";
    return L.divIcon({ html: circle, className: "", iconSize: [36, 36] });
  }

  var layer = L.layerGroup().addTo(map);
  var CELL = 48; // pixels: pins closer than this at the current zoom are grouped

  function draw() {
    layer.clearLayers();
    var cells = {};
    points.forEach(function (point) {
      var pixel = map.project(point.latlng, map.getZoom());
      var key = Math.floor(pixel.x / CELL) + ":" + Math.floor(pixel.y / CELL);
      (cells[key] = cells[key] || []).push(point);
    });
    Object.keys(cells).forEach(function (key) {
      var group = cells[key];
      var bounds = L.latLngBounds(group.map(function (p) { return p.latlng; }));
      var onePlace = bounds.getNorthEast().equals(bounds.getSouthWest());
      if (group.length === 1 || onePlace || map.getZoom() >= map.getMaxZoom()) {
        group.forEach(function (point) {
          L.marker(point.latlng, { title: point.label, alt: point.label })
            .bindPopup(popup(point))
            .addTo(layer);
        });
        return;
      }
      var label = group.length + " requests here: select to zoom in";
      L.marker(bounds.getCenter(), { icon: clusterIcon(group.length), title: label })
        .on("click", function () {
          map.fitBounds(bounds, { padding: [40, 40], maxZoom: map.getMaxZoom() });
        })
        .addTo(layer)
        .getElement()
        .setAttribute("aria-label", label);
    });
  }

  map.on("zoomend", draw);
  draw();
})();
