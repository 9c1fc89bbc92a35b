import { fuzzHttp } from './http-fuzzer.ts';

/** The HTTP fuzzer's long run (`npm run fuzz -- http --requests N`): prints a summary, true when clean. */
export async function runHttpFuzz(
  options: { seed: number; requests: number; from: number },
  log: (line: string) => void,
): Promise<boolean> {
  log(`http fuzz: seed ${options.seed}, requests ${options.from}..${options.from + options.requests - 1}`);
  let nextLog = 0;
  const r = await fuzzHttp({
    ...options,
    onProgress: (done) => {
      if (done < nextLog) return;
      log(
        `http fuzz: ${done.toLocaleString('en-US')} of ${options.requests.toLocaleString('en-US')} requests`,
      );
      nextLog += Math.max(250, Math.floor(options.requests / 20));
    },
  });
  const statuses = Object.entries(r.statuses)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, n]) => `${code}: ${n.toLocaleString('en-US')}`)
    .join(', ');
  log(
    `http fuzz done: ${r.requests.toLocaleString('en-US')} requests in ${r.seconds.toFixed(0)} s; answers ${statuses}; closed without an answer ${r.closedWithoutAnswer}, reset without an answer ${r.resetWithoutAnswer}; ${r.healthChecks} health checks; ${r.uncaught} uncaught; ${r.errorLogLines} error log lines; upstream got ${r.photoForwarded} photo lookups (quota 3) and ${r.numbersForwarded} numbers (quota 10); ${r.failures.length} failures (seed ${r.seed})`,
  );
  log(`  slowest exchange: ${r.slowest}`);
  for (const f of r.failures.slice(0, 50)) log(`  ${f}`);
  if (r.failures.length > 0)
    log(`  replay one: npm run fuzz -- http --seed ${r.seed} --from <request> --requests 1`);
  return r.failures.length === 0;
}
