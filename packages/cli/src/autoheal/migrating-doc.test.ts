import { readFileSync } from 'node:fs';
import { parseMonitorConfig } from '@website-monitor/core';
import { describe, expect, it } from 'vitest';
import { autohealMonitorConfig } from './autoheal-config.js';
import { readAutohealEnvironment } from './autoheal-environment.js';

const page = readFileSync(new URL('../../../../docs/migrating.md', import.meta.url), 'utf8');
const env = {
  WEBHOOK_URL: 'http://127.0.0.1:9/hooks/autoheal',
  SLACK_WEBHOOK_URL: 'http://127.0.0.1:9/s',
  DISCORD_WEBHOOK_URL: 'http://127.0.0.1:9/d',
};

/** The YAML blocks of the page that are config files (they start with a top-level config key). */
function configBlocks(): string[] {
  return [...page.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((match) => match[1] ?? '')
    .filter((block) => /^(?:#[^\n]*\n)*(monitoring|healing|notifications):/.test(block));
}

describe('docs/migrating.md', () => {
  it('every config file on the page is valid', () => {
    const blocks = configBlocks();
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    for (const block of blocks) expect(() => parseMonitorConfig({ text: block, env }), block).not.toThrow();
  });

  it('"The same as a config file" is what the autoheal environment maps to', () => {
    const section = page.slice(page.indexOf('### The same as a config file'));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    const written = parseMonitorConfig({ text: yaml, env });
    const { config: mapped } = autohealMonitorConfig(
      readAutohealEnvironment({
        AUTOHEAL_CONTAINER_LABEL: 'autoheal',
        AUTOHEAL_DEFAULT_STOP_TIMEOUT: '10',
        ...env,
      }),
    );
    expect(written.monitoring).toEqual(mapped.monitoring);
    const { strategies: writtenSteps, ...writtenHealing } = written.healing;
    const { strategies: mappedSteps, ...mappedHealing } = mapped.healing;
    expect(writtenHealing).toEqual(mappedHealing);
    // A kind with no steps plans nothing, whether it is absent or [].
    for (const kind of Object.keys(writtenSteps) as (keyof typeof writtenSteps)[]) {
      expect(writtenSteps[kind] ?? [], kind).toEqual(mappedSteps[kind] ?? []);
    }
    expect(written.notifications.webhooks.map(({ name: _name, ...webhook }) => webhook)).toEqual(
      mapped.notifications.webhooks.map(({ name: _name, ...webhook }) => webhook),
    );
  });
});
