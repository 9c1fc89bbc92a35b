import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { internalError } from '../../core/internal-error.ts';
import type { ResponsePlan } from '../../pipeline/types.ts';
import { loggerOf, pipelineFrom, type GuardOptions } from '../guard.ts';
import { heldResponseLimitOf } from '../settle-response.ts';
import { drainLimit } from '../../http/refuse-body.ts';
import type { Pipeline } from '../../pipeline/pipeline.ts';
import { drainRefusedBody } from './drain-refused-body.ts';
import { settleFastifyPayload } from './settle-fastify-payload.ts';

export type { GuardOptions } from '../guard.ts';

/**
 * Fastify plugin: a preHandler hook (the body is parsed by then) on every route of the
 * instance it is registered on. It is not encapsulated, like plugins wrapped by
 * fastify-plugin, so registering it once at the root guards the whole app.
 *
 * On routes with `egress` or `detect` an onSend hook holds the serialized response (error
 * responses too) until it is filtered and settled; a streamed response is read up to
 * max(server.bodyLimit, 8 MiB) (past that: 502 problem+json). A refused response is replaced,
 * status and headers included, by the 403/429 problem+json. Other routes pass the onSend
 * hook untouched.
 */
export const enumguard: FastifyPluginAsync<GuardOptions> = (fastify, options) => {
  const pipeline = pipelineFrom(options);
  const logger = loggerOf(options);
  const plans = new WeakMap<FastifyRequest, ResponsePlan>();
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
    if (verdict.plan !== undefined) plans.set(request, verdict.plan);
    return undefined;
  });
  // Callback style: a request without a plan passes without a promise being made.
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const plan = plans.get(request);
    if (plan === undefined) {
      done(null, drainRefusedBody(request, reply, payload, drainLimitOf(pipeline)));
      return;
    }
    plans.delete(request); // settle once, even if an error response follows
    settleFastifyPayload(pipeline, plan, reply, payload, heldResponseLimitOf(pipeline), logger).then(
      (out) => done(null, out),
      (err: unknown) =>
        done(
          err instanceof Error
            ? err
            : internalError(`answering the plan failed with a non-Error: ${String(err)}`),
        ),
    );
  });
  return Promise.resolve();
};

function drainLimitOf(pipeline: Pipeline): number {
  return drainLimit(pipeline.policy().server.bodyLimitBytes);
}

// What fastify-plugin sets: the hook applies to the parent scope instead of a child context.
Object.assign(enumguard, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'enumguard',
});
