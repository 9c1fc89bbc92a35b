import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EnumguardError } from '../core/errors.ts';

/**
 * Starts one of the gateway's own listeners (metrics, admin) on host:port. A listen failure
 * (address in use, not an address of this host) rejects with ERR_CONFIG naming the address and
 * the policy key that set it, so the gateway refuses to start rather than run unobserved; later
 * listener errors are logged.
 */
export async function listenOwn(
  server: Server,
  where: { readonly host: string; readonly port: number },
  what: { readonly serving: string; readonly key: string; readonly label: string },
  logger: { error(obj: object, msg: string): void } | undefined,
): Promise<AddressInfo> {
  const shown = where.host.includes(':') ? `[${where.host}]:${where.port}` : `${where.host}:${where.port}`;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why =
        err.code === 'EADDRINUSE'
          ? 'the address is in use'
          : err.code === 'EADDRNOTAVAIL'
            ? 'not an address of this host'
            : err.message;
      reject(
        new EnumguardError('ERR_CONFIG', `cannot serve ${what.serving} on ${shown} (${what.key}): ${why}`, {
          cause: err,
        }),
      );
    });
    server.listen(where.port, where.host, () => resolve());
  });
  server.removeAllListeners('error');
  server.on('error', (err) => logger?.error({ err }, `${what.label} listener error`));
  return server.address() as AddressInfo;
}
