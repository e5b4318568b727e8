// Starts GOV.UK Frontend's components (error summary focus, character counts, tabs …).
import { initAll } from "../vendor/govuk-frontend/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
