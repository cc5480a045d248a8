/* global document, EventSource */
import { countOf, numbers } from './wording.js';

const PHASES = {
  backup: 'Daten werden gesichert',
  verify: 'Archiv wird geprüft',
  load: 'Daten werden geladen',
  swap: 'Collections werden ausgetauscht',
  'pre-restore': 'Daten sind wiederhergestellt; Sicherungs-Backup des ersetzten Stands wird geschrieben',
  cleanup: 'Aufräumen',
};

/** The progress bar (role=progressbar): a percentage, or none while the total is not known yet. */
function showProgress(bar, percent, text) {
  const fill = bar.querySelector('.progress-fill');
  if (percent === undefined) {
    bar.removeAttribute('aria-valuenow');
    bar.removeAttribute('aria-valuetext');
    bar.classList.add('indeterminate');
    fill.style.width = '';
    return;
  }
  bar.classList.remove('indeterminate');
  bar.setAttribute('aria-valuenow', String(percent));
  bar.setAttribute('aria-valuetext', text);
  // CSSOM, not a style attribute: the CSP allows no inline styles.
  fill.style.width = `${percent}%`;
}

/**
 * Follows the running backup or restore through server-sent events and
 * draws it into #operation; calls onFinished(last) when one ends.
 */
export function watchOperations({ onFinished } = {}) {
  const box = document.getElementById('operation');
  const result = document.getElementById('operation-result');
  if (!box) return () => undefined;
  const title = box.querySelector('[data-role="title"]');
  const bar = box.querySelector('[data-role="bar"]');
  const detail = box.querySelector('[data-role="detail"]');
  let lastId = result?.dataset.lastId ?? '';

  const source = new EventSource('/admin/api/operations/events');
  source.addEventListener('operation', (event) => {
    const state = JSON.parse(event.data);
    const running = state.running;
    if (running) {
      box.hidden = false;
      if (result) result.hidden = true;
      const p = running.progress;
      title.textContent = `${running.label} läuft …`;
      if (p && p.documentsTotal > 0) {
        const percent = Math.min(100, Math.floor((p.documentsDone / p.documentsTotal) * 100));
        const where = `${PHASES[p.phase] ?? p.phase}${p.collection ? ` – ${p.collection}` : ''}`;
        const text = `${numbers.format(p.documentsDone)} von ${countOf(p.documentsTotal, 'Dokument', 'Dokumenten')} (${percent} %)`;
        showProgress(bar, percent, text);
        detail.textContent = `${where}: ${text}`;
      } else {
        showProgress(bar, undefined);
        detail.textContent = p ? PHASES[p.phase] ?? p.phase : 'wird gestartet …';
      }
    } else {
      box.hidden = true;
    }
    const last = state.last;
    if (last && last.id !== lastId) {
      lastId = last.id;
      if (result) {
        const success = last.message && last.message !== 'erfolgreich' ? last.message : 'erfolgreich abgeschlossen';
        result.textContent = `${last.label}: ${last.ok ? success : `fehlgeschlagen – ${last.message}`}`;
        result.classList.remove('ok', 'err');
        result.classList.add(last.ok ? 'ok' : 'err');
        result.hidden = false;
      }
      onFinished?.(last);
    }
  });
  return () => source.close();
}

/** Shows "wird gestartet" at once, before the first event arrives. */
export function showStarting(text) {
  const box = document.getElementById('operation');
  if (!box) return;
  box.hidden = false;
  box.querySelector('[data-role="title"]').textContent = text;
  showProgress(box.querySelector('[data-role="bar"]'), undefined);
  box.querySelector('[data-role="detail"]').textContent = 'wird gestartet …';
}
