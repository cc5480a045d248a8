import type { KeepReason, RemoveReason, RetentionCandidate, RetentionDecision, RetentionRules } from './retention-policy.js';

const MONTHS = ['Januar', 'Februar', 'März', 'April', 'Mai', 'Juni', 'Juli', 'August', 'September', 'Oktober', 'November', 'Dezember'];

/** "2026-06-10" → "10.06.2026", "2026-W24" → "KW 24/2026", "2026-06" → "Juni 2026". */
function periodText(period: string): string {
  const week = /^(\d{4})-W(\d{2})$/.exec(period);
  if (week) return `KW ${Number(week[2])}/${week[1]}`;
  const [year, month, day] = period.split('-');
  if (day !== undefined) return `${day}.${month}.${year}`;
  return `${MONTHS[Number(month) - 1] ?? month} ${year}`;
}

/** The adjective in both forms: "automatische" (das neueste … Backup) and "automatischen" (der letzten 10 … Backups). */
const GROUP_WORDS = {
  auto: ['automatische', 'automatischen'],
  manual: ['manuelle oder hochgeladene', 'manuellen oder hochgeladenen'],
  'pre-restore': ['vor einer Wiederherstellung erstellte', 'vor einer Wiederherstellung erstellten'],
} as const;

function lastN(count: number, group: keyof typeof GROUP_WORDS): string {
  const [one, many] = GROUP_WORDS[group];
  return count === 1 ? `das neueste ${one} Backup` : `eines der letzten ${count} ${many} Backups`;
}

function beyond(count: number, group: keyof typeof GROUP_WORDS): string {
  const [one, many] = GROUP_WORDS[group];
  return count === 1 ? `nicht das neueste ${one} Backup` : `älter als die letzten ${count} ${many} Backups`;
}

/** One reason in German, for the retention preview: "eines der letzten 10 automatischen Backups". */
export function reasonText(
  reason: KeepReason | RemoveReason,
  rules: Pick<RetentionRules, 'keepLast' | 'keepManual' | 'keepPreRestore'>,
  period?: string,
): string {
  switch (reason) {
    case 'last-n auto':
      return lastN(rules.keepLast, 'auto');
    case 'last-n manual':
      return lastN(rules.keepManual, 'manual');
    case 'last-n pre-restore':
      return lastN(rules.keepPreRestore, 'pre-restore');
    case 'daily':
      return `neuestes automatisches Backup vom ${periodText(period ?? '')}`;
    case 'weekly':
      return `neuestes automatisches Backup der ${periodText(period ?? '')}`;
    case 'monthly':
      return `neuestes automatisches Backup im ${periodText(period ?? '')}`;
    case 'pinned':
      return 'angeheftet („Behalten“)';
    case 'in use':
      return 'wird gerade verwendet';
    case 'beyond last-n auto':
      return beyond(rules.keepLast, 'auto');
    case 'beyond last-n manual':
      return beyond(rules.keepManual, 'manual');
    case 'beyond last-n pre-restore':
      return beyond(rules.keepPreRestore, 'pre-restore');
  }
}

/** "bleibt: eines der letzten 10 automatischen Backups; angeheftet („Behalten“)" or "wird gelöscht: älter als …". */
export function decisionText(decision: RetentionDecision<RetentionCandidate>, rules: RetentionRules): string {
  const reasons = decision.reasons.map((reason) =>
    reasonText(reason, rules, reason === 'daily' || reason === 'weekly' || reason === 'monthly' ? decision.periods[reason] : undefined),
  );
  return `${decision.keep ? 'bleibt' : 'wird gelöscht'}: ${reasons.join('; ')}`;
}

/** The whole rule in one German sentence, e.g. for the settings page. */
export function retentionText(rules: RetentionRules): string {
  const counts = `${rules.keepLast} automatische, ${rules.keepManual} manuelle oder hochgeladene und ${rules.keepPreRestore} vor einer Wiederherstellung erstellte`;
  const tiers = [
    rules.keepDaily > 0 ? `${rules.keepDaily} Tage` : undefined,
    rules.keepWeekly > 0 ? `${rules.keepWeekly} Wochen` : undefined,
    rules.keepMonthly > 0 ? `${rules.keepMonthly} Monate` : undefined,
  ].filter((text): text is string => text !== undefined);
  const tierText = tiers.length === 0 ? '' : `; dazu je das neueste automatische Backup der letzten ${joinGerman(tiers)}`;
  return `Behalten werden die neuesten Backups: ${counts}${tierText}; außerdem angeheftete und gerade verwendete.`;
}

function joinGerman(parts: readonly string[]): string {
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} und ${parts.at(-1)}`;
}
