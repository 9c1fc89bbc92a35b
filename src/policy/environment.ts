/** Where the variables a policy names (secretEnv, urlEnv, routingKeyEnv, seedEnv, passwordEnv) are read from. */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * The environment of a compile that must not read the gateway's own: the admin API's policy
 * validation, which would otherwise answer whether a variable is set and how long it is to
 * anyone holding the admin token (an oracle on the gateway's secrets). Each section that reads a
 * variable asks `isUnread` first and takes a stand-in that passes its own checks, so the rest of
 * the policy is still checked. A policy compiled so holds stand-ins and is never run.
 */
export const UNREAD_ENV: Environment = Object.freeze({});

export function isUnread(env: Environment): boolean {
  return env === UNREAD_ENV;
}
