// "Print this list": a button shown only where JavaScript can print (without it, the
// browser's own Print command prints the same page; the print styles hide the forms).
(function () {
  "use strict";
  var panel = document.getElementById("fc-print-panel");
  var button = document.getElementById("fc-print");
  if (!panel || !button || typeof window.print !== "function") {
    return;
  }
  panel.hidden = false;
  button.addEventListener("click", function () {
    window.print();
  });
})();
