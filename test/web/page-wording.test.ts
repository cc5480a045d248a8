import { beforeAll, describe, expect, it } from 'vitest';
import { TRIGGER_CATCH_UP } from '../../src/scheduler/slot-decision.js';
import { seedDatabase } from '../../src/seed/seed-database.js';
import { ADMIN, signIn, useWebApp, waitForIdle, type SignedIn } from './helpers/web-app.js';

/** One collection only, so that the page must say "1 Collection". */
const w = useWebApp({ env: { BACKUP_COLLECTIONS: 'tools' } });
let admin: SignedIn;

/** What a reader sees: the page's text without tags, and without the log, which keeps the log's format. */
function visibleText(html: string): string {
  return html
    .replace(/<pre class="log"[\s\S]*?<\/pre>/, ' ')
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');
}

beforeAll(async () => {
  await seedDatabase(w.t.db, { docs: 300 });
  // As the scheduler runs a backup it catches up on after a start (its runBackup in src/app/compose.ts).
  w.tracker.launch({ operation: 'backup', subject: 'auto', actor: TRIGGER_CATCH_UP }, (hooks) =>
    w.manager.create({ kind: 'auto', actor: TRIGGER_CATCH_UP, onProgress: hooks.onProgress, onStarted: hooks.onStarted }),
  );
  await waitForIdle(w.tracker);
  admin = await signIn(w.app, ADMIN);
});

describe('the pages in natural German', () => {
  it('name a caught-up automatic backup as people say it', async () => {
    const list = visibleText((await admin.agent.get('/admin/backups').expect(200)).text);
    expect(list).toContain('Zuletzt: Backup (automatisch, nachgeholt) – erfolgreich, gerade eben');
    expect(list).not.toContain('von Nachholen');

    const dashboard = visibleText((await admin.agent.get('/admin').expect(200)).text);
    expect(dashboard).toMatch(/Letztes Backup gerade eben erfolgreich Backup \(automatisch, nachgeholt\)/);
    expect(dashboard).toContain('Letztes erfolgreiches Backup: gerade eben');
    expect(dashboard).not.toMatch(/vor 0 (Stunden|Minuten)/);
  });

  it('write every date in one style, and the log in its own', async () => {
    const [backup] = await w.manager.list();
    for (const url of ['/admin', '/admin/backups', `/admin/backups/${backup!.name}/restore`, '/admin/auto-backup']) {
      const text = visibleText((await admin.agent.get(url).expect(200)).text);
      expect(text, url).not.toMatch(/\d{4}-\d{2}-\d{2}/);
      expect(text, url).not.toMatch(/\d{1,2}:\d{2}:\d{2}/);
    }
    const list = visibleText((await admin.agent.get('/admin/backups').expect(200)).text);
    expect(list).toMatch(/ \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2} /);

    const auto = await admin.agent.get('/admin/auto-backup').expect(200);
    expect(/<pre class="log"[^>]*>([\s\S]*?)<\/pre>/.exec(auto.text)?.[1]).toMatch(/^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\] Backup gestartet \(automatisch, Nachholen\)$/m);
  });

  it('put the noun in the form that fits the count', async () => {
    const list = (await admin.agent.get('/admin/backups').expect(200)).text;
    expect(list).toContain('<summary>1 Collection</summary>');
    expect(visibleText(list)).toContain('1 Backup, das neueste zuerst');
    const auto = visibleText((await admin.agent.get('/admin/auto-backup').expect(200)).text);
    expect(auto).toContain('täglich 06:00 und 18:00 Uhr');
    expect(auto).toContain('26 Stunden ohne erfolgreiches Backup');
  });
});
