import { parseDuration } from '../core/duration.ts';
import { formatCidr, parseCidr } from '../identity/cidr.ts';
import { MAX_OVERLAY_ENTRIES, type OverlayAdd } from '../pipeline/allowlist-overlay.ts';
import { compilePolicy } from '../policy/compile.ts';
import { PolicyError } from '../policy/issues.ts';
import { subjectName, type RiskSubject } from '../stores/risk-subject.ts';
import type { AdminRoute, RouteCall } from './admin-deps.ts';
import { BodyError, readJsonObject, readText, sendJson, sendProblem } from './admin-http.ts';
import { adminOr501, modelOr409 } from './routes-read.ts';

/** The longest block an operator may set in one call: a year; a forgotten block must end. */
const MAX_BLOCK_MS = 366 * 24 * 60 * 60 * 1000;
const TAG_RE = /^[0-9a-f]{12}$/;

class Invalid extends Error {}

/** What policy/validate does not check, said in every answer: a reload checks it. */
const UNCHECKED =
  'environment variables (secretEnv, urlEnv, routingKeyEnv, seedEnv, passwordEnv) and key files (publicKeyFile, jwksFile) are not read: a reload checks them';

/** `{ kind: "identity", tag }` or `{ kind: "network", prefix }`, the prefix at the policy's length. */
function subjectOf(call: RouteCall, value: unknown): RiskSubject {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  if (v.kind === 'identity') {
    if (typeof v.tag === 'string' && TAG_RE.test(v.tag)) return { kind: 'identity', tag: v.tag };
    throw new Invalid(
      'subject.tag: expected an identity tag, 12 lowercase hex digits (as events and the log name it)',
    );
  }
  if (v.kind === 'network') {
    const cidr = typeof v.prefix === 'string' ? parseCidr(v.prefix) : undefined;
    if (cidr === undefined) throw new Invalid('subject.prefix: expected a network like "198.51.100.0/24"');
    const bits = call.deps.pipeline.policy().risk?.ipPrefix;
    const want = cidr.family === 4 ? bits?.v4 : bits?.v6;
    if (want !== undefined && cidr.bits !== want) {
      throw new Invalid(
        `subject.prefix: the policy scores IPv${cidr.family} networks as /${want} prefixes, got /${cidr.bits}`,
      );
    }
    return { kind: 'network', prefix: formatCidr(cidr) };
  }
  throw new Invalid('subject.kind: expected "identity" or "network"');
}

function durationOf(value: unknown): number {
  const parsed =
    typeof value === 'number'
      ? { ok: true as const, value }
      : parseDuration(typeof value === 'string' ? value : '');
  if (!parsed.ok || !(parsed.value >= 1000) || parsed.value > MAX_BLOCK_MS) {
    throw new Invalid('duration: expected a duration like "30m" or "2h" (1 s to 366 days), or milliseconds');
  }
  return parsed.value;
}

/** An operator's note, one line, at most 200 characters: it is shown and logged, never executed. */
function noteOf(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > 200)
    throw new Invalid('note: expected text of at most 200 characters');
  return value.replace(/\p{Cc}/gu, ' ');
}

/** Runs a change, answering 400 for an invalid request and the body's own status for a body error. */
async function guarded(
  call: RouteCall,
  body: (input: Record<string, unknown>) => Promise<void>,
): Promise<void> {
  let input: Record<string, unknown>;
  try {
    input = await readJsonObject(call.req);
    await body(input);
  } catch (err) {
    if (err instanceof Invalid) return sendProblem(call.res, 400, 'Bad Request', err.message);
    if (err instanceof BodyError) return sendProblem(call.res, err.status, 'Bad Request', err.message);
    throw err;
  }
}

