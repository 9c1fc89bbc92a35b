import type { FastifyPluginAsync } from 'fastify';
import { pipelineFrom, type GuardOptions } from '../guard.ts';

export type { GuardOptions } from '../guard.ts';

/**
 * Fastify plugin: a preHandler hook (the body is parsed by then) on every route of the
 * instance it is registered on. It is not encapsulated, like plugins wrapped by
 * fastify-plugin, so registering it once at the root guards the whole app.
 */
export const enumguard: FastifyPluginAsync<GuardOptions> = (fastify, options) => {
  const pipeline = pipelineFrom(options);
  fastify.addHook('preHandler', async (request, reply) => {
    const verdict = await pipeline.admit({
      method: request.method,
      url: request.url,
      headers: request.headers,
      remoteAddress: request.socket.remoteAddress ?? '',
      body: request.body,
    });
    if (!verdict.allowed) {
      await reply
        .code(verdict.response.status)
        .headers(verdict.response.headers)
        .send(Buffer.from(verdict.response.body));
      return reply;
    }
    void reply.headers(verdict.headers);
    return undefined;
  });
  return Promise.resolve();
};

// What fastify-plugin sets: the hook applies to the parent scope instead of a child context.
Object.assign(enumguard, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'enumguard',
});
