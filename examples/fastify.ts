// enumguard as a Fastify plugin in front of a contact-discovery lookup.
//   npm install enumguard fastify
//   npx tsx examples/fastify.ts          (PORT=0 picks a free port; POLICY=path another policy)
// Then: curl -i -X POST localhost:3000/v1/contacts/discover -H 'x-api-key: demo-key-alice' \
//         -H 'content-type: application/json' -d '{"numbers":["+14155550100"]}'
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { loadPolicy } from 'enumguard';
import { enumguard } from 'enumguard/fastify';

const policy = await loadPolicy(process.env.POLICY ?? fileURLToPath(new URL('policy.yaml', import.meta.url)));

const app = Fastify({ bodyLimit: policy.server.bodyLimitBytes });
// Registered at the root, its preHandler hook guards every route (the body is parsed by then).
await app.register(enumguard, { policy });

app.post<{ Body: { numbers: string[] } }>('/v1/contacts/discover', (request) => {
  // Your lookup here; this one knows nobody.
  return { contacts: [], asked: request.body.numbers.length };
});

const url = await app.listen({ port: Number(process.env.PORT ?? 3000), host: '127.0.0.1' });
console.log(`listening on ${url}`);
