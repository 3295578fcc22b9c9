// Refresh the "Today's queues" table every 15 seconds from the JSON endpoint, without
// reloading the page. Without JavaScript the page's "Refresh" link does the same.
(function () {
  "use strict";
  var container = document.querySelector("[data-live-url]");
  if (!container || !window.fetch) { return; }
  var url = container.getAttribute("data-live-url");
  var body = container.querySelector("[data-live-body]");
  var updated = document.querySelector("[data-live-updated]");
  var status = document.querySelector("[data-live-status]");
  var failures = 0;

  function cell(tag, text, numeric, isHeader) {
    var el = document.createElement(tag);
    el.className = isHeader ? "govuk-table__header" :
      "govuk-table__cell" + (numeric ? " govuk-table__cell--numeric" : "");
    if (isHeader) { el.setAttribute("scope", "row"); }
    el.textContent = text;
    return el;
  }

  function render(data) {
    if (!body) { return; }
    var fragment = document.createDocumentFragment();
    data.rows.forEach(function (row) {
      var tr = document.createElement("tr");
      tr.className = "govuk-table__row";
      row.forEach(function (text, i) {
        tr.appendChild(cell(i === 0 ? "th" : "td", text, data.numeric[i], i === 0));
      });
      fragment.appendChild(tr);
    });
    body.replaceChildren(fragment);
    if (updated) {
      updated.textContent = data.updated_display;
      updated.setAttribute("datetime", data.updated);
    }
  }

  function refresh() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (data) {
        failures = 0;
        render(data);
        if (status) { status.textContent = ""; }
      })
      .catch(function () {
        failures += 1;
        if (status && failures === 3) {
          status.textContent = "The figures could not be updated. Use the Refresh link.";
        }
      });
  }

  window.setInterval(refresh, 15000);
})();
