// The locations map (console/views.py locations_map): one circle per location, coloured by its
// EVSEs' statuses, each linking to the location's admin page. Data and settings come from the
// page's json_script blocks; Leaflet is served from our own static files.
(function () {
  "use strict";
  var COLOURS = {
    AVAILABLE: "#2e7d32", CHARGING: "#1565c0", RESERVED: "#6a1b9a", BLOCKED: "#ef6c00",
    OUTOFORDER: "#c62828", INOPERATIVE: "#c62828", PLANNED: "#757575", UNKNOWN: "#757575", NONE: "#9e9e9e"
  };
  // A location shows the most useful of its EVSEs' statuses: available beats charging beats the rest.
  var ORDER = ["AVAILABLE", "CHARGING", "RESERVED", "BLOCKED", "OUTOFORDER", "INOPERATIVE", "PLANNED", "UNKNOWN"];

  function statusOf(evses) {
    for (var i = 0; i < ORDER.length; i++) {
      if (evses.indexOf(ORDER[i]) !== -1) { return ORDER[i]; }
    }
    return "NONE";
  }

  function text(value) {
    var span = document.createElement("span");
    span.textContent = value;
    return span.innerHTML;
  }

  var settings = JSON.parse(document.getElementById("map-settings").textContent);
  var locations = JSON.parse(document.getElementById("map-locations").textContent);
  var map = L.map("locations-map");
  L.tileLayer(settings.tile_url, { maxZoom: 19, attribution: settings.attribution }).addTo(map);
  var bounds = [];
  locations.forEach(function (location) {
    var status = statusOf(location.evses);
    var url = settings.location_url.replace("{pk}", location.pk);
    var marker = L.circleMarker([location.lat, location.lng], {
      radius: 8, color: "#ffffff", weight: 1, fillColor: COLOURS[status], fillOpacity: 0.9
    }).addTo(map);
    marker.getElement && marker.getElement() && marker.getElement().setAttribute("data-status", status);
    marker.bindPopup(
      '<a href="' + text(url) + '"><strong>' + text(location.name) + "</strong></a><br>" +
      text(location.address) + "<br>" + text(location.partner) + "<br>EVSEs: " +
      (location.evses.length ? text(location.evses.join(", ")) : "none")
    );
    bounds.push([location.lat, location.lng]);
  });
  if (bounds.length) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 16 }); } else { map.setView([52.37, 4.9], 7); }
  document.getElementById("locations-map").setAttribute("data-markers", String(locations.length));
})();
