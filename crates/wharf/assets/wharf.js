// wharf's only script of its own, served from /assets so the Content-Security-Policy can forbid
// inline script. Every page works without it; it adds two conveniences.

// A file input marked data-fills="<textarea id>" reads the chosen file into that textarea, and
// the form posts it as text (with the form's token).
document.addEventListener("change", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || !input.dataset.fills) return;
  const file = input.files && input.files[0];
  if (!file) return;
  file.text().then((text) => {
    document.getElementById(input.dataset.fills).value = text;
  });
});

// The navigation folds behind a Menu button on narrow screens. base.html renders the button
// hidden and the navigation open, so without this script nothing is out of reach; wharf.css
// hides the button on wide screens, where the navigation is always shown.
(() => {
  const toggle = document.getElementById("menu-toggle");
  const header = toggle && toggle.closest("header");
  if (!header) return;
  const setOpen = (open) => {
    toggle.setAttribute("aria-expanded", String(open));
    header.dataset.menu = open ? "open" : "closed";
  };
  setOpen(false);
  toggle.hidden = false;
  toggle.addEventListener("click", () => {
    setOpen(toggle.getAttribute("aria-expanded") !== "true");
  });
  // Escape closes an open menu and puts the keyboard back on its button.
  header.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || header.dataset.menu !== "open") return;
    setOpen(false);
    toggle.focus();
  });
})();
