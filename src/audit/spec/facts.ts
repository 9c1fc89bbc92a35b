import { classifyIdentifier, maxItemsOf, squash, type IdentifierClass } from './identifiers.ts';
import type { SpecOperation, SpecParameter, SpecResponse } from './operations.ts';
import { FROM_EXAMPLE } from './example-shape.ts';
import {
  collectionOf,
  isAccountCollection,
  isIdentifierCollection,
  listedCollection,
  namesAWrite,
} from './path-context.ts';
import { fieldsOf, isArraySchema, itemsOf, propertiesOf, schemaTypes, type Schema } from './schema-walk.ts';

/** One identifier an operation takes, and where. */
export interface IdentifierInput extends IdentifierClass {
  readonly where: 'path' | 'query' | 'header' | 'cookie' | 'body';
  /** Parameter name, or the body field's path ("numbers", "users.email"). */
  readonly name: string;
  /** Many identifiers in one request: an array parameter or field. */
  readonly batch: boolean;
  /** The array's maxItems, when it is a batch and declares one. */
  readonly maxItems: number | undefined;
}

export type AuthFlow = 'sign-in' | 'sign-up' | 'password-reset';

/** What the rules need to know about one operation, computed once. */
export interface OperationFacts {
  readonly op: SpecOperation;
  readonly inputs: readonly IdentifierInput[];
  /** Acts on the caller's own resource (/me, /self, /my/...): no one else's identifier is asked. */
  readonly selfScoped: boolean;
  readonly authFlow: AuthFlow | undefined;
  /** How the answer tells, per identifier, that it exists or what is behind it. */
  readonly answerSignals: readonly string[];
  /** Takes identifiers of others and answers per identifier (opaque ids included). */
  readonly lookup: boolean;
  /** A lookup keyed by identifiers one can enumerate: phones, emails, usernames, guessable ids. */
  readonly oracle: boolean;
  /** The success answer's schemas (2xx and 3xx with a body). */
  readonly successSchemas: readonly Schema[];
}

/**
 * POSTs named for what they do with the identifier asked: enrich it (the person behind an
 * email or number), verify or validate it (does it belong to someone). "verification" and
 * "validation" (a resource that sends a code) do not match: the verb forms only.
 */
const VERIFY_WORDS = /enrich|verify|validate/i;
/** Inputs that make a verify a check of a one-time code or a secret, not of the identifier. */
const SECRET_INPUTS = /^(code|otp|pin|passcode|token|verificationcode|secret|password)$/;
/**
 * An operation whose stated purpose is to tell something about the identifier it takes
 * ("Validates an email address", "Number lookup", "Get user info"): its answer is about that
 * identifier even when the schema says only `type: string`.
 */
const PURPOSE_TEXT = /\b(validat\w*|verif\w*|look\s?-?ups?|check\w*|info|information|details?)\b/i;
const SELF_SEGMENTS = /^(me|self|my|mine|current|currentuser|current-user|myself|whoami)$/i;
const LOOKUP_WORDS =
  /look-?up|search|find|discover|check|exists?|availab|resolve|query|match|batch|bulk|identify|reverse|by-?(phone|email|username|number)/i;
const SIGN_IN = /sign-?in|log-?in|authenticat|\bsessions?\b|\/token\b|\btoken$/i;
const SIGN_UP = /sign-?up|regist|enrol|create-?account|createuser/i;
const RESET = /reset|forgot|recover|password/i;
/**
 * Boolean answers that say an identifier is in use, bare or qualified by what was asked:
 * `exists`, `user_found`, `email_exists`, `is_registered`, `username_available`.
 */
const EXISTS_FLAGS =
  /^(is|has)?(user|account|email|username|login|phone|number|member|customer)?(exists?|available|availability|registered|taken|found|inuse|known|isuser|hasaccount|onplatform)$|^(isuser|hasaccount|onplatform)$/;
/** Free-text query parameters: on a GET of an account collection they search accounts. */
const SEARCH_PARAMS = /^(q|query|search|searchterm|searchstring|term|keywords?|filter|s)$/;
/**
 * Words that make a query parameter a filter over a listing of other things ("Filter files
 * created by a single user", "Only items of this member"): the listing is not a lookup of that
 * identifier, unless what is listed are accounts (filtering users by email finds a user).
 */
const FILTER_TEXT = /^\s*(filters?|only|limit|limits|restrict|restricts|narrow|browse)\b/i;
/**
 * Headers that carry the caller's own credentials (`Api-Username`, `X-Auth-Email`,
 * `X-Api-User`): an identity, not someone else's identifier being looked up.
 */
