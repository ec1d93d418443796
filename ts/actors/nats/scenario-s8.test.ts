/**
 * Scenario S8's smoke test: a grid search across a cluster of processes joined
 * through a real nats-server (`shoal scheduler`, two `shoal worker`s,
 * Client.connect). Every candidate x split is a task on a worker process; the
 * scores must be those of the same search run on this thread.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '../client.js';
import { clusterForTests, skipWithoutNatsServer as skip } from '../testing/processes.js';
import { LogisticRegression } from '../../ml/linear_model/logistic-regression.js';
import { GridSearchCV } from '../../ml/model_selection/search.js';
import { modelFromBytes, modelToBytes } from '../../ml/persistence.js';
import { sk } from '../../ml/testdata.js';

const cluster = clusterForTests(2);

test('S8: a grid search over NATS runs every candidate x split on the worker processes, with the scores of a local run', { skip, timeout: 120_000 }, async () => {
  const X: number[][] = sk.glm.X;
  const y: number[] = sk.glm.y_multi; // three classes: multinomial candidates
  const grid = { C: [0.01, 0.1, 1, 10], penalty: ['l2', 'none'] };
  const local = await new GridSearchCV(new LogisticRegression({ tol: 1e-8 }), grid, { cv: 3, scheduler: 'local' }).fit(X, y);
  const client = await Client.connect({ nats: cluster.server.url, log: () => {} });
  try {
    const remote = await new GridSearchCV(new LogisticRegression({ tol: 1e-8 }), grid, { cv: 3, scheduler: client }).fit(X, y);
    assert.deepEqual(remote.bestParams_, local.bestParams_);
    for (const col of ['split0_test_score', 'split1_test_score', 'split2_test_score', 'mean_test_score', 'rank_test_score']) {
      assert.deepEqual(remote.cvResults_![col], local.cvResults_![col], col);
    }
    const where = new Set(remote.fitWorkers_!.flat());
    assert.deepEqual([...where].sort(), ['worker-w0', 'worker-w1'], 'the fits ran on both worker processes');
    assert.equal(await remote.score(X, y), await local.score(X, y));
    // the fitted search saves and loads without its connection
    const back = modelFromBytes(modelToBytes(remote as never)) as GridSearchCV;
    assert.equal(back.getParams().scheduler, null);
    assert.deepEqual(back.bestParams_, remote.bestParams_);
  } finally {
    await client.close();
  }
});
