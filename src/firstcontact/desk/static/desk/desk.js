// Staff pages' small enhancements; each page works without them.
//
// The contact timer counts up from the contact's start time as the server recorded it
// (data-started, Unix seconds); without JavaScript the page shows the start time alone.
(function () {
  "use strict";
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function format(seconds) {
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    return (h ? h + ":" + pad(m) : String(m)) + ":" + pad(s);
  }
  function startTimers(root) {
    var timers = (root || document).querySelectorAll(".fc-timer[data-started]");
    Array.prototype.forEach.call(timers, function (timer) {
      if (timer.dataset.running) return;
      timer.dataset.running = "1";
      var started = Number(timer.dataset.started) * 1000;
      var elapsed = timer.querySelector(".fc-timer__elapsed");
      timer.hidden = false;
      function tick() {
        elapsed.textContent = format(Math.max(0, Math.floor((Date.now() - started) / 1000)));
      }
      tick();
      window.setInterval(tick, 1000);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { startTimers(document); });
  document.addEventListener("htmx:load", function (event) { startTimers(event.detail.elt); });
})();
