import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy } from './compile.ts';
import { DEFAULT_ALERT_EVENTS } from './alerts-types.ts';

const policy = (alerts: string, server = ''): string =>
  `version: 1\n${server}routes: []\nalerts:\n${alerts}\n`;
const env = {
  HOOK_SECRET: 'a-secret-of-32-characters-or-so!',
  SLACK_URL: 'https://hooks.slack.test/T/B/x',
  PD_KEY: 'r0ut1ngk3y',
};

describe('alerts section', () => {
  it('fills defaults: the on-call event types, 10 min incidents updated every minute, 5 s timeout', () => {
    const compiled = compilePolicy(
      policy('  webhooks:\n    - { id: oncall, url: "https://hooks.example.com/e", secretEnv: HOOK_SECRET }'),
      { env },
    );
    assert.deepEqual(compiled.alerts, {
      incidents: { windowMs: 600_000, updateEveryMs: 60_000, max: 10_000 },
      webhooks: [
        {
          id: 'oncall',
          format: 'cloudevents',
          url: 'https://hooks.example.com/e',
          urlFrom: 'url',
          secret: env.HOOK_SECRET,
          routingKey: undefined,
          events: [...DEFAULT_ALERT_EVENTS],
          timeoutMs: 5_000,
          retries: 4,
          queue: 1_000,
        },
      ],
      redisStream: undefined,
    });
  });

  it('reads a Slack URL and a PagerDuty routing key from the environment, never from the file', () => {
    const compiled = compilePolicy(
      policy(
        [
          '  webhooks:',
          '    - { id: chat, format: slack, urlEnv: SLACK_URL, events: [finding, refusal] }',
          '    - { id: pager, format: pagerduty, routingKeyEnv: PD_KEY }',
        ].join('\n'),
      ),
      { env },
    );
    const [chat, pager] = compiled.alerts?.webhooks ?? [];
    assert.deepEqual(
      [chat?.url, chat?.urlFrom, chat?.events],
      [env.SLACK_URL, 'SLACK_URL', ['finding', 'refusal']],
    );
    assert.deepEqual(
      [pager?.url, pager?.routingKey, pager?.secret],
      ['https://events.pagerduty.com/v2/enqueue', 'r0ut1ngk3y', undefined],
    );
  });

  it('takes a Redis stream only beside a Redis store', () => {
    const compiled = compilePolicy(
      policy(
        '  redisStream: { key: "siem:enumguard", maxLen: 5000 }',
        'server:\n  store: { redis: "redis://127.0.0.1:6379" }\n',
      ),
      { env },
    );
    assert.deepEqual(compiled.alerts?.redisStream, {
      key: 'siem:enumguard',
      maxLen: 5000,
      events: [...DEFAULT_ALERT_EVENTS],
      queue: 10_000,
    });
  });

  it('refuses a signing secret shorter than 16 characters, naming the variable but not the value', () => {
    assert.throws(
      () =>
        compilePolicy(policy('  webhooks:\n    - { id: a, url: "https://h.example/e", secretEnv: SHORT }'), {
          env: { SHORT: 'tiny-secret' },
        }),
      {
        message:
          '<inline>:5 alerts.webhooks[0].secretEnv: environment variable SHORT must hold at least 16 characters, got 11',
      },
    );
  });
});
