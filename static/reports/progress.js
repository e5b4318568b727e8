// Follows a long report's progress: asks the status URL every two seconds, updates the progress bar
// and its text, and reloads the page when the report is finished (or has failed).
(function () {
  const element = document.querySelector("[data-report-status-url]");
  if (!element) {
    return;
  }
  const bar = element.querySelector("progress");
  const text = element.querySelector("[data-report-progress-text]");
  const initial = element.getAttribute("data-report-status");
  async function poll() {
    try {
      const response = await fetch(element.getAttribute("data-report-status-url"), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (response.ok) {
        const body = await response.json();
        bar.value = body.progress;
        text.textContent = body.progress + " %";
        if (body.status !== initial && body.status !== "running" && body.status !== "queued") {
          window.location.reload();
          return;
        }
      }
    } catch (error) {
      // A lost connection: try again on the next tick.
    }
    window.setTimeout(poll, 2000);
  }
  window.setTimeout(poll, 2000);
})();
