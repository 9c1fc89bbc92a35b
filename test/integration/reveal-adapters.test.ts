import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { manualClock } from '../../src/core/clock.ts';
import { enumguard as expressGuard } from '../../src/adapters/express/index.ts';
import { enumguard as nodeGuard } from '../../src/adapters/node/index.ts';
import { compilePolicy } from '../../src/policy/index.ts';
import { createMemoryStore } from '../../src/stores/memory-store.ts';
import {
  contactClient,
  createContactService,
  phone,
  type ContactService,
} from '../helpers/contact-service.ts';

/** Registration binds sessions; lookups reveal strangers from a budget of 1 a day. */
const POLICY = `
version: 1
accounts:
  register: { route: register, number: /number, token: /token }
contacts:
  bootstrap: 0
  budget:
    - { trust: 0, rate: 1/1d }
routes:
  - id: register
    match: { method: POST, path: /v1/accounts }
    auth: none
  - id: discover
    match: { method: POST, path: /v1/contacts/discover }
    auth: none
    targets: /numbers
    reveal: { records: /contacts, number: number }
`;

function guardOptions() {
  const clock = manualClock(Date.UTC(2026, 0, 1));
  return {
    policy: compilePolicy(POLICY, { source: 'policy.yaml' }),
    store: createMemoryStore({ clock }),
    clock,
  };
}

type App = (service: ContactService) => Server;

const APPS: Record<string, App> = {
  node: (service) => createServer(nodeGuard(guardOptions(), (req, res) => service.handle(req, res))),
  express: (service) => {
    const app = express();
    app.use(express.json(), expressGuard(guardOptions()));
    app.post(['/v1/accounts', '/v1/contacts/discover'], (req, res) => {
      const { status, json } = service.answer(req.method, req.path, req.body);
      res.status(status).json(json);
    });
    return createServer(app);
  },
};

for (const [name, app] of Object.entries(APPS)) {
  describe(`the ${name} adapter with mutual-first reveals`, () => {
    it('withholds strangers past the budget and sends enumguard-deferred to the client', async () => {
      const service = createContactService();
      const server = app(service);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const client = contactClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
        service.registered.add(phone(1));
        service.registered.add(phone(2));
        const session = await client.register(phone(9));
        const r = await client.lookup(session, [phone(1), phone(2), phone(3)]);
        assert.equal(r.status, 200);
        assert.deepEqual(r.found, [phone(1)]);
        assert.equal(r.deferred, '86400');
        // A new session of the same number: the budget is the account's, and spent.
        const again = await client.register(phone(9));
        const next = await client.lookup(again, [phone(2)]);
        assert.deepEqual(next.found, []);
        assert.equal(next.deferred, '86400');
      } finally {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });
  });
}
