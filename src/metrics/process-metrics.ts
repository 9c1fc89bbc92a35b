import { memoryUsage } from 'node:process';
import { scalarFamily, type MetricFamily } from './exposition.ts';

/**
 * The process basics every Prometheus client exposes under these names, read at each scrape
 * (a few microseconds): start time (to spot restarts), CPU seconds, resident memory and the
 * V8 heap.
 */
export function processFamilies(): MetricFamily[] {
  const cpu = process.cpuUsage();
  const memory = memoryUsage();
  const gauge = scalarFamily.bind(null, 'gauge');
  const counter = scalarFamily.bind(null, 'counter');
  return [
    // timeOrigin is when this process started, in ms since the epoch.
    gauge(
      'process_start_time_seconds',
      'Start time of the process since unix epoch in seconds.',
      Math.round(performance.timeOrigin) / 1000,
    ),
    counter('process_cpu_user_seconds_total', 'User CPU time spent in seconds.', cpu.user / 1e6),
    counter('process_cpu_system_seconds_total', 'System CPU time spent in seconds.', cpu.system / 1e6),
    gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', memory.rss),
    gauge('nodejs_heap_size_used_bytes', 'V8 heap used in bytes.', memory.heapUsed),
    gauge('nodejs_heap_size_total_bytes', 'V8 heap allocated in bytes.', memory.heapTotal),
  ];
}
