// Keep filter URLs short and shareable: htmx GETs from a form marked data-drop-empty leave out
// the fields that are empty ("?q=robotyne", not "?q=robotyne&sort=&tag=&…").
document.addEventListener("htmx:configRequest", (event) => {
  const source = event.detail.elt.closest("[data-drop-empty]");
  if (!source || event.detail.verb !== "get") return;
  for (const [name, value] of Object.entries(event.detail.parameters)) {
    if (value === "" || (Array.isArray(value) && value.length === 0)) delete event.detail.parameters[name];
  }
});
