// Names for what Django's admin leaves unnamed (axe: empty-table-header, aria-input-field-name).
(function () {
  "use strict";

  // A tabular inline's first column heading is empty: it heads the saved record's name.
  function nameRecordColumns(root) {
    root.querySelectorAll("th.original").forEach(function (th) {
      if (!th.textContent.trim()) {
        var span = document.createElement("span");
        span.className = "visually-hidden";
        span.textContent = "Record";
        th.appendChild(span);
      }
    });
  }

  // Autocomplete drop-downs (select2) are comboboxes named by their current choice, which is
  // empty until one is made: name each after the field's label, then its choice.
  function nameComboboxes(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var box = select.parentElement.querySelector(".select2-selection[role='combobox']");
      if (!box || box.dataset.fcNamed) return;
      var labelElement = select.id && document.querySelector("label[for='" + select.id + "']");
      var label = select.getAttribute("aria-label") || (labelElement && labelElement.textContent);
      if (!label) return;
      var name = document.createElement("span");
      name.className = "visually-hidden";
      name.id = "fc-name-" + select.id;
      name.textContent = label.replace(/:\s*$/, "").trim();
      box.parentElement.insertBefore(name, box);
      var shown = box.getAttribute("aria-labelledby");
      box.setAttribute("aria-labelledby", name.id + (shown ? " " + shown : ""));
      box.dataset.fcNamed = "1";
    });
  }

  function nameAll() {
    nameRecordColumns(document);
    nameComboboxes(document);
  }

  window.addEventListener("load", nameAll);
  document.addEventListener("formset:added", function () { window.setTimeout(nameAll, 0); });
})();
