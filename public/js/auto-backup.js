/* global document, window */
import { api, showMessage } from './api.js';

const REFRESH_MS = 5000;
const message = document.getElementById('message');
const log = document.getElementById('log');

for (const [action, path] of [
  ['scheduler-start', '/admin/api/scheduler/start'],
  ['scheduler-stop', '/admin/api/scheduler/stop'],
]) {
  const button = document.querySelector(`[data-action="${action}"]`);
  button?.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await api('POST', path);
      window.location.reload();
    } catch (error) {
      showMessage(message, error.message, 'err');
      button.disabled = false;
    }
  });
}

const drillButton = document.querySelector('[data-action="drill"]');
const drillMessage = document.getElementById('drill-message');
drillButton?.addEventListener('click', async () => {
  drillButton.disabled = true;
  showMessage(drillMessage, 'Wiederherstellungstest läuft … (Backup wird in die Testdatenbank geladen und verglichen)', 'warn');
  try {
    const { drill } = await api('POST', '/admin/api/drill', {});
    const text = drill.ok
      ? `Wiederherstellungstest erfolgreich: ${drill.backup} (${drill.documents} Dokumente byte-genau verglichen)`
      : `Wiederherstellungstest fehlgeschlagen: ${drill.backup}: ${drill.reason}`;
    showMessage(drillMessage, text, drill.ok ? 'ok' : 'err');
    const last = document.querySelector('[data-role="drill-last"]');
    if (last) last.textContent = `${drill.summary} – ${drill.backup}`;
  } catch (error) {
    showMessage(drillMessage, `Wiederherstellungstest nicht möglich: ${error.message}`, 'err');
  } finally {
    drillButton.disabled = false;
  }
});

const testMailButton = document.querySelector('[data-action="test-mail"]');
const testMailResult = document.querySelector('[data-role="test-mail-result"]');
testMailButton?.addEventListener('click', async () => {
  testMailButton.disabled = true;
  showMessage(testMailResult, 'Test-E-Mail wird gesendet …');
  try {
    const sent = await api('POST', '/admin/api/mail/test');
    showMessage(testMailResult, `Test-E-Mail an ${sent.recipients.join(', ')} gesendet. Antwort des Servers: ${sent.response}`, 'ok');
  } catch (error) {
    showMessage(testMailResult, error.message, 'err');
  } finally {
    testMailButton.disabled = false;
  }
});

let refresher;

async function refreshLog() {
  try {
    const { lines } = await api('GET', `/admin/api/log?lines=${encodeURIComponent(log.dataset.lines)}`);
    const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 8;
    log.textContent = lines.length > 0 ? lines.join('\n') : '(noch keine Einträge)';
    if (atBottom) log.scrollTop = log.scrollHeight;
  } catch (error) {
    // Signed out, the session expired or the account is no admin any more: stop asking.
    if (error.status === 401 || error.status === 403) {
      window.clearInterval(refresher);
      showMessage(message, `Protokoll wird nicht mehr aktualisiert: ${error.message}. Bitte neu anmelden.`, 'err');
      return;
    }
    showMessage(message, `Protokoll konnte nicht geladen werden: ${error.message}`, 'err');
  }
}

log.scrollTop = log.scrollHeight;
refresher = window.setInterval(refreshLog, REFRESH_MS);
