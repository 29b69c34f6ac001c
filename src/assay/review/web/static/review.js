// The review app's keys: 1/2/3 give the verdicts, J/K go to the next/previous item, N writes a
// note (Escape leaves it). Plain JavaScript, no build step, nothing from elsewhere.
"use strict";
document.addEventListener("keydown", (event) => {
  const target = event.target;
  if (target && ["TEXTAREA", "INPUT", "SELECT"].includes(target.tagName)) {
    if (event.key === "Escape") target.blur();
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const key = event.key.toLowerCase();
  const button = document.querySelector(`button[data-key="${key}"]`);
  if (button) {
    event.preventDefault();
    button.click();
    return;
  }
  const link = document.querySelector(`a[data-key="${key}"]`);
  if (link) {
    event.preventDefault();
    window.location.assign(link.href);
    return;
  }
  if (key === "n") {
    const note = document.getElementById("note");
    if (note) {
      event.preventDefault();
      note.focus();
    }
  }
});
// one verdict per page: a second key press while the form is being sent does nothing
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.dataset.sent) {
    event.preventDefault();
    return;
  }
  form.dataset.sent = "1";
});
