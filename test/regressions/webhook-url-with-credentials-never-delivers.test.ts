import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy } from '../../src/policy/compile.ts';
import { PolicyError } from '../../src/policy/issues.ts';

/**
 * Regression: a webhook URL holding credentials (`https://user:pass@host/…`) passed the policy,
 * but fetch refuses to build a request from such a URL (Fetch Standard, "Request constructor":
 * a URL that includes credentials is a TypeError). Every alert then failed before leaving the
 * process, logged only as "could not be reached", and the credentials sat in the policy file.
 * The policy now refuses such a URL, from `url` or from `urlEnv`, without echoing it.
 */
const policy = (hook: string): string => `version: 1\nroutes: []\nalerts:\n  webhooks:\n    - ${hook}\n`;
const env = {
  HOOK_SECRET: 'a-secret-of-32-characters-or-so!',
  HOOK_URL: 'https://bot:s3cr3t-pass@alerts.example.com/in',
};

function messageOf(text: string): string {
  try {
    compilePolicy(text, { env, source: 'p.yaml' });
  } catch (err) {
    assert.ok(err instanceof PolicyError, String(err));
    return err.message;
  }
  assert.fail('the policy was accepted');
}

describe('webhook URL with credentials', () => {
  it('fetch would refuse to send to it', async () => {
    await assert.rejects(fetch(env.HOOK_URL, { method: 'POST', body: '{}' }), TypeError);
  });

  it('is refused in url, without the password in the message', () => {
    const message = messageOf(
      policy('{ id: oncall, url: "https://bot:s3cr3t-pass@alerts.example.com/in", secretEnv: HOOK_SECRET }'),
    );
    assert.doesNotMatch(message, /s3cr3t/);
    assert.equal(
      message,
      'p.yaml:5 alerts.webhooks[0].url: expected an http:// or https:// URL without credentials (user:password@): send them with the signature secret (secretEnv) or keep the whole URL in urlEnv',
    );
  });

  it('is refused in urlEnv, naming the variable only', () => {
    const message = messageOf(policy('{ id: oncall, urlEnv: HOOK_URL, secretEnv: HOOK_SECRET }'));
    assert.equal(
      message,
      'p.yaml:5 alerts.webhooks[0].urlEnv: environment variable HOOK_URL must hold an http:// or https:// URL without credentials (user:password@)',
    );
    assert.doesNotMatch(message, /s3cr3t/);
  });
});
