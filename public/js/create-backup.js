/* global document */
import { api, showMessage } from './api.js';
import { showStarting } from './operations.js';

/** Wires every "Backup erstellen" button to POST /admin/api/backups. */
export function wireCreateButtons(message) {
  for (const button of document.querySelectorAll('[data-action="create-backup"]')) {
    button.addEventListener('click', async () => {
      button.disabled = true;
      showMessage(message, '');
      try {
        const mail = document.querySelector('[data-role="send-mail"]')?.checked === true;
        await api('POST', '/admin/api/backups', mail ? { mail: true } : {});
        showStarting('Backup (manuell) läuft …');
      } catch (error) {
        showMessage(message, error.message, 'err');
      } finally {
        button.disabled = false;
      }
    });
  }
}
