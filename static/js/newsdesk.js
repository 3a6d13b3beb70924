// Keep filter URLs short and shareable: htmx GETs from a form marked data-drop-empty leave out
// the fields that are empty ("?q=robotyne", not "?q=robotyne&sort=&tag=&…").
document.addEventListener("htmx:configRequest", (event) => {
  const source = event.detail.elt.closest("[data-drop-empty]");
  if (!source || event.detail.verb !== "get") return;
  for (const [name, value] of Object.entries(event.detail.parameters)) {
    if (value === "" || (Array.isArray(value) && value.length === 0)) delete event.detail.parameters[name];
  }
});

// Review queue from the keyboard: on a focused proposal, "a" approves and "r" opens the return
// note; Ctrl+Enter sends the note. After a decision, focus moves on to the next proposal.
document.addEventListener("keydown", (event) => {
  if (event.ctrlKey && event.key === "Enter" && event.target.matches("[data-return] textarea")) {
    event.preventDefault();
    event.target.form.requestSubmit();
    return;
  }
  const row = event.target.closest ? event.target.closest("[data-review-row]") : null;
  if (!row || event.target !== row || event.altKey || event.ctrlKey || event.metaKey) return;
  if (event.key === "a") {
    const approve = row.querySelector("[data-approve]:not([disabled])");
    if (approve) {
      event.preventDefault();
      approve.form.requestSubmit();
    }
  } else if (event.key === "r") {
    const box = row.querySelector("[data-return]");
    if (box) {
      event.preventDefault();
      box.open = true;
      box.querySelector("textarea").focus();
    }
  }
});

document.addEventListener("htmx:beforeSwap", (event) => {
  const row = event.detail.target;
  if (row && row.matches && row.matches("[data-review-row]")) {
    let next = row.nextElementSibling;
    while (next && !next.matches("[data-review-row]")) next = next.nextElementSibling;
    row.dataset.focusNext = next ? next.id : "";
  }
});

document.addEventListener("htmx:afterSwap", (event) => {
  const nextId = event.detail.target && event.detail.target.dataset ? event.detail.target.dataset.focusNext : "";
  const next = nextId && document.getElementById(nextId);
  if (next) next.focus();
});
