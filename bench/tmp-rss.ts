import { spawn } from 'node:child_process';
import { build } from 'esbuild';
import { getTestDocker, waitForHttp } from '@website-monitor/test-support';
import { benchContainers } from './src/bench-containers.ts';
import { readProcSample } from './src/proc-sampler.ts';
import { wallClockMs } from './src/wall-clock.ts';
import { summarize } from './src/summarize.ts';
const src = await import('./src/bundle-agent-process.ts');
void src;
const docker = getTestDocker();
const c = benchContainers({ docker, runId: 'rssexp' });
try {
  const web = await c.startMany(Array.from({ length: 100 }, (_, i) => ({ name: `wm-rssexp-${i}-${Math.random().toString(16).slice(2, 6)}`, publishHttp: true })));
  await Promise.all(web.map((w) => waitForHttp(w.url('/health'), { timeoutMs: 60000 })));
  console.log('containers up');
  const config = JSON.stringify({ monitoring: { discovery: 'listed', containers: web.map((w) => ({ name: w.name, health_endpoint: w.url('/health') })) } });
  const script = '/work/main/bench/.build/tmp-agent-process.mjs';
  const kids = [false, true].map((hide) => spawn(process.execPath, [script], { env: { ...process.env, BENCH_AGENT_CONFIG: config, ...(hide ? { HIDE: '1' } : {}) }, stdio: ['pipe', 'inherit', 'inherit'] }));
  await new Promise((r) => setTimeout(r, 5000));
  const s: any[][] = [[], []];
  for (let i = 0; i <= 40; i++) { await new Promise((r) => setTimeout(r, 1000)); kids.forEach((k, j) => s[j]!.push(readProcSample(k.pid!, wallClockMs()))); }
  kids.forEach((k, j) => { const rss = summarize(s[j]!.map((x) => x.rssMb)); console.log(j ? 'hidden' : 'as is', 'cpu s', (s[j]!.at(-1).cpuSeconds - s[j]![0].cpuSeconds).toFixed(2), 'rss med/max', rss.median.toFixed(1), rss.max.toFixed(1)); k.kill('SIGTERM'); });
} finally { await c.removeAll(); }
