// Starts GOV.UK Frontend's components (loaded by base.html as a module, so only browsers
// GOV.UK Frontend supports run it), and starts them again in content htmx swaps into staff
// pages. A file rather than an inline script: the Content-Security-Policy allows no inline
// script without the page's nonce.
import { initAll } from "../govuk-frontend/govuk-frontend.min.js";

initAll();
document.addEventListener("htmx:load", (event) => {
  if (event.detail.elt !== document.body) {
    initAll(event.detail.elt);
  }
});
