/**
 * Real processes for the multi-host tests: a private nats-server and `shoal`
 * commands as children. Nothing here is a mock: the tests talk to the same
 * binaries a deployment runs.
 */
export { NatsServer, haveNatsServer } from '../nats/server.js';
import { ShoalProcess } from '../process-cluster.js';
export { ShoalProcess };

/** Starts `shoal scheduler` and `nWorkers` `shoal worker` processes against `url`. */
export async function startCluster(url: string, nWorkers: number, extra: string[] = [], workerExtra: string[] = []): Promise<{ scheduler: ShoalProcess; workers: ShoalProcess[] }> {
  const scheduler = ShoalProcess.spawn(['scheduler', '--nats', url, ...extra], 'scheduler');
  await scheduler.waitFor(/serving cluster/);
  const workers = Array.from({ length: nWorkers }, (_, i) =>
    ShoalProcess.spawn(['worker', '--nats', url, '--nthreads', '1', '--name', `w${i}`, ...extra, ...workerExtra], `worker w${i}`));
  await Promise.all(workers.map((w) => w.waitFor(/thread\(s\)/)));
  return { scheduler, workers };
}
