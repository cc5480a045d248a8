/* global document */
import { api, backupUrl, showMessage } from './api.js';
import { showStarting, watchOperations } from './operations.js';

const CONFIRM_WORD = 'WIEDERHERSTELLEN';
const form = document.getElementById('restore-form');
const message = document.getElementById('message');
const submit = form.querySelector('button[type="submit"]');
const word = document.getElementById('confirm-word');
const identity = document.getElementById('identity');
const identityFile = document.getElementById('identity-file');
const confirmIndexes = document.getElementById('confirm-indexes');
let started;

const selected = () => [...form.querySelectorAll('input[name="collections"]:checked')].map((box) => box.value);
/** The key of an encrypted backup goes only into the body of the one request that needs it. */
const keyText = () => identity?.value.trim() ?? '';
const keyMissing = () => identity?.dataset.required === 'true' && keyText() === '';
/** New TTL or unique indexes of the chosen collections need their own confirmation. */
const indexesNeedConfirmation = () =>
  [...document.querySelectorAll('#new-indexes li')].some((item) => selected().includes(item.dataset.collection)) && !confirmIndexes.checked;
const update = () => {
  submit.disabled =
    started !== undefined || word.value.trim() !== CONFIRM_WORD || selected().length === 0 || keyMissing() || indexesNeedConfirmation();
};
form.addEventListener('input', update);
form.addEventListener('change', update);

watchOperations({
  onFinished: (last) => {
    if (!started || last.id !== started) return;
    showMessage(
      message,
      !last.ok
        ? `Die Wiederherstellung ist fehlgeschlagen: ${last.message}`
        : last.message === 'erfolgreich'
          ? 'Die Wiederherstellung ist abgeschlossen. Das Sicherungs-Backup des ersetzten Stands steht unter „Alle Backups“ (Art „vor Wiederherstellung“); ' +
            'Änderungen, die währenddessen in Scandy gemacht wurden, stehen dort.'
          : `Die Wiederherstellung ist abgeschlossen, aber: ${last.message.replace(/^erfolgreich; /, '')}`,
      !last.ok ? 'err' : last.message === 'erfolgreich' ? 'ok' : 'warn',
    );
  },
});

identityFile?.addEventListener('change', async () => {
  const file = identityFile.files?.[0];
  if (!file) return;
  identity.value = await file.text();
  identityFile.value = '';
  update();
});

form.querySelector('[data-action="verify-with-key"]')?.addEventListener('click', async () => {
  showMessage(message, 'Archiv wird geprüft …');
  try {
    const result = await api('POST', backupUrl(form.dataset.name, '/verify'), keyText() ? { identity: keyText() } : {});
    showMessage(
      message,
      result.contentChecked
        ? `Geprüft: vollständig und unverändert (${result.documents} Dokumente).`
        : 'Größe und SHA-256 stimmen; den Inhalt prüft erst der geheime Schlüssel.',
      result.contentChecked ? 'ok' : 'warn',
    );
  } catch (error) {
    showMessage(message, error.message, 'err');
  }
});

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (word.value.trim() !== CONFIRM_WORD) return;
  submit.disabled = true;
  showMessage(message, '');
  try {
    const body = {
      collections: selected(),
      confirm: true,
      confirmIndexes: confirmIndexes?.checked === true,
      ...(keyText() ? { identity: keyText() } : {}),
    };
    const result = await api('POST', backupUrl(form.dataset.name, '/restore'), body);
    started = result.operation.id;
    if (identity) identity.value = '';
    showStarting(`Wiederherstellung aus ${form.dataset.name} läuft …`);
  } catch (error) {
    showMessage(message, error.message, 'err');
    update();
  }
});
