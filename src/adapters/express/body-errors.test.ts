import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bodyParserProblem } from './body-errors.ts';

describe('bodyParserProblem', () => {
  it("answers a verify hook's 403 as forbidden, keeping the status", () => {
    const answer = bodyParserProblem({
      type: 'entity.verify.failed',
      status: 403,
      expose: true,
      message: 'no',
    });
    assert.equal(answer?.status, 403);
    assert.equal(answer?.problem, 'forbidden');
  });

  it('answers an unsupported charset as a bad request with its own status', () => {
    const answer = bodyParserProblem({
      type: 'charset.unsupported',
      status: 415,
      expose: true,
      message: 'x',
    });
    assert.deepEqual([answer?.status, answer?.problem], [415, 'bad-request']);
  });

  it('leaves errors that are not the body parser’s to the next handler', () => {
    assert.equal(bodyParserProblem(new Error('boom')), undefined);
    assert.equal(bodyParserProblem({ type: 'x', status: 500, message: 'server' }), undefined);
  });
});
