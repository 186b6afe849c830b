/* Hearth's only script. Pages work without it; it makes them quicker and kinder.
   Loaded after htmx (both deferred), so the config below applies before htmx starts. */
(function () {
  "use strict";

  if (window.htmx) {
    // A strict Content-Security-Policy: no eval, no injected <style>.
    htmx.config.allowEval = false;
    htmx.config.includeIndicatorStyles = false;
    htmx.config.allowScriptTags = false;
    // Private answers must not be kept in the browser's storage for the back button.
    htmx.config.historyCacheSize = 0;
    htmx.config.refreshOnHistoryMiss = true;
    htmx.config.selfRequestsOnly = true;
    // Never carry a style attribute across a swap: the CSP would refuse it.
    htmx.config.attributesToSettle = ["class", "width", "height"];
    // Invalid input comes back as 422 (and a conflict as 409) with the form re-rendered:
    // swap it like a success so the messages appear next to the fields.
    htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "409", swap: true },
      { code: "422", swap: true },
      { code: "[45]..", swap: false, error: true },
    ];
  }

  // A boosted link or form (a whole page) shows whatever page comes back, errors included:
  // "too many attempts", "not found" and the like are full pages, not snippets.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.boosted && event.detail.xhr.status >= 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  function showProblem(html) {
    var area = document.getElementById("flash");
    if (!area) return;
    area.innerHTML = html;
    area.scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    showProblem(xhr && xhr.responseText ? xhr.responseText :
      '<p class="flash flash-error" role="alert">Something went wrong. Please try again.</p>');
  });

  document.addEventListener("htmx:sendError", function () {
    showProblem('<p class="flash flash-error" role="alert">We couldn\'t reach Hearth. ' +
      "Please check your connection; what you typed is still here.</p>");
  });

  // Copy buttons: shown only when a script can use the clipboard.
  function setUpCopyButtons(root) {
    root.querySelectorAll("[data-copy]").forEach(function (button) {
      if (!navigator.clipboard) return;
      button.hidden = false;
    });
  }

  // A new couple's time zone, when the counselor has no earlier choice: this browser's
  // own zone, if the picker has it (without a script the server's default stays).
  function setUpBrowserZone(root) {
    root.querySelectorAll("select[data-browser-zone]").forEach(function (select) {
      select.removeAttribute("data-browser-zone");
      var zone;
      try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
      if (!zone) return;
      for (var i = 0; i < select.options.length; i++) {
        if (select.options[i].value === zone) { select.value = zone; return; }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () { setUpBrowserZone(document); });
  document.addEventListener("htmx:load", function (event) { setUpBrowserZone(event.detail.elt); });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) return;
    navigator.clipboard.writeText(field.value).then(function () {
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = "Copy"; }, 2000);
    }, function () {
      field.select();
    });
  });

  // After a swap, put focus where the person's attention should go: the message about
  // what just happened, else the first field that needs another look.
  document.addEventListener("htmx:afterSettle", function (event) {
    var root = event.detail.elt && event.detail.elt.isConnected ? event.detail.elt : document;
    var target = document.querySelector("[data-focus]") ||
      root.querySelector('[aria-invalid="true"]');
    if (target && target !== document.activeElement) {
      if (!target.hasAttribute("tabindex") && !/^(INPUT|TEXTAREA|SELECT|BUTTON|A)$/.test(target.tagName)) {
        target.setAttribute("tabindex", "-1");
      }
      target.focus({ preventScroll: false });
    }
  });

  // A need kept for the counselor: its steps are worded for the counselor, since the
  // partner never sees them (the page says so without a script too, after saving).
  document.addEventListener("change", function (event) {
    var form = event.target.closest("[data-steps-label-shared]");
    if (!form || event.target.name !== "visibility") return;
    var label = form.querySelector('label[for="steps"]');
    if (!label) return;
    label.textContent = event.target.value === "shared" ?
      form.getAttribute("data-steps-label-shared") : form.getAttribute("data-steps-label-private");
  });

  document.addEventListener("DOMContentLoaded", function () { setUpCopyButtons(document); });
  document.addEventListener("htmx:load", function (event) { setUpCopyButtons(event.detail.elt); });
})();
