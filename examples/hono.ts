// enumguard as Hono middleware, served on Node by @hono/node-server.
//   npm install enumguard hono @hono/node-server
//   npx tsx examples/hono.ts             (PORT=0 picks a free port; POLICY=path another policy)
// Then: curl -i -X POST localhost:3000/v1/contacts/discover -H 'x-api-key: demo-key-alice' \
//         -H 'content-type: application/json' -d '{"numbers":["+14155550100"]}'
// On other runtimes pass enumguard({ policy, remoteAddress: (c) => ... }) with the client's address.
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { loadPolicy } from 'enumguard';
import { enumguard } from 'enumguard/hono';

const policy = await loadPolicy(process.env.POLICY ?? fileURLToPath(new URL('policy.yaml', import.meta.url)));

const app = new Hono();
app.use('*', enumguard({ policy }));

app.post('/v1/contacts/discover', async (c) => {
  // enumguard read the body as text, which Hono keeps: it can be read again here.
  const { numbers } = await c.req.json<{ numbers: string[] }>();
  // Your lookup here; this one knows nobody.
  return c.json({ contacts: [], asked: numbers.length });
});

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000), hostname: '127.0.0.1' }, (info) => {
  console.log(`listening on http://127.0.0.1:${info.port}`);
});
