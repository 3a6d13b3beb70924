// Keep filter URLs short and shareable: htmx GETs from a form marked data-drop-empty leave out
// the fields that are empty ("?q=robotyne", not "?q=robotyne&sort=&tag=&…").
document.addEventListener("htmx:configRequest", (event) => {
  const source = event.detail.elt.closest("[data-drop-empty]");
  if (!source || event.detail.verb !== "get") return;
  for (const [name, value] of Object.entries(event.detail.parameters)) {
    if (value === "" || (Array.isArray(value) && value.length === 0)) delete event.detail.parameters[name];
  }
});

// Review queue from the keyboard: "j" and "k" move to the next and previous proposal (from anywhere
// on the page but a field); on a focused proposal, "a" approves and "r" opens the return note;
// Ctrl+Enter sends the note. After a decision, focus moves on to the next proposal.
const typing = (element) => element.closest && element.closest("input, textarea, select, [contenteditable]");

document.addEventListener("keydown", (event) => {
  if ((event.key !== "j" && event.key !== "k") || event.altKey || event.ctrlKey || event.metaKey) return;
  if (typing(event.target)) return;
  const rows = [...document.querySelectorAll("[data-review-row]")];
  if (rows.length === 0) return;
  event.preventDefault();
  const current = rows.indexOf(event.target.closest ? event.target.closest("[data-review-row]") : null);
  const next = current === -1 ? 0 : Math.min(Math.max(current + (event.key === "j" ? 1 : -1), 0), rows.length - 1);
  rows[next].focus();
  rows[next].scrollIntoView({ block: "nearest" });
});

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey && event.key === "Enter" && event.target.matches("[data-return] textarea")) {
    event.preventDefault();
    event.target.form.requestSubmit();
    return;
  }
  const row = event.target.closest ? event.target.closest("[data-review-row]") : null;
  if (!row || event.target !== row || event.altKey || event.ctrlKey || event.metaKey) return;
  if (event.key === "a") {
    const approve = row.querySelector("[data-approve]");
    const note = row.querySelector("[data-key-note]");
    if (approve && !approve.disabled) {
      event.preventDefault();
      approve.form.requestSubmit();
    } else if (note) {
      // A blocked proposal says why instead of doing nothing.
      event.preventDefault();
      note.textContent = approve
        ? `Cannot approve: ${approve.title}`
        : "You cannot approve this proposal: another editor decides it.";
    }
  } else if (event.key === "r") {
    const box = row.querySelector("[data-return]");
    const note = row.querySelector("[data-key-note]");
    if (box) {
      event.preventDefault();
      box.open = true;
      box.querySelector("textarea").focus();
    } else if (note) {
      event.preventDefault();
      note.textContent = "You cannot return this proposal: another editor decides it.";
    }
  }
});

// After a decision the row becomes a one-line "done" note: focus moves to the next proposal (or to
// the note when none is left). After a refusal the row comes back with its reason: focus stays on it.
document.addEventListener("htmx:beforeSwap", (event) => {
  const row = event.detail.target;
  if (!row || !row.matches || !row.matches("[data-review-row]")) return;
  let next = row.nextElementSibling;
  while (next && !next.matches("[data-review-row]")) next = next.nextElementSibling;
  row.dataset.nextRow = next ? next.id : "";
});

document.addEventListener("htmx:afterSwap", (event) => {
  const row = event.detail.target;
  if (!row || !row.dataset || row.dataset.nextRow === undefined) return;
  const decided = event.detail.xhr.status === 200;
  const reviewId = row.id.replace("review-", "");
  const focusTarget = decided
    ? document.getElementById(row.dataset.nextRow) || document.getElementById(`decided-${reviewId}`)
    : document.getElementById(row.id);
  if (focusTarget) focusTarget.focus();
});

// The bulk-assign form returns to the list as it is now (filters change the URL without a reload).
document.addEventListener("submit", (event) => {
  if (event.target.id === "bulk-assign") {
    event.target.querySelector("input[name=next]").value = window.location.pathname + window.location.search;
  }
});

// "Copy hash" buttons on captures: the full SHA-256 to the clipboard, and the button says so.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button || !navigator.clipboard) return;
  navigator.clipboard.writeText(button.dataset.copy).then(() => {
    button.textContent = "Copied";
  });
});

// On a phone the list's secondary filters start folded, unless one of them is set, so the first
// screen shows the search, the statuses and results rather than a wall of menus.
document.addEventListener("DOMContentLoaded", () => {
  if (!window.matchMedia("(max-width: 700px)").matches) return;
  for (const panel of document.querySelectorAll("details[data-fold-on-phone]")) {
    const set = [...panel.querySelectorAll("input, select")].some((field) => field.value !== "");
    if (!set) panel.removeAttribute("open");
  }
});

// A typeahead inside a formset (the intake page's cards: "candidates-2-claimant_name") asks for
// suggestions under the name the suggestion view reads (data-suggest-as).
document.addEventListener("htmx:configRequest", (event) => {
  const field = event.detail.elt;
  const name = field.dataset && field.dataset.suggestAs;
  if (!name) return;
  delete event.detail.parameters[field.name];
  event.detail.parameters[name] = field.value;
});
