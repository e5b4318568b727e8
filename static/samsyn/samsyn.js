// Starts GOV.UK Frontend's components (error summary focus, character counts, tabs …) and Samsyn's own
// enhancements. `start` runs again on a page that offline-form.js has put in place of the body.
import { initAll } from "../vendor/govuk-frontend/govuk-frontend.min.js";
import { keepFormsWhenOffline } from "./offline-form.js";
import { enhanceYouthPickers } from "./youth-picker.js";

function start(scope) {
  document.body.classList.add("js-enabled", "govuk-frontend-supported");
  initAll({ scope });
  enhanceYouthPickers(scope);
  keepFormsWhenOffline(scope, start);
}

start(document.body);
