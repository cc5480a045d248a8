import cron from 'node-cron';

export interface Ticker {
  stop(): void;
}

/** Starts calling `onTick` regularly until stopped. */
export type StartTicker = (onTick: () => void) => Ticker;

/**
 * node-cron, every minute at second 0 in the schedule's zone. The scheduler
 * decides on each tick itself, so a missed or doubled tick (DST, a busy
 * event loop) changes nothing.
 */
export function everyMinute(timeZone: string, name = 'scandy-auto-backup'): StartTicker {
  return (onTick) => {
    const task = cron.schedule('* * * * *', () => onTick(), {
      timezone: timeZone,
      name,
      suppressMissedWarning: true,
    });
    return { stop: () => void Promise.resolve(task.destroy()).catch(() => undefined) };
  };
}
