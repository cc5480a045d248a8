import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { EventLoopFigures, ProcessFigures } from './operation-types.js';

const RSS_SAMPLE_MS = 20;
const EVENT_LOOP_RESOLUTION_MS = 10;

export interface ProcessMeter {
  /** Ends the current part of the operation and starts the next: its event-loop delay is also reported on its own. */
  startPart(label: string): void;
  stop(): ProcessFigures;
}

function loopMonitor(): IntervalHistogram {
  const loop = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
  loop.enable();
  return loop;
}

function loopFigures(loop: IntervalHistogram): EventLoopFigures {
  loop.disable();
  return loop.count > 0 ? { p99Ms: loop.percentile(99) / 1e6, maxMs: loop.max / 1e6 } : { p99Ms: 0, maxMs: 0 };
}

/**
 * Watches this process while an operation runs: RSS, JS heap and external
 * memory every 20 ms, the kernel's maxRSS at the end, event-loop delay (whole
 * and per part) and CPU time.
 */
export function startProcessMeter(): ProcessMeter {
  const baselineRssBytes = process.memoryUsage.rss();
  const cpuBefore = process.cpuUsage();
  let sampledPeak = baselineRssBytes;
  let peakHeapUsed = 0;
  let peakExternal = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    sampledPeak = Math.max(sampledPeak, usage.rss);
    peakHeapUsed = Math.max(peakHeapUsed, usage.heapUsed);
    peakExternal = Math.max(peakExternal, usage.external);
  };
  const sampler = setInterval(sample, RSS_SAMPLE_MS);
  const loop = loopMonitor();
  const parts: Record<string, EventLoopFigures> = {};
  let part: { label: string; loop: IntervalHistogram } | undefined;
  const endPart = () => {
    if (part) parts[part.label] = loopFigures(part.loop);
    part = undefined;
  };

  return {
    startPart(label: string): void {
      endPart();
      part = { label, loop: loopMonitor() };
    },
    stop(): ProcessFigures {
      endPart();
      const whole = loopFigures(loop);
      clearInterval(sampler);
      sample();
      const maxRssBytes = process.resourceUsage().maxRSS * 1024;
      const cpu = process.cpuUsage(cpuBefore);
      return {
        peakRssBytes: Math.max(sampledPeak, maxRssBytes),
        sampledPeakRssBytes: sampledPeak,
        maxRssBytes,
        baselineRssBytes,
        peakHeapUsedBytes: peakHeapUsed,
        peakExternalBytes: peakExternal,
        eventLoopP99Ms: whole.p99Ms,
        eventLoopMaxMs: whole.maxMs,
        eventLoopParts: parts,
        cpuUserMs: cpu.user / 1000,
        cpuSystemMs: cpu.system / 1000,
      };
    },
  };
}
