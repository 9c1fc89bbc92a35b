import type { AuditFinding, AuditRule } from '../../finding.ts';
import { squash } from '../identifiers.ts';
import { propertiesOf, schemaTypes } from '../schema-walk.ts';
import type { SpecRule } from './rule-kit.ts';
import { operationFinding } from './rule-kit.ts';

/** Answer descriptions that tell the account is unknown. */
const ABSENT =
  /not found|no such (user|account)|unknown (user|account|e-?mail|number|phone|username)|(user|account|e-?mail|username) (does not|doesn't) exist|not registered|no account|not a (registered|known) user/i;
/** Answer descriptions that tell the identifier is already taken. */
const TAKEN = /already (registered|exists|taken|in use|used)|is taken|in use|duplicate|conflict/i;
/** A sign-in answer that tells the password (not the account) was wrong. */
const WRONG_SECRET = /(wrong|incorrect|invalid|bad) (password|passcode|pin|credentials? for)/i;
/** The self-service reset of a caller who cannot sign in, as opposed to an admin's reset. */
const SELF_SERVICE = /forgot|recover(?!y)/i;
/** A 2xx body that reports whether the request succeeded (`success`, `ok`, `created`). */
const OUTCOME_FLAG = /^(success|succeeded|ok|created|issuccess)$/;
/** An answer that says it is the same either way: "if the address is registered, we sent a link". */
const UNIFORM =
  /\bif (the|an|this|that|your) (e-?mail |phone |user ?name )?(address|account|user|number|e-?mail|phone|username) (is|exists)|whether or not|regardless of whether/i;

const rule: AuditRule = {
  id: 'EG-EXISTENCE',
  title: 'Account existence revealed by sign-in, sign-up or password reset',
  severity: 'medium',
  reason:
    'Sign-in, sign-up and password-reset answers that differ when the account exists (404 "user not found" on ' +
    'reset, 409 "already registered" on sign-up, "wrong password" against "no such user") are an existence ' +
    'oracle on unauthenticated routes, the ones least limited (OWASP ASVS V2.2, WSTG-IDNT-04).',
  fix:
    'Answer the same status and body whether or not the account exists ("if the address is registered, we sent ' +
    'a link"), send the difference out of band (email, SMS), and limit these routes per identifier asked and per network.',
};

export const existenceRule: SpecRule = {
  rule,
  check(facts, ctx): AuditFinding[] {
    const flow = facts.authFlow;
    if (flow === undefined) return [];
    const { op } = facts;
    // A check only signed-in callers can reach is limited per identity; an open one is not.
    const open = op.security !== 'required';
    const signals: string[] = [];
    let byStatus = false;
    const failures = op.responses.filter((r) => /^4\d\d$/.test(r.status));
    const uniform = op.responses.some((r) => UNIFORM.test(r.description));
    // A boolean "user_found" or "email_exists" in the answer says it outright.
    const flag = facts.answerSignals.find((s) => s.startsWith('a boolean'));
    if (flag !== undefined) {
      byStatus = true;
      signals.push(flag);
    }
    if (flow !== 'sign-up') {
      const absent = failures.find((r) => r.status === '404' || ABSENT.test(r.description));
      if (absent !== undefined) {
        byStatus ||= absent.status === '404';
        signals.push(`${absent.status} "${absent.description.slice(0, 80)}" for an unknown account`);
      }
      if (
        flow === 'sign-in' &&
        absent !== undefined &&
        failures.some((r) => r !== absent && WRONG_SECRET.test(r.description))
      ) {
        signals.push('a distinct answer for a wrong password');
      }
      // A self-service reset ("forgot", "recover": the caller cannot sign in) addressed to an
      // account in the path (`POST /users/{userId}/forgot_password`): an unknown account
      // answers 404 by HTTP's own rule (RFC 9110 section 15.5.5), declared or not.
      const inPath = facts.inputs.find((i) => i.where === 'path');
      const selfService = op.method === 'POST' && SELF_SERVICE.test(`${op.path} ${op.operationId ?? ''}`);
      if (open && selfService && absent === undefined && inPath !== undefined && !uniform) {
        signals.push(`the account is named in the path ({${inPath.name}}): an unknown one answers 404`);
      }
    } else {
      const taken = failures.find((r) => r.status === '409' || TAKEN.test(r.description));
      if (taken !== undefined) {
        byStatus ||= taken.status === '409';
        signals.push(`${taken.status} "${taken.description.slice(0, 80)}" for a registered identifier`);
      }
      // An open sign-up that reports its outcome in a 2xx body (`success: false` and a message)
      // refuses a username or email already in use there, where no 409 is written down.
      const chosen = facts.inputs.find(
        (i) => i.where === 'body' && (i.kind === 'username' || i.kind === 'email'),
      );
      const outcome = facts.successSchemas
        .flatMap((schema) => [...propertiesOf(schema)])
        .find(([name, schema]) => OUTCOME_FLAG.test(squash(name)) && schemaTypes(schema).has('boolean'));
      if (open && taken === undefined && chosen !== undefined && outcome !== undefined && !uniform) {
        signals.push(
          `takes a ${chosen.kind} (${chosen.name}) and answers a boolean "${outcome[0]}": a taken one is refused in the body`,
        );
      }
    }
    if (signals.length === 0) return [];
    const label = flow === 'password-reset' ? 'password reset' : flow;
    return [
      operationFinding(
        rule,
        facts,
        ctx,
        `${label} reveals whether an account exists: ${signals.join('; ')}`,
        {
          severity: open && byStatus ? 'high' : 'medium',
          evidence: { flow, unauthenticated: open, signals: signals.join('; ') },
        },
      ),
    ];
  },
};
