// A field form that survives a dropped network. Sending is done with fetch instead of the browser's own
// POST: when the network is gone the page stays as it is, with what was typed (held by the page alone —
// nothing is written to localStorage, sessionStorage or IndexedDB: it is personal data), and says so in
// the form's alert region; the form is sent again when the browser is back online or when the worker asks
// to. The server answers as to any post — the CSRF token is one of the form's fields — and its answer is
// shown as the page: the page after the redirect (the URL follows), or the form with its errors.

export function keepWhenOffline(form, restart) {
  if (form.dataset.offlineReady) return;
  form.dataset.offlineReady = "true";
  const alert = document.querySelector("[data-offline-alert]");
  const message = document.querySelector("template[data-offline-message]");
  let sending = false;
  let waiting = false;

  const showPage = (html, url) => {
    const page = new DOMParser().parseFromString(html, "text/html");
    if (url) window.history.replaceState(null, "", url);
    document.title = page.title;
    document.body.replaceWith(document.adoptNode(page.body));
    window.scrollTo(0, 0);
    restart(document.body);
  };

  const offline = () => {
    sending = false;
    if (waiting) return; // already said; a second alert would only repeat it
    waiting = true;
    alert.replaceChildren(message.content.cloneNode(true));
    alert.querySelector("[data-offline-retry]").addEventListener("click", send);
  };

  const send = async () => {
    if (sending) return; // one request at a time: a second tap does not record the contact twice
    sending = true;
    let response;
    let html;
    try {
      response = await fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" });
      html = await response.text();
    } catch {
      // The network went away. After a redirect the server has already saved: show where it led.
      if (response && response.redirected) window.location.assign(response.url);
      else offline();
      return;
    }
    waiting = false;
    window.removeEventListener("online", whenOnline);
    showPage(html, response.redirected ? response.url : null);
  };

  const whenOnline = () => {
    if (waiting) send();
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    send();
  });
  window.addEventListener("online", whenOnline);
}

export function keepFormsWhenOffline(scope, restart) {
  scope.querySelectorAll('form[data-module="samsyn-offline-form"]').forEach((form) => keepWhenOffline(form, restart));
}
