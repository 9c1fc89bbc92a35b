// enumguard as Express middleware in front of a contact-discovery lookup.
//   npm install enumguard express
//   npx tsx examples/express.ts          (PORT=0 picks a free port; POLICY=path another policy)
// Then: curl -i -X POST localhost:3000/v1/contacts/discover -H 'x-api-key: demo-key-alice' \
//         -H 'content-type: application/json' -d '{"numbers":["+14155550100"]}'
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { loadPolicy } from 'enumguard';
import { bodyParserErrors, enumguard } from 'enumguard/express';

const policy = await loadPolicy(process.env.POLICY ?? fileURLToPath(new URL('policy.yaml', import.meta.url)));

const app = express();
// express.json() first, so limits priced by the batch can read req.body; bodyParserErrors()
// after enumguard answers a malformed or oversized body as problem+json like every refusal.
app.use(express.json({ limit: policy.server.bodyLimitBytes }), enumguard({ policy }), bodyParserErrors());

app.post('/v1/contacts/discover', (req, res) => {
  const { numbers } = req.body as { numbers: string[] };
  // Your lookup here; this one knows nobody.
  res.json({ contacts: [], asked: numbers.length });
});

const server = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
