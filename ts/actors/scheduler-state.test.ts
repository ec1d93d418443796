/** The scheduler state machine as plain data: events in, instructions out, no I/O. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RECENT_ERRORS, SchedulerState, type Instruction, type NewTask } from './scheduler-state.js';

const task = (key: string, deps: string[] = [], priority = 0, retries = 0): NewTask => ({ key, op: 'op', deps, priority, retries, payload: null });
const of = <T extends Instruction['type']>(out: Instruction[], type: T) => out.filter((i): i is Extract<Instruction, { type: T }> => i.type === type);
const computed = (out: Instruction[]) => of(out, 'compute').flatMap((c) => c.tasks.map((t) => `${c.worker}:${t.key}`));

test('a diamond runs in dependency order and only the wanted result is kept', () => {
  const s = new SchedulerState({ saturation: 4 });
  s.addWorker('w1', 1, 1e9);
  s.updateGraph('c', [task('a', [], 0), task('b', ['a'], 1), task('c', ['a'], 2), task('d', ['b', 'c'], 3)], ['d']);
  assert.deepEqual(computed(s.drain()), ['w1:a']);
  s.taskFinished('w1', 'a', 8, 'number');
  assert.deepEqual(computed(s.drain()), ['w1:b', 'w1:c']);
  s.taskFinished('w1', 'b', 8, 'number');
  let out = s.drain();
  assert.deepEqual(of(out, 'free'), [], 'a is still needed by c');
  s.taskFinished('w1', 'c', 8, 'number');
  out = s.drain();
  assert.deepEqual(computed(out), ['w1:d']);
  assert.deepEqual(of(out, 'free').flatMap((f) => f.keys), ['a'], 'a freed once b and c are done; they wait for d');
  s.taskFinished('w1', 'd', 8, 'number');
  out = s.drain();
  assert.deepEqual(of(out, 'free').flatMap((f) => f.keys).sort(), ['b', 'c']);
  assert.deepEqual(of(out, 'memory').map((m) => [m.client, m.key, m.workers]), [['c', 'd', ['w1']]]);
  s.releaseKeys('c', ['d']);
  assert.deepEqual(of(s.drain(), 'free').flatMap((f) => f.keys), ['d']);
  assert.equal(s.tasks.size, 0, 'everything forgotten');
});

test('ready tasks go out in priority order, at most saturation per thread, to the worker holding the inputs', () => {
  const s = new SchedulerState({ saturation: 1 });
  s.addWorker('w1', 1, 1e9);
  s.addWorker('w2', 1, 1e9);
  s.updateGraph('c', [task('x', [], 5), task('y', [], 1), task('z', [], 3)], ['x', 'y', 'z']);
  const out = computed(s.drain());
  assert.equal(out.length, 2);
  assert.deepEqual(out.map((o) => o.split(':')[1]).sort(), ['y', 'z'], 'the two lowest priorities first');
  const yWorker = out.find((o) => o.endsWith(':y'))!.split(':')[0]!;
  s.taskFinished(yWorker, 'y', 1000, 'x');
  assert.deepEqual(computed(s.drain()), [`${yWorker}:x`]);
  // A task needing y goes where y is.
  s.updateGraph('c', [task('needs-y', ['y'], 0)], ['needs-y']);
  s.taskFinished(yWorker, 'x', 1, 'x');
  const other = yWorker === 'w1' ? 'w2' : 'w1';
  s.taskFinished(other, 'z', 1, 'x');
  assert.deepEqual(computed(s.drain()), [`${yWorker}:needs-y`]);
});

test('errors: retries, then the error reaches every client wanting the task or its dependents', () => {
  const s = new SchedulerState();
  s.addWorker('w1', 1, 1e9);
  s.updateGraph('c', [task('a', [], 0, 1), task('b', ['a'])], ['a', 'b']);
  s.drain();
  const err = { errorType: 'ValueError', message: 'no', stack: 'at op' };
  s.taskErred('w1', 'a', err, false);
  assert.deepEqual(computed(s.drain()), ['w1:a'], 'retried once');
  s.taskErred('w1', 'a', err, false);
  const erred = of(s.drain(), 'erred');
  assert.deepEqual(erred.map((e) => [e.key, e.error.errorType, e.error.workerId]), [['a', 'ValueError', 'w1'], ['b', 'ValueError', 'w1']]);
  assert.deepEqual(s.progress.get('c'), { total: 2, finished: 0, erred: 2 });
});

test('a dying thread reschedules the task until allowedFailures, then KilledWorker', () => {
  const s = new SchedulerState({ allowedFailures: 1 });
  s.addWorker('w1', 1, 1e9);
  s.updateGraph('c', [task('a')], ['a']);
  s.drain();
  const died = { errorType: 'Error', message: 'thread exited', stack: '' };
  s.taskErred('w1', 'a', died, true);
  assert.deepEqual(computed(s.drain()), ['w1:a']);
  s.taskErred('w1', 'a', died, true);
  assert.equal(of(s.drain(), 'erred')[0]!.error.errorType, 'KilledWorker');
});

test('a lost worker: running tasks move, results only it held are recomputed from lineage', () => {
  const s = new SchedulerState({ saturation: 4 });
  s.addWorker('w1', 1, 1e9);
  s.addWorker('w2', 1, 1e9);
  s.updateGraph('c', [task('a', [], 0), task('b', ['a'], 1)], ['b']);
  const first = computed(s.drain());
  const aWorker = first[0]!.split(':')[0]!;
  s.taskFinished(aWorker, 'a', 8, 'number');
  const bOn = computed(s.drain())[0]!.split(':')[0]!;
  assert.equal(bOn, aWorker, 'b placed with its input');
  s.removeWorker(aWorker);
  const survivor = aWorker === 'w1' ? 'w2' : 'w1';
  assert.deepEqual(computed(s.drain()), [`${survivor}:a`], 'a recomputed first; b waits for it');
  s.taskFinished(survivor, 'a', 8, 'number');
  assert.deepEqual(computed(s.drain()), [`${survivor}:b`]);
  s.taskFinished(survivor, 'b', 8, 'number');
  assert.deepEqual(of(s.drain(), 'memory').map((m) => [m.key, m.workers]), [['b', [survivor]]]);
});

test('an idle worker steals queued tasks, which then go straight to it', () => {
  const s = new SchedulerState({ saturation: 8 });
  s.addWorker('w1', 1, 1e9);
  s.updateGraph('c', Array.from({ length: 8 }, (_, i) => task(`t${i}`, [], i)), Array.from({ length: 8 }, (_, i) => `t${i}`));
  assert.equal(computed(s.drain()).length, 8);
  s.addWorker('w2', 1, 1e9);
  const steal = of(s.drain(), 'steal');
  assert.equal(steal.length, 1);
  assert.equal(steal[0]!.worker, 'w1');
  assert.deepEqual(steal[0]!.keys, ['t7', 't6', 't5'], 'the lowest-priority queued tasks');
  s.stealResponse('w1', ['t7', 't6']); // t5 had started meanwhile
  assert.deepEqual(computed(s.drain()).sort(), ['w2:t6', 'w2:t7']);
  s.taskFinished('w2', 't7', 1, 'n');
  s.taskFinished('w1', 't5', 1, 'n');
  assert.deepEqual(of(s.drain(), 'memory').map((m) => m.key).sort(), ['t5', 't7']);
});

test('releasing a pending key cancels its work and frees inputs nobody else needs', () => {
  const s = new SchedulerState();
  s.addWorker('w1', 1, 1e9);
  s.updateGraph('c', [task('a'), task('b', ['a'])], ['b']);
  s.drain();
  s.releaseKeys('c', ['b']);
  const out = s.drain();
  assert.deepEqual(of(out, 'free').flatMap((f) => f.keys), ['a'], 'the running input is stopped');
  assert.equal(s.tasks.size, 0);
  assert.deepEqual(s.progress.get('c'), { total: 0, finished: 0, erred: 0 });
});

test('a paused worker gets no new tasks until it resumes', () => {
  const s = new SchedulerState({ saturation: 1 });
  s.addWorker('w1', 1, 1e9);
  s.setPaused('w1', true);
  s.updateGraph('c', [task('a')], ['a']);
  assert.deepEqual(computed(s.drain()), []);
  s.setPaused('w1', false);
  assert.deepEqual(computed(s.drain()), ['w1:a']);
});

test('once results prove small, more tasks are sent ahead per thread', () => {
  const s = new SchedulerState({ saturation: 1, smallResultSaturation: 4 });
  s.addWorker('w1', 1, 1e9);
  s.updateGraph('c', Array.from({ length: 10 }, (_, i) => task(`t${i}`, [], i)), Array.from({ length: 10 }, (_, i) => `t${i}`));
  assert.deepEqual(computed(s.drain()), ['w1:t0'], 'one ahead while result sizes are unknown');
  s.taskFinished('w1', 't0', 8, 'number');
  assert.equal(computed(s.drain()).length, 4, 'four ahead once results are small');
});

test('the dashboard counters: finished tasks, and errors listed once each where they start (bounded)', () => {
  const s = new SchedulerState({ saturation: 100 });
  s.addWorker('w1', 1, 1e9);
  s.updateGraph('c', [task('ok'), task('bad', [], 0, 1), task('child', ['bad']), task('grandchild', ['child'])], ['ok', 'grandchild']);
  s.drain();
  s.taskFinished('w1', 'ok', 8, 'number');
  s.taskErred('w1', 'bad', { errorType: 'ValueError', message: 'm', stack: '' }, false);
  assert.equal(s.erredTotal, 0, 'a retried failure is not (yet) an error');
  s.taskErred('w1', 'bad', { errorType: 'ValueError', message: 'm2', stack: '' }, false);
  assert.equal(s.finishedTotal, 1);
  assert.equal(s.erredTotal, 1, 'the dependents inherit the error; it is counted once');
  assert.deepEqual(s.recentErrors, [{ key: 'bad', errorType: 'ValueError', message: 'm2', workerId: 'w1' }]);
  // A new task on an erred input inherits the error: not listed again.
  s.updateGraph('c', [task('late', ['bad'])], ['late']);
  assert.equal(s.recentErrors.length, 1);
  for (let i = 0; i < RECENT_ERRORS + 5; i++) {
    s.updateGraph('c', [task(`f${i}`)], [`f${i}`]);
    s.taskErred('w1', `f${i}`, { errorType: 'E', message: String(i), stack: '' }, false);
  }
  assert.equal(s.erredTotal, RECENT_ERRORS + 6);
  assert.equal(s.recentErrors.length, RECENT_ERRORS);
  assert.equal(s.recentErrors.at(-1)!.key, `f${RECENT_ERRORS + 4}`, 'newest last, oldest dropped');
  assert.equal(s.recentErrors[0]!.key, 'f5');
});
