// enumguard around a plain node:http handler, in front of a contact-discovery lookup.
//   npm install enumguard
//   npx tsx examples/node.ts             (PORT=0 picks a free port; POLICY=path another policy)
// Then: curl -i -X POST localhost:3000/v1/contacts/discover -H 'x-api-key: demo-key-alice' \
//         -H 'content-type: application/json' -d '{"numbers":["+14155550100"]}'
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { loadPolicy } from 'enumguard';
import { enumguard } from 'enumguard/node';

const policy = await loadPolicy(process.env.POLICY ?? fileURLToPath(new URL('policy.yaml', import.meta.url)));

const server = createServer(
  // On routes priced by their body, enumguard has read and parsed it: it is req.body.
  enumguard({ policy }, (req, res) => {
    if (req.method === 'POST' && req.url === '/v1/contacts/discover') {
      const { numbers } = req.body as { numbers: string[] };
      // Your lookup here; this one knows nobody.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ contacts: [], asked: numbers.length }));
      return;
    }
    res.writeHead(404).end();
  }),
);

server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
