/* global document */
// On narrow screens the navigation folds behind "Menü"; without this script it simply wraps.
const topbar = document.querySelector('.topbar');
const toggle = topbar?.querySelector('.menu-toggle');
const menu = topbar?.querySelector('.topbar-menu');

if (toggle && menu) {
  topbar.classList.add('collapsible');
  toggle.hidden = false;
  const open = (yes) => {
    toggle.setAttribute('aria-expanded', String(yes));
    menu.classList.toggle('open', yes);
  };
  toggle.addEventListener('click', () => open(toggle.getAttribute('aria-expanded') !== 'true'));
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && menu.classList.contains('open')) {
      open(false);
      toggle.focus();
    }
  });
}
