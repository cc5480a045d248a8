/* global document */
import { api, backupUrl, showMessage } from './api.js';
import { showStarting, watchOperations } from './operations.js';

const CONFIRM_WORD = 'WIEDERHERSTELLEN';
const form = document.getElementById('restore-form');
const message = document.getElementById('message');
const submit = form.querySelector('button[type="submit"]');
const word = document.getElementById('confirm-word');
const confirmIndexes = document.getElementById('confirm-indexes');
let started;

const selected = () => [...form.querySelectorAll('input[name="collections"]:checked')].map((box) => box.value);
/** New TTL or unique indexes of the chosen collections need their own confirmation. */
const indexesNeedConfirmation = () =>
  [...document.querySelectorAll('#new-indexes li')].some((item) => selected().includes(item.dataset.collection)) && !confirmIndexes.checked;
const update = () => {
  submit.disabled = started !== undefined || word.value.trim() !== CONFIRM_WORD || selected().length === 0 || indexesNeedConfirmation();
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

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (word.value.trim() !== CONFIRM_WORD) return;
  submit.disabled = true;
  showMessage(message, '');
  try {
    const result = await api('POST', backupUrl(form.dataset.name, '/restore'), { collections: selected(), confirm: true, confirmIndexes: confirmIndexes?.checked === true });
    started = result.operation.id;
    showStarting(`Wiederherstellung aus ${form.dataset.name} läuft …`);
  } catch (error) {
    showMessage(message, error.message, 'err');
    update();
  }
});
