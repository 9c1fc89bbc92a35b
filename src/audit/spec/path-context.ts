/**
 * What a path says about its parameters: which collection a path parameter picks a member of
 * (`/users/{x}`, `/u/by-external/{provider}/{x}.json`), which collection an operation lists
 * or searches (`GET /api/v1/users?q=`), and whether an RPC-style path names a write
 * (`GET /views.publish`). Used to recognize account identifiers that their names alone do not
 * reveal, and lookups that their answers alone do not.
 */

/**
 * Collections whose members are accounts or people: a path parameter right after one of them
 * names an account, whatever the parameter is called. `u` is the usual short form of `users`
 * in profile URLs (`/u/{username}`).
 */
const ACCOUNT_COLLECTIONS =
  /^(u|users?|accounts?|members?|customers?|profiles?|people|persons?|players?|subscribers?|contacts?)$/;

/** Segments that say how the member is picked, not what it is: `by`, `by-email`, `by_external`. */
const BY_SEGMENT = /^by([-_].*)?$/i;

/** Segments that name the action of a search, not its collection: `/users/search`. */
const SEARCH_SEGMENT = /^(search|find|lookup|query|filter|list|all)$/i;

const isParam = (segment: string): boolean => segment.includes('{');

/** "users.json" → "users", "Users" → "users": the collection's own name. */
function bare(segment: string): string {
  return segment.replace(/\.(json|xml|ya?ml)$/i, '').toLowerCase();
}

export function isAccountCollection(segment: string | undefined): boolean {
  return segment !== undefined && ACCOUNT_COLLECTIONS.test(bare(segment));
}

/**
 * Collections of the identifiers themselves (`/admin/emails`, `/phone-numbers`, `/usernames`):
 * each member is an account's email, number or login, so searching them finds accounts.
 * Only searches are read this way: `/emails/{id}` elsewhere is as often a sent message.
 */
const IDENTIFIER_COLLECTIONS =
  /^(e?mails|emailaddresses|phones|phonenumbers|mobilenumbers|msisdns|usernames|logins|handles)$/;

export function isIdentifierCollection(segment: string | undefined): boolean {
  return segment !== undefined && IDENTIFIER_COLLECTIONS.test(bare(segment).replace(/[-_]/g, ''));
}

/**
 * The collection a path parameter picks a member of: the segment before it, past a "by"
 * segment and the parameters that qualify it (`/u/by-external/{provider}/{external_id}` →
 * "u"). Undefined when the parameter is not in the path or another parameter stands before it.
 */
export function collectionOf(path: string, param: string): string | undefined {
  const segments = path.split('/');
  const at = segments.findIndex((s) => s.includes(`{${param}}`));
  if (at <= 0) return undefined;
  let k = at - 1;
  while (k > 0 && isParam(segments[k] ?? '')) k--;
  if (BY_SEGMENT.test(segments[k] ?? '')) {
    // `/u/by-external/{provider}/{external_id}`: the last parameter picks the member; the
    // ones before it only qualify it.
    if (isParam(segments[at + 1] ?? '')) return undefined;
    k--;
    while (k > 0 && (isParam(segments[k] ?? '') || BY_SEGMENT.test(segments[k] ?? ''))) k--;
  } else if (k !== at - 1) {
    return undefined;
  }
  const segment = segments[k];
  return segment === undefined || segment === '' || isParam(segment) ? undefined : bare(segment);
}

/**
 * The collection an operation lists or searches: its last literal segment, past a search
 * action (`/users/search` → "users"); undefined when the path ends in a parameter (a member,
 * not a collection). RPC-style segments (`users.list`) give their noun.
 */
export function listedCollection(path: string): string | undefined {
  const segments = path.split('/').filter((s) => s !== '');
  let k = segments.length - 1;
  if (k >= 0 && SEARCH_SEGMENT.test(bare(segments[k] ?? ''))) k--;
  const segment = segments[k];
  if (segment === undefined || isParam(segment)) return undefined;
  const b = bare(segment);
  const rpc = /^([a-z]+)\.([a-z]+)$/i.exec(b);
  return rpc !== null && SEARCH_SEGMENT.test(rpc[2] ?? '') ? (rpc[1] ?? '').toLowerCase() : b;
}

/**
 * Verbs that change state. Some APIs use GET for RPC methods (`GET /views.publish`,
 * `operationId: setPresence`); such an operation writes, it does not look anything up.
 */
const WRITE_VERB =
  /^(set|update|delete|remove|create|add|publish|send|post|invite|kick|revoke|archive|unarchive|rename|join|leave|mark|push|close|block|unblock|mute|unmute|follow|unfollow|register|reset|disable|enable|request|trigger)$/;

/**
 * True when a read method is used for a write: the method part of an RPC-style last segment
 * (`views.publish`, `chat.postMessage`) or the operationId starts with a write verb.
 */
export function namesAWrite(path: string, operationId: string | undefined): boolean {
  // The case is kept: `chat.postMessage` gives "post".
  const last = (
    path
      .split('/')
      .filter((s) => s !== '' && !isParam(s))
      .pop() ?? ''
  ).replace(/\.(json|xml|ya?ml)$/i, '');
  const rpc = /^[a-z]+(?:\.[a-z]+)*\.([a-z][a-z0-9]*)$/i.exec(last);
  const rpcVerb = rpc === null ? '' : (/^[a-z]+/.exec(rpc[1] ?? '')?.[0] ?? '');
  const opVerb = operationId === undefined ? '' : (/^[a-z]+/.exec(operationId)?.[0] ?? '');
  return WRITE_VERB.test(rpcVerb) || WRITE_VERB.test(opVerb);
}
