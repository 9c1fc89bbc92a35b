import { basename } from 'node:path';
import type { LimitSpec } from '../core/limit.ts';
import { UNREAD_ENV, type Environment } from './environment.ts';
import { resolveJwtKey } from './jwt-key.ts';
import { fromZodIssues, PolicyError, policyErrorMap, sortIssues, type RawIssue } from './issues.ts';
import { parseYamlSource, type SourceMap } from './locate.ts';
import { buildAlerts } from './alerts-section.ts';
import { buildAccounts, buildContacts } from './contacts-section.ts';
import { buildRisk } from './risk-section.ts';
import { buildRoutes } from './routes-section.ts';
import { buildMetrics } from './metrics-section.ts';
import { buildAdmin } from './admin-section.ts';
import { buildStore } from './store-section.ts';
import { FAILED_AUTH_RATE, policySchema, type PolicyDocument, type PolicyInput } from './schema.ts';
import type {
  AccountsConfig,
  ApiKeysConfig,
  CompiledPolicy,
  CompiledRoute,
  ContactsConfig,
  JwtConfig,
} from './types.ts';
import { formatPath, type PathSegment } from './values.ts';

export interface CompileOptions {
  /** Where the text came from, for messages and `CompiledPolicy.source`; default "<inline>". */
  readonly source?: string;
  /** Directory that relative paths in the policy (key files) are resolved against; default the cwd. */
  readonly baseDir?: string;
  /** Environment that `secretEnv` names are read from; default process.env. */
  readonly env?: Environment;
  /**
   * Read nothing outside the text: no environment variable (`env` is ignored) and no key file
   * (publicKeyFile, jwksFile); their checks are skipped and stand-ins take their place, so the
   * result only says whether the policy itself is valid and must never be run. For the admin
   * API's validation, which must not reveal the gateway's environment or files. Default false.
   */
  readonly skipExternal?: boolean;
}

/**
 * A policy → CompiledPolicy. The policy is YAML text (a policy file's content) or the same document
 * as a typed object (`PolicyInput`, what the YAML parses to), for code that builds its policy
 * instead of reading a file. Three passes: YAML syntax (text only), the schema (shapes and scalar
 * values), then checks across fields. Each pass reports all it finds; a later pass runs only when
 * the earlier ones found nothing, since it relies on their output.
 * Throws PolicyError (ERR_POLICY_INVALID) listing every issue, one per line: sorted by line for
 * text, by where it was found for an object (whose issues have no line, only the path).
 */
export function compilePolicy(policy: string | PolicyInput, options: CompileOptions = {}): CompiledPolicy {
  const source = options.source ?? '<inline>';
  const file = options.source === undefined ? source : basename(source);
  const map = typeof policy === 'string' ? parseYamlSource(policy) : objectSource(policy);
  if (map.syntaxIssues.length > 0) throw new PolicyError(file, sortIssues(map.syntaxIssues));

  if (map.data === null || map.data === undefined) {
    throw located(file, map, [{ path: [], message: 'the policy is empty; it starts with "version: 1"' }]);
  }
  const parsed = policySchema.safeParse(map.data, { error: policyErrorMap });
  if (!parsed.success) throw located(file, map, fromZodIssues(parsed.error.issues));

  const issues: RawIssue[] = [];
  const compiled = build(
    parsed.data,
    source,
    options.skipExternal === true ? undefined : (options.baseDir ?? process.cwd()),
    options.skipExternal === true ? UNREAD_ENV : (options.env ?? process.env),
    issues,
  );
  if (issues.length > 0) throw located(file, map, issues);
  return compiled;
}

/** A policy given as an object has no lines: its issues are located by path alone (line 0). */
function objectSource(data: unknown): SourceMap {
  return {
    data,
    syntaxIssues: [],
    locate: (issue) => ({ line: 0, path: formatPath(issue.path), message: issue.message }),
  };
}

function located(file: string, map: SourceMap, issues: readonly RawIssue[]): PolicyError {
  return new PolicyError(file, sortIssues(issues.map((i) => map.locate(i))));
}

function build(
  doc: PolicyDocument,
  source: string,
  /** undefined: key files are not read (skipExternal). */
  baseDir: string | undefined,
  env: Environment,
  issues: RawIssue[],
): CompiledPolicy {
  const apiKeys = buildApiKeys(doc, issues);
  const jwt = buildJwt(doc, baseDir, issues);
  const hasJwtConfig = doc.identities.jwt !== undefined;
  const apiKeyIds = new Set(apiKeys?.keys.map((k) => k.id));
  const risk =
    doc.risk === undefined ? undefined : buildRisk(doc.risk, ['risk'], { hasJwtConfig, apiKeyIds }, issues);
  const routes = buildRoutes(doc, { apiKeys, jwt, hasJwtConfig, hasRisk: risk !== undefined, env }, issues);
  const { accounts, contacts } = buildContactDefenses(doc, routes, hasJwtConfig, issues);
  const { server } = doc;
  const store =
    server.store === undefined
      ? undefined
      : buildStore(server.store, ['server', 'store'], baseDir ?? process.cwd(), env, issues);
  return {
    source,
    upstream: doc.upstream,
    server: {
      trustedProxies: server.trustedProxies,
      forwardedHeader: server.forwardedHeader,
      bodyLimitBytes: server.bodyLimit,
      headersTimeoutMs: server.headersTimeout,
      requestTimeoutMs: server.requestTimeout,
      idleTimeoutMs: server.idleTimeout,
      upstreamTimeoutMs: server.upstreamTimeout,
      store,
      metrics: server.metrics === undefined ? undefined : buildMetrics(server.metrics),
      admin: server.admin === undefined ? undefined : buildAdmin(server.admin),
    },
    identities: { apiKeys, jwt, failedAuth: failedAuthSpec(doc.identities.failedAuth) },
    routes,
    unmatched: doc.unmatched,
    risk,
    accounts,
    contacts,
    alerts: doc.alerts === undefined ? undefined : buildAlerts(doc.alerts, store, env, issues),
  };
}