export const CHANGE_ROUTES: readonly AdminRoute[] = [
  {
    method: 'POST',
    path: '/admin/v1/blocks',
    summary: 'blocks a subject: { subject, duration, note? }',
    handle: (call) =>
      guarded(call, async (input) => {
        const subject = subjectOf(call, input.subject);
        const durationMs = durationOf(input.duration);
        const note = noteOf(input.note);
        const admin = adminOr501(call);
        const model = admin && modelOr409(call);
        if (admin === undefined || model === undefined) return;
        const entry = await admin.block(model, subject, durationMs);
        if (entry === undefined) {
          return sendProblem(
            call.res,
            404,
            'Not Found',
            `no record of ${subjectName(subject)}: an identity is known once a detector scored it`,
          );
        }
        call.deps.events.emit({
          type: 'block-started',
          subject: eventSubject(subject),
          by: 'admin',
          until: entry.blockedUntil,
          note,
        });
        call.deps.events.emit({
          type: 'admin-action',
          action: 'block',
          detail: `${subjectName(subject)} for ${durationMs} ms`,
        });
        sendJson(call.res, 201, { block: entry });
      }),
  },
  {
    method: 'POST',
    path: '/admin/v1/blocks/lift',
    summary: "lifts a subject's block and clears its score: { subject, note? }",
    handle: (call) =>
      guarded(call, async (input) => {
        const subject = subjectOf(call, input.subject);
        const note = noteOf(input.note);
        const admin = adminOr501(call);
        const model = admin && modelOr409(call);
        if (admin === undefined || model === undefined) return;
        if (!(await admin.lift(model, subject))) {
          return sendProblem(call.res, 404, 'Not Found', `no record of ${subjectName(subject)}`);
        }
        call.deps.events.emit({ type: 'block-lifted', subject: eventSubject(subject), by: 'admin', note });
        call.deps.events.emit({ type: 'admin-action', action: 'lift', detail: subjectName(subject) });
        sendJson(call.res, 200, { lifted: subject });
      }),
  },
  {
    method: 'POST',
    path: '/admin/v1/allowlist',
    summary: 'adds a runtime allowlist entry: { kind: "cidr" | "identity", value }',
    handle: (call) =>
      guarded(call, async (input) => {
        const { kind, value } = input;
        if (typeof value !== 'string') throw new Invalid('value: expected a CIDR or an identity tag');
        let added: OverlayAdd;
        if (kind === 'cidr') {
          added = call.deps.allowlist.addCidr(value);
          if (!added.ok && added.reason === 'invalid')
            throw new Invalid('value: expected an IP address or CIDR like "10.0.0.0/8"');
        } else if (kind === 'identity') {
          if (!TAG_RE.test(value))
            throw new Invalid('value: expected an identity tag, 12 lowercase hex digits');
          added = call.deps.allowlist.addIdentity(value);
        } else throw new Invalid('kind: expected "cidr" or "identity"');
        if (!added.ok) {
          return sendProblem(
            call.res,
            409,
            'Conflict',
            `the runtime allowlist holds ${MAX_OVERLAY_ENTRIES} entries, its most: remove some, or put lasting entries in the policy's risk.allowlist`,
          );
        }
        call.deps.events.emit({
          type: 'admin-action',
          action: 'allowlist-add',
          detail: `${kind} ${added.entry}`,
        });
        sendJson(call.res, 201, call.deps.allowlist.entries());
        return Promise.resolve();
      }),
  },
  {
    method: 'POST',
    path: '/admin/v1/allowlist/remove',
    summary: 'removes a runtime allowlist entry: { kind, value }',
    handle: (call) =>
      guarded(call, async (input) => {
        const { kind, value } = input;
        if ((kind !== 'cidr' && kind !== 'identity') || typeof value !== 'string') {
          throw new Invalid('expected { kind: "cidr" | "identity", value }');
        }
        if (!call.deps.allowlist.remove(kind, value)) {
          return sendProblem(
            call.res,
            404,
            'Not Found',
            `${kind} ${value} is not a runtime allowlist entry (the policy's own entries change with the policy)`,
          );
        }
        call.deps.events.emit({
          type: 'admin-action',
          action: 'allowlist-remove',
          detail: `${kind} ${value}`,
        });
        sendJson(call.res, 200, call.deps.allowlist.entries());
        return Promise.resolve();
      }),
  },
  {
    method: 'POST',
    path: '/admin/v1/policy/validate',
    summary: 'checks a policy text (the body, YAML); answers its located errors',
    async handle(call) {
      let text: string;
      try {
        text = await readText(call.req);
      } catch (err) {
        if (err instanceof BodyError) return sendProblem(call.res, err.status, 'Bad Request', err.message);
        throw err;
      }
      try {
        // Neither this gateway's environment nor its files are read: else the answer would tell
        // whether a variable is set and how long it is, or whether a file exists (an oracle).
        const policy = compilePolicy(text, { source: 'policy.yaml', skipExternal: true });
        sendJson(call.res, 200, { valid: true, routes: policy.routes.length, unchecked: UNCHECKED });
      } catch (err) {
        if (!(err instanceof PolicyError)) throw err;
        sendJson(call.res, 422, {
          valid: false,
          errors: err.issues,
          message: err.message,
          unchecked: UNCHECKED,
        });
      }
    },
  },
  {
    method: 'POST',
    path: '/admin/v1/policy/reload',
    summary: 'reads the policy file again and applies it (the last good policy stays if invalid)',
    async handle({ res, deps }) {
      const result = await deps.reload();
      deps.events.emit({
        type: 'admin-action',
        action: 'policy-reload',
        detail: result.applied ? 'applied' : 'rejected',
      });
      sendJson(res, result.applied ? 200 : 422, result);
    },
  },
];

function eventSubject(s: RiskSubject) {
  return s.kind === 'identity'
    ? ({ kind: 'identity', tag: s.tag } as const)
    : ({ kind: 'network', prefix: s.prefix } as const);
}
