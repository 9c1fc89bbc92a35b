import { isIP } from 'node:net';
import type { Logger } from 'pino';
import { startAdminServer, MIN_TOKEN_LENGTH, type AdminServer } from '../admin/admin-server.ts';
import type { AdminDeps } from '../admin/admin-deps.ts';
import { EnumguardError } from '../core/errors.ts';
import type { AdminConfig } from '../policy/types.ts';

/**
 * The admin token for `server.admin`, from the environment variable it names. A policy with an
 * admin section and no token refuses to start: an admin API without a token would be open, and
 * one that silently stays off would surprise the operator who configured it.
 */
export function adminToken(config: AdminConfig, env: NodeJS.ProcessEnv = process.env): string {
  const token = env[config.tokenEnv];
  if (token === undefined || token === '') {
    throw new EnumguardError(
      'ERR_CONFIG',
      `server.admin is set but ${config.tokenEnv} is not: set ${config.tokenEnv} to a long random token (e.g. \`export ${config.tokenEnv}=$(openssl rand -base64 32)\`), or remove server.admin`,
    );
  }
  if (token.length < MIN_TOKEN_LENGTH) {
    throw new EnumguardError(
      'ERR_CONFIG',
      `${config.tokenEnv} is shorter than ${MIN_TOKEN_LENGTH} characters: use a long random token (e.g. openssl rand -base64 32)`,
    );
  }
  return token;
}

/** Serves the admin API and dashboard on `server.admin`'s listener; warns when it is not loopback. */
export async function openAdminEndpoint(
  { config, token }: { readonly config: AdminConfig; readonly token: string },
  deps: AdminDeps,
  logger: Logger,
): Promise<AdminServer> {
  const server = await startAdminServer({
    host: config.host,
    port: config.port,
    token,
    maxStreams: config.maxStreams,
    hosts: config.hosts,
    deps,
    logger,
  });
  if (!(
    config.host === 'localhost' ||
    config.host === '::1' ||
    (isIP(config.host) === 4 && config.host.startsWith('127.'))
  )) {
    logger.warn(
      { admin: server.url },
      'the admin API is served on a non-loopback address over plain HTTP: the token and the session cookie cross the network in clear; put it behind TLS or bind 127.0.0.1',
    );
  }
  return server;
}
