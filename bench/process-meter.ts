import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ProcessFigures } from './operation-types.js';

const RSS_SAMPLE_MS = 20;
const EVENT_LOOP_RESOLUTION_MS = 10;

export interface ProcessMeter {
  stop(): ProcessFigures;
}

/**
 * Watches this process while an operation runs: RSS, JS heap and external
 * memory every 20 ms, the kernel's maxRSS at the end, event-loop delay and CPU time.
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
  const loop = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
  loop.enable();

  return {
    stop(): ProcessFigures {
      loop.disable();
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
        eventLoopP99Ms: loop.count > 0 ? loop.percentile(99) / 1e6 : 0,
        eventLoopMaxMs: loop.count > 0 ? loop.max / 1e6 : 0,
        cpuUserMs: cpu.user / 1000,
        cpuSystemMs: cpu.system / 1000,
      };
    },
  };
}
