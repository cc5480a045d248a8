/* global document, EventSource */
const PHASES = {
  backup: 'Daten werden gesichert',
  verify: 'Archiv wird geprüft',
  load: 'Daten werden geladen',
  swap: 'Collections werden ausgetauscht',
  'pre-restore': 'Daten sind wiederhergestellt; Sicherungs-Backup des ersetzten Stands wird geschrieben',
  cleanup: 'Aufräumen',
};
const KINDS = { auto: 'automatisch', manual: 'manuell', 'pre-restore': 'vor Wiederherstellung', upload: 'hochgeladen' };
const numbers = new Intl.NumberFormat('de-DE');

function describe(op) {
  if (op.operation === 'restore') return `Wiederherstellung von ${op.subject}`;
  return `Backup (${KINDS[op.subject] ?? op.subject})`;
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
      title.textContent = `${describe(running)} läuft …`;
      if (p && p.documentsTotal > 0) {
        const percent = Math.min(100, Math.floor((p.documentsDone / p.documentsTotal) * 100));
        bar.value = percent;
        detail.textContent = `${PHASES[p.phase] ?? p.phase}${p.collection ? ` – ${p.collection}` : ''}: ${numbers.format(p.documentsDone)} von ${numbers.format(p.documentsTotal)} Dokumenten (${percent} %)`;
      } else {
        bar.removeAttribute('value');
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
        result.textContent = `${describe(last)}: ${last.ok ? success : `fehlgeschlagen – ${last.message}`}`;
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
  box.querySelector('[data-role="bar"]').removeAttribute('value');
  box.querySelector('[data-role="detail"]').textContent = 'wird gestartet …';
}
