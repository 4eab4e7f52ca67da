// wharf's only script of its own, served from /assets so the Content-Security-Policy can forbid
// inline script: a file input marked data-fills="<textarea id>" reads the chosen file into that
// textarea, and the form posts it as text (with the form's token).
document.addEventListener("change", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || !input.dataset.fills) return;
  const file = input.files && input.files[0];
  if (!file) return;
  file.text().then((text) => {
    document.getElementById(input.dataset.fills).value = text;
  });
});