const CREDENTIAL_HEADER = /^(authorization|cookie|user-agent|x-api-key|(x-)?(api|auth|client|app)[-_].*)$/i;
/** "A comma-separated list of user ids": many identifiers in one string. */
const LIST_TEXT = /comma[- ]?separated|comma[- ]delimited|\blist of\b/i;
/** "up to 400 per request", "Maximum: 5 ids", "max 100": a cap written in prose. */
const PROSE_CAP = /\b(?:up to|maximum:?|max\.?|at most)\s+(\d+)\b/i;

function words(op: SpecOperation): string {
  return `${op.path} ${op.operationId ?? ''} ${op.summary}`;
}

/** The words describing a parameter: its own description and its schema's. */
function textOf(p: SpecParameter): string {
  return `${p.description} ${typeof p.schema.description === 'string' ? p.schema.description : ''}`;
}

/**
 * A free-text search over accounts: `q` (or `query`, `search`, `filter`...) on a GET of an
 * account collection (`GET /api/v1/users?q=`, `GET /members/search?query=`), or of a
 * collection of their identifiers (`GET /admin/emails/search?q=`). It matches names, logins
 * and emails, so it answers "who is behind this" for any of them.
 */
function searchTerm(op: SpecOperation, p: SpecParameter): IdentifierClass | undefined {
  if (op.method !== 'GET' || p.in !== 'query' || !SEARCH_PARAMS.test(squash(p.name))) return undefined;
  const types = schemaTypes(p.schema);
  if (types.size > 0 && !types.has('string')) return undefined;
  const collection = listedCollection(op.path);
  if (!isAccountCollection(collection) && !isIdentifierCollection(collection)) return undefined;
  return {
    kind: 'search-term',
    by: `search parameter ${p.name} over /${collection ?? ''}`,
    opaque: false,
    numeric: false,
  };
}

function identifierInputs(op: SpecOperation, names: WeakMap<object, string>): IdentifierInput[] {
  const out: IdentifierInput[] = [];
  for (const p of op.parameters) {
    if (p.in === 'header' && CREDENTIAL_HEADER.test(p.name)) continue;
    const array = isArraySchema(p.schema);
    const scalar = array ? (itemsOf(p.schema) ?? {}) : p.schema;
    const hit =
      classifyIdentifier(p.name, p.schema, p.description, names.get(scalar), collectionOf(op.path, p.name)) ??
      searchTerm(op, p);
    if (hit === undefined) continue;
    const listing = listedCollection(op.path);
    if (
      p.in === 'query' &&
      FILTER_TEXT.test(textOf(p)) &&
      !isAccountCollection(listing) &&
      !isIdentifierCollection(listing)
    )
      continue;
    // A string that holds a list (`?users=U1,U2`) is a batch as much as an array is.
    const listed = !array && p.in !== 'path' && LIST_TEXT.test(textOf(p));
    const proseCap = listed ? PROSE_CAP.exec(textOf(p))?.[1] : undefined;
    out.push({
      ...hit,
      where: p.in,
      name: p.name,
      batch: array || listed,
      maxItems: array ? maxItemsOf(p.schema) : proseCap === undefined ? undefined : Number(proseCap),
    });
  }
  if (op.body !== undefined) {
    const rootArray = isArraySchema(op.body);
    const rootItems = rootArray ? itemsOf(op.body) : undefined;
    // A body that is itself an array of identifiers: ["+1415...", ...].
    if (rootItems !== undefined && propertiesOf(rootItems).size === 0) {
      const hit = classifyIdentifier(
        '',
        op.body,
        typeof op.body.description === 'string' ? op.body.description : '',
        names.get(rootItems),
      );
      if (hit !== undefined)
        out.push({ ...hit, where: 'body', name: '(body)', batch: true, maxItems: maxItemsOf(op.body) });
    }
    for (const f of fieldsOf(op.body, 3)) {
      const batch = f.inArray || isArraySchema(f.schema);
      const scalar = isArraySchema(f.schema) ? (itemsOf(f.schema) ?? {}) : f.schema;
      const description = typeof f.schema.description === 'string' ? f.schema.description : '';
      const hit = classifyIdentifier(f.name, f.schema, description, names.get(scalar));
      if (hit === undefined) continue;
      const cap = isArraySchema(f.schema)
        ? maxItemsOf(f.schema)
        : rootArray
          ? maxItemsOf(op.body)
          : undefined;
      out.push({ ...hit, where: 'body', name: f.path.join('.'), batch, maxItems: cap });
    }
  }
  return out;
}