/** The accounts and contacts sections, and the cross-checks between them and the routes. */
function buildContactDefenses(
  doc: PolicyDocument,
  routes: readonly CompiledRoute[],
  hasJwt: boolean,
  issues: RawIssue[],
): { accounts: AccountsConfig | undefined; contacts: ContactsConfig | undefined } {
  const ids = routes.map((r) => r.id);
  const accounts = doc.accounts === undefined ? undefined : buildAccounts(doc.accounts, ids, hasJwt, issues);
  const contacts = doc.contacts === undefined ? undefined : buildContacts(doc.contacts, issues);
  if (contacts !== undefined && accounts === undefined) {
    issues.push({
      path: ['contacts'],
      message: 'contacts needs an accounts section: the graph links accounts (numbers), not sessions',
    });
  }
  const accountKeyAt = accountKeyPath(doc, routes);
  if (accountKeyAt !== undefined && accounts === undefined) {
    issues.push({
      path: accountKeyAt,
      message: 'key "account" needs an accounts section, which says how a session names its account',
    });
  }
  routes.forEach((route, i) => {
    if (route.reveal === undefined) return;
    const at = ['routes', i, 'reveal'];
    if (contacts === undefined)
      issues.push({ path: at, message: 'reveal needs a contacts section: it holds the reveal budget' });
    if (route.targets === undefined)
      issues.push({
        path: at,
        message: "reveal needs the request's targets: set targets, a distinct limit or batch",
      });
    if (route.egress !== undefined && route.egress.records !== route.reveal.records)
      issues.push({
        path: [...at, 'records'],
        message: `reveal.records must name the same array as egress.records (${route.egress.records})`,
      });
  });
  return { accounts, contacts };
}

/** Where the policy first uses key "account" (risk.identity, else a limit's key), or undefined. */
function accountKeyPath(doc: PolicyDocument, routes: readonly CompiledRoute[]): PathSegment[] | undefined {
  if (doc.risk?.identity.key.kind === 'account') return ['risk', 'identity'];
  for (const [i, route] of routes.entries()) {
    const j = route.limits.findIndex((l) => l.key.kind === 'account');
    if (j >= 0) return ['routes', i, 'limits', j, 'key'];
  }
  return undefined;
}

/** The failed-authentication limit: one GCRA bucket per client address (see IdentitiesConfig). */
function failedAuthSpec(doc: PolicyDocument['identities']['failedAuth']): LimitSpec | undefined {
  if (doc === false) return undefined;
  const { limit, windowMs } = doc?.rate ?? FAILED_AUTH_RATE;
  return { id: 'identities/failed-auth', algorithm: 'gcra', limit, windowMs, burst: doc?.burst ?? limit };
}

function buildApiKeys(doc: PolicyDocument, issues: RawIssue[]): ApiKeysConfig | undefined {
  const apiKeys = doc.identities.apiKeys;
  if (apiKeys === undefined) return undefined;
  const ids = new Map<string, number>();
  const hashes = new Map<string, number>();
  apiKeys.keys.forEach((k, i) => {
    const at = ['identities', 'apiKeys', 'keys', i];
    const sameId = ids.get(k.id);
    if (sameId === undefined) ids.set(k.id, i);
    else
      issues.push({
        path: [...at, 'id'],
        message: `duplicate API key id "${k.id}", also used by keys[${sameId}]`,
      });
    const sameHash = hashes.get(k.sha256);
    if (sameHash === undefined) hashes.set(k.sha256, i);
    else
      issues.push({
        path: [...at, 'sha256'],
        message: `the same key is already listed as keys[${sameHash}]`,
      });
  });
  return {
    header: apiKeys.header,
    keys: apiKeys.keys.map((k) => ({ id: k.id, sha256: k.sha256, scopes: k.scopes })),
  };
}

function buildJwt(
  doc: PolicyDocument,
  baseDir: string | undefined,
  issues: RawIssue[],
): JwtConfig | undefined {
  const jwt = doc.identities.jwt;
  if (jwt === undefined) return undefined;
  const key = resolveJwtKey(jwt, ['identities', 'jwt'], baseDir, issues);
  if (key === undefined) return undefined;
  return {
    algorithms: jwt.algorithms,
    key,
    issuer: jwt.issuer,
    audience: jwt.audience,
    clockToleranceMs: jwt.clockTolerance,
    identityClaim: jwt.identityClaim,
    scopesClaim: jwt.scopesClaim,
    requireExp: jwt.requireExp,
  };
}
