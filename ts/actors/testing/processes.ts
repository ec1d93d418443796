/**
 * Real processes for the multi-host tests: a private nats-server and `shoal`
 * commands as children. Nothing here is a mock: the tests talk to the same
 * binaries a deployment runs.
 */
import { after, before } from 'node:test';
import { NatsServer, haveNatsServer } from '../nats/server.js';
export { NatsServer, haveNatsServer };
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

/** Why the multi-host tests are skipped here, or false when nats-server is installed. */
export const skipWithoutNatsServer: string | false = haveNatsServer() ? false : 'nats-server is not installed (scripts/setup.sh installs it)';

/**
 * A private nats-server, `shoal scheduler` and `nWorkers` workers for one test
 * file: started before its tests, killed after. `procs[0]` is the scheduler.
 */
export function clusterForTests(nWorkers: number, workerExtra: string[] = []): { readonly server: NatsServer; procs: ShoalProcess[] } {
  const fixture = { server: undefined as unknown as NatsServer, procs: [] as ShoalProcess[] };
  before(async () => {
    if (skipWithoutNatsServer) return;
    fixture.server = await NatsServer.start();
    const { scheduler, workers } = await startCluster(fixture.server.url, nWorkers, [], workerExtra);
    fixture.procs = [scheduler, ...workers];
  });
  after(async () => {
    await Promise.all(fixture.procs.map((p) => p.kill('SIGKILL')));
    await fixture.server?.stop();
  });
  return fixture;
}
