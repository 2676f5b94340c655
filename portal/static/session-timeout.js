/* Idle-timeout warning (progressive enhancement; without JavaScript the session page and the
   sign-in message after a timeout still say what happened). Shows the warning that the server
   rendered hidden in the page a little before the idle timeout, and keeps the page (and anything
   typed in it) when the user chooses to stay signed in. */
(function () {
  "use strict";
  var warning = document.getElementById("session-warning");
  if (!warning || !window.fetch) { return; }
  var idle = parseInt(warning.getAttribute("data-idle-seconds"), 10);
  var before = parseInt(warning.getAttribute("data-warning-seconds"), 10);
  var form = warning.querySelector("form");
  var timer = null;

  function show() {
    warning.hidden = false;
    var button = warning.querySelector("button");
    if (button) { button.focus(); }
  }

  function schedule() {
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(show, Math.max(0, idle - before) * 1000);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    window.fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      redirect: "manual"
    }).then(function () {
      warning.hidden = true;
      schedule();
    }, function () { form.submit(); });
  });
  schedule();
}());