function isSuccess(r: SpecResponse): boolean {
  return /^2\d\d$|^2XX$/i.test(r.status);
}

function answerSignals(op: SpecOperation, inputs: readonly IdentifierInput[], success: Schema[]): string[] {
  const signals: string[] = [];
  for (const schema of success) {
    const flag = fieldsOf(schema, 3).find(
      (f) => EXISTS_FLAGS.test(squash(f.name)) && schemaTypes(f.schema).has('boolean'),
    );
    if (flag !== undefined) signals.push(`a boolean "${flag.path.join('.')}" in the answer`);
    const list = isArraySchema(schema)
      ? '(body)'
      : [...propertiesOf(schema)].find(([, s]) => isArraySchema(s))?.[0];
    if (list !== undefined) signals.push(`an array of matches (${list})`);
    else if (propertiesOf(schema).size > 0 && inputs.some((i) => i.where !== 'body' || !i.batch)) {
      signals.push(
        schema[FROM_EXAMPLE] === true
          ? 'a 2xx body about the identifier (shown by its example)'
          : 'a 2xx body about the identifier',
      );
    }
  }
  const keyed = inputs.some((i) => i.where === 'path' || i.where === 'query');
  // An answer declared only as a scalar (`type: string`, JSON sent as text) still answers per
  // identifier when the operation says it validates or looks the identifier up.
  const opaqueAnswer =
    success.length > 0 && success.every((s) => propertiesOf(s).size === 0 && !isArraySchema(s));
  if (keyed && opaqueAnswer && PURPOSE_TEXT.test(`${op.operationId ?? ''} ${op.summary} ${op.description}`)) {
    signals.push('a 2xx answer per identifier (its description: it validates or looks it up)');
  }
  if (keyed && op.responses.some((r) => r.status === '404')) signals.push('404 when it is absent');
  if (keyed && op.method === 'HEAD') signals.push('HEAD: the status tells whether it exists');
  if (keyed && success.length === 0 && op.method === 'GET' && op.responses.some(isSuccess)) {
    signals.push('a 2xx answer per identifier');
  }
  return [...new Set(signals)];
}

/** Takes a one-time code or a secret (a parameter or a body field named so). */
function takesSecret(op: SpecOperation): boolean {
  if (op.parameters.some((p) => SECRET_INPUTS.test(squash(p.name)))) return true;
  return op.body !== undefined && fieldsOf(op.body, 3).some((f) => SECRET_INPUTS.test(squash(f.name)));
}

function authFlowOf(op: SpecOperation): AuthFlow | undefined {
  if (op.method !== 'POST' && op.method !== 'PUT') return undefined;
  // The path and operationId name the flow; a summary's prose ("which numbers are registered") does not.
  const w = `${op.path} ${op.operationId ?? ''}`;
  if (RESET.test(w) && !/change|update/i.test(w)) return 'password-reset';
  if (SIGN_UP.test(w)) return 'sign-up';
  if (SIGN_IN.test(w)) return 'sign-in';
  return undefined;
}

/** Reads one operation for the rules: its identifiers, whether it is a lookup, and how it answers. */
export function operationFacts(op: SpecOperation, names: WeakMap<object, string>): OperationFacts {
  const inputs = identifierInputs(op, names);
  const selfScoped = op.path.split('/').some((s) => SELF_SEGMENTS.test(s));
  const authFlow = authFlowOf(op);
  const successSchemas = op.responses
    .filter((r) => isSuccess(r) || /^3\d\d$/.test(r.status))
    .map((r) => r.schema)
    .filter((s): s is Schema => s !== undefined);
  const signals = inputs.length === 0 ? [] : answerSignals(op, inputs, successSchemas);
  // Some APIs read with GET what is a write (`GET /views.publish`): not a lookup.
  const readMethod = (op.method === 'GET' || op.method === 'HEAD') && !namesAWrite(op.path, op.operationId);
  const lookupVerb =
    op.method === 'POST' &&
    (LOOKUP_WORDS.test(words(op)) || (VERIFY_WORDS.test(words(op)) && !takesSecret(op)));
  const existsFlag = signals.some((s) => s.startsWith('a boolean'));
  // Sign-in, sign-up and reset answers are judged by EG-EXISTENCE, unless they carry an exists flag.
  const shaped = (readMethod || lookupVerb) && (authFlow === undefined || existsFlag);
  const lookup = inputs.length > 0 && !selfScoped && signals.length > 0 && shaped;
  const oracle = lookup && inputs.some((i) => !i.opaque);
  return { op, inputs, selfScoped, authFlow, answerSignals: signals, lookup, oracle, successSchemas };
}
