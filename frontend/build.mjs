// Builds FirstContact's static front-end into var/frontend/, which Django serves through
// STATICFILES_DIRS (and `collectstatic` gathers for production). Run by `make frontend`
// (part of `make setup`) after `npm ci`; safe to run again: the output is rebuilt from scratch.
//
// To add a package (Leaflet, say): `npm install leaflet`, then add its files to COPIES below.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const modules = join(root, "node_modules");
const out = join(root, "var", "frontend");

// [from (under node_modules), to (under the static root)]: files or whole folders.
const COPIES = [
  ["govuk-frontend/dist/govuk/govuk-frontend.min.js", "govuk-frontend/govuk-frontend.min.js"],
  ["govuk-frontend/dist/govuk/govuk-frontend.min.js.map", "govuk-frontend/govuk-frontend.min.js.map"],
  // Images only: the fonts are GDS Transport, which is for GOV.UK alone (see firstcontact.scss).
  ["govuk-frontend/dist/govuk/assets/images", "govuk-frontend/assets/images"],
  // htmx: staff pages swap parts of themselves in place; every page also works without it.
  ["htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"],
  // Leaflet: the resident site's "drop a pin" map (the tile server is the LEAFLET_TILE_URL
  // setting); reports also work without it, by postcode or address.
  ["leaflet/dist/leaflet.js", "leaflet/leaflet.js"],
  ["leaflet/dist/leaflet.css", "leaflet/leaflet.css"],
  ["leaflet/dist/images", "leaflet/images"],
];

// [Sass entry point (under frontend/), CSS written (under the static root)].
const STYLESHEETS = [["firstcontact.scss", "firstcontact/firstcontact.css"]];

rmSync(out, { recursive: true, force: true });
for (const [from, to] of COPIES) {
  const target = join(out, to);
  mkdirSync(dirname(target), { recursive: true });
  cpSync(join(modules, from), target, { recursive: true });
}
for (const [entry, to] of STYLESHEETS) {
  const result = sass.compile(join(root, "frontend", entry), {
    loadPaths: [modules],
    style: "compressed",
    quietDeps: true,
  });
  const target = join(out, to);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, result.css);
}
console.log(`Front-end assets built in ${out}`);
