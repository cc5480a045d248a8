/* global document, window, setTimeout, clearTimeout */
import { api, showMessage } from './api.js';

const PREVIEW_DELAY_MS = 300;
const card = document.getElementById('settings-card');
const form = document.getElementById('settings-form');
const result = card?.querySelector('[data-role="settings-result"]');
const runs = card?.querySelector('[data-role="preview-runs"]');
const retention = card?.querySelector('[data-role="preview-retention"]');
const removeList = card?.querySelector('[data-role="preview-remove"]');
let previewTimer;
let previewCount = 0;

/** The fields whose input differs from the value in force: only these are previewed and saved. */
function changedValues() {
  const values = {};
  for (const field of form.querySelectorAll('[data-field][data-value]')) {
    const input = field.querySelector('input, select');
    if (input && input.value.trim() !== field.dataset.value) values[input.name] = input.value;
  }
  return values;
}

function version() {
  return Number(card.dataset.version);
}

function fill(list, items) {
  list.replaceChildren(
    ...items.map((text) => {
      const li = document.createElement('li');
      li.textContent = text;
      return li;
    }),
  );
}

async function preview() {
  const asked = ++previewCount;
  try {
    const { preview: p } = await api('POST', '/admin/api/settings/preview', { values: changedValues() });
    if (asked !== previewCount) return;
    fill(runs, p.nextRunsText);
    retention.textContent =
      p.remove.length === 0
        ? `Kein Backup würde gelöscht; ${p.keep} bleiben.`
        : `${p.remove.length} ${p.remove.length === 1 ? 'Backup würde' : 'Backups würden'} beim nächsten Aufräumen gelöscht; ${p.keep} bleiben:`;
    fill(removeList, p.remove.map((b) => `${b.name} (${b.kindLabel})`));
    showMessage(result, '');
  } catch (error) {
    if (asked !== previewCount) return;
    showMessage(result, error.message, 'err');
  }
}

async function change(body, button) {
  if (button) button.disabled = true;
  try {
    await api('PUT', '/admin/api/settings', { version: version(), ...body });
    showMessage(result, 'Einstellungen gespeichert.', 'ok');
    window.location.reload();
  } catch (error) {
    showMessage(result, error.message, 'err');
    if (button) button.disabled = false;
  }
}

if (form) {
  form.addEventListener('input', () => {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(preview, PREVIEW_DELAY_MS);
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const values = changedValues();
    if (Object.keys(values).length === 0) {
      showMessage(result, 'Nichts geändert.', 'warn');
      return;
    }
    void change({ values }, form.querySelector('[data-action="save-settings"]'));
  });
  form.addEventListener('click', (event) => {
    const button = event.target.closest('[data-action="reset-setting"]');
    if (button) void change({ reset: [button.dataset.field] }, button);
  });
  void preview();
}
