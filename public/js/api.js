/* global document, fetch, FormData */
/** Calls the JSON API with the page's CSRF token; throws an Error with the server's German message. */
export async function api(method, url, body) {
  const headers = { 'x-csrf-token': csrfToken(), accept: 'application/json' };
  let payload;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await fetch(url, { method, headers, body: payload, credentials: 'same-origin' });
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const error = new Error(data?.error?.message ?? `Fehler ${response.status}`);
    error.status = response.status;
    error.code = data?.error?.code;
    throw error;
  }
  return data;
}

function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
}

/** Shows a message in an element; text only, never HTML. */
export function showMessage(element, text, kind) {
  if (!element) return;
  element.textContent = text;
  element.classList.remove('ok', 'err', 'warn');
  if (kind) element.classList.add(kind);
  element.hidden = !text;
}

export function backupUrl(name, suffix = '') {
  return `/admin/api/backups/${encodeURIComponent(name)}${suffix}`;
}
