import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accuracyScore, confusionMatrix, logLoss, meanAbsoluteError, meanSquaredError, r2Score, rocAucScore } from './metrics.js';
import { sk } from './testdata.js';

const reg = sk.regression;
const cls = sk.classification;
const close = (a: number, b: number) => assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

test('regression metrics match scikit-learn', () => {
  close(r2Score(reg.y_true, reg.y_pred), reg.r2);
  close(meanSquaredError(reg.y_true, reg.y_pred), reg.mse);
  close(meanAbsoluteError(reg.y_true, reg.y_pred), reg.mae);
});

test('r2Score is 1 for a perfect fit and 0 for a constant target fitted imperfectly', () => {
  assert.equal(r2Score([1, 2, 3], [1, 2, 3]), 1);
  assert.equal(r2Score([2, 2, 2], [1, 2, 3]), 0);
});

test('classification metrics match scikit-learn', () => {
  close(accuracyScore(cls.labels_true, cls.labels_pred), cls.accuracy);
  assert.deepEqual(confusionMatrix(cls.labels_true, cls.labels_pred), cls.confusion_matrix);
  close(logLoss(cls.labels_true, cls.proba3), cls.log_loss3);
  close(rocAucScore(cls.bin_true, cls.bin_score), cls.roc_auc);
  close(logLoss(cls.bin_true, cls.bin_score.map((p: number) => Math.min(Math.max(p, 0.05), 0.95))), cls.log_loss_binary);
});

test('metrics name the argument on bad input', () => {
  assert.throws(() => r2Score([1, 2], [1, 2, 3]), /yTrue and yPred: expected the same number of samples, got 2 and 3/);
  assert.throws(() => meanSquaredError([1, NaN], [1, 2]), /yTrue: expected finite numbers, got NaN at index 1/);
  assert.throws(() => rocAucScore([1, 1, 1], [0.1, 0.2, 0.3]), /yTrue: ROC AUC needs exactly 2 classes, got 1/);
  assert.throws(() => logLoss([0, 1, 2], [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]]), /yProba: expected one column per label \(3/);
});

test('weighted rocAucScore: integer weights equal repeated samples (ties included), all-ones equal unweighted', () => {
  const t = [0, 1, 1, 0, 1, 0, 0, 1, 1, 0];
  const s = [0.1, 0.4, 0.35, 0.8, 0.4, 0.4, 0.2, 0.9, 0.05, 0.6];
  const w = [2, 1, 3, 0, 1, 2, 1, 1, 2, 1];
  const rt: number[] = [];
  const rs: number[] = [];
  t.forEach((v, i) => { for (let k = 0; k < w[i]; k++) { rt.push(v); rs.push(s[i]); } });
  close(rocAucScore(t, s, { sampleWeight: w }), rocAucScore(rt, rs));
  close(rocAucScore(t, s, { sampleWeight: t.map(() => 1) }), rocAucScore(t, s));
  assert.throws(() => rocAucScore(t, s, { sampleWeight: [1] }), /sampleWeight: expected 10 weights/);
});
