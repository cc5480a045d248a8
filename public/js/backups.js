/* global document, window, FormData */
import { api, backupUrl, showMessage } from './api.js';
import { wireCreateButtons } from './create-backup.js';
import { watchOperations } from './operations.js';
import { countOf } from './wording.js';

const documents = (count) => countOf(count, 'Dokument', 'Dokumente');

const message = document.getElementById('message');
const reloadSoon = () => window.setTimeout(() => window.location.reload(), 800);

wireCreateButtons(message);
watchOperations({ onFinished: reloadSoon });

document.querySelector('table.backups')?.addEventListener('click', async (event) => {
  const button = event.target.closest('button[data-action]');
  if (!button) return;
  const name = button.closest('tr')?.dataset.name;
  if (!name) return;
  if (button.dataset.action === 'verify') await verify(button, name);
  if (button.dataset.action === 'delete') await remove(button, name);
  if (button.dataset.action === 'pin' || button.dataset.action === 'unpin') await togglePin(button, name);
});

async function togglePin(button, name) {
  const pin = button.dataset.action === 'pin';
  button.disabled = true;
  try {
    await api(pin ? 'POST' : 'DELETE', backupUrl(name, '/pin'));
    showMessage(message, pin ? `${name} wird behalten und nie automatisch gelöscht.` : `${name} wird nicht mehr behalten.`, 'ok');
    reloadSoon();
  } catch (error) {
    showMessage(message, error.message, 'err');
    button.disabled = false;
  }
}

async function verify(button, name) {
  button.disabled = true;
  showMessage(message, `${name} wird geprüft …`);
  try {
    const result = await api('POST', backupUrl(name, '/verify'));
    if (result.contentChecked === false) {
      showMessage(
        message,
        `${name}: Größe und SHA-256 stimmen (${documents(result.documents)} laut Beschreibung). Den Inhalt prüft erst der geheime Schlüssel: ` +
          'auf der Seite „Wiederherstellen“ eingeben und „Mit diesem Schlüssel prüfen“ wählen.',
        'warn',
      );
    } else showMessage(message, `${name} ist vollständig und unverändert (${documents(result.documents)}).`, 'ok');
    reloadSoon();
  } catch (error) {
    showMessage(message, error.message, 'err');
    reloadSoon();
  } finally {
    button.disabled = false;
  }
}

const PLACE_WORDS = { local: 'lokal', s3: 'extern' };

async function remove(button, name) {
  const row = button.closest('tr');
  const locations = (row?.dataset.locations || 'local').split(',');
  const places = locations.length > 1 ? await choosePlaces(name) : window.confirm(`Backup ${name} (${PLACE_WORDS[locations[0]]}) endgültig löschen?`) ? locations : [];
  if (places.length === 0) return;
  button.disabled = true;
  try {
    await api('DELETE', `${backupUrl(name)}?places=${places.join(',')}`);
    showMessage(message, `${name} wurde gelöscht (${places.map((p) => PLACE_WORDS[p]).join(' und ')}).`, 'ok');
    if (places.length === locations.length) row?.remove();
    else reloadSoon();
  } catch (error) {
    showMessage(message, error.message, 'err');
    button.disabled = false;
  }
}

/** Asks in a dialog where a backup that is in both places is to be deleted; [] when cancelled. */
function choosePlaces(name) {
  const dialog = document.getElementById('delete-dialog');
  dialog.querySelector('[data-role="delete-name"]').textContent = name;
  for (const box of dialog.querySelectorAll('input[name="place"]')) box.checked = true;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => resolve(dialog.returnValue === 'delete' ? [...dialog.querySelectorAll('input[name="place"]:checked')].map((box) => box.value) : []),
      { once: true },
    );
  });
}

const uploadForm = document.getElementById('upload-form');
const uploadIdentity = document.getElementById('upload-identity');
document.getElementById('upload-identity-file')?.addEventListener('change', async (event) => {
  const keyFile = event.currentTarget.files[0];
  if (keyFile) uploadIdentity.value = await keyFile.text();
  event.currentTarget.value = '';
});

uploadForm?.querySelector('#upload-file').addEventListener('change', (event) => {
  const file = event.currentTarget.files[0];
  uploadForm.querySelector('[data-role="file-name"]').textContent = file ? file.name : 'keine Datei gewählt';
  uploadForm.querySelector('button[type="submit"]').disabled = !file;
});

uploadForm?.addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const submit = form.querySelector('button[type="submit"]');
  const file = form.querySelector('#upload-file').files[0];
  if (!file) return;
  const data = new FormData();
  // The key of an encrypted upload travels only in this request's body.
  if (uploadIdentity?.value.trim()) data.append('identity', uploadIdentity.value);
  data.append('file', file);
  submit.disabled = true;
  showMessage(message, `${file.name} wird hochgeladen und geprüft …`);
  try {
    const result = await api('POST', '/admin/api/backups/upload', data);
    const skipped = result.skipped.length > 0 ? ` Nicht übernommen: ${result.skipped.join(', ')}.` : '';
    showMessage(message, `Gespeichert als ${result.backup.name} (${documents(result.backup.documents)}).${skipped}`, 'ok');
    reloadSoon();
  } catch (error) {
    showMessage(message, `Upload abgelehnt: ${error.message}`, 'err');
  } finally {
    form.reset();
    form.querySelector('[data-role="file-name"]').textContent = 'keine Datei gewählt';
  }
});
