/**
 * The subject permission layout for a cluster whose actors use separate NATS
 * accounts (users). With it, each account can only publish as its own role (the
 * last subject token, which receivers trust) and only read its role's inboxes:
 * a client cannot report task results as a worker, hand workers tasks as the
 * scheduler, or read what workers are sent. docs/nats.md explains it; tests
 * start nats-server with exactly this text.
 *
 *   role       publish                                   subscribe
 *   scheduler  shoal.*.*.*.scheduler                     shoal.*.scheduler.>, shoal.*.nr.scheduler.*
 *   worker     shoal.*.*.*.worker                        shoal.*.worker.>,    shoal.*.nr.>
 *   client     shoal.*.scheduler.*.client,               shoal.*.client.>,    shoal.*.nr.>
 *              shoal.*.worker.*.client
 */

/** nats-server configuration text granting the three roles their permissions, one user each. */
export function PERMISSIONS_CONFIG(passwords: { scheduler: string; worker: string; client: string }, cluster = '*'): string {
  const q = (s: string) => JSON.stringify(s);
  const c = cluster;
  return `authorization {
  users = [
    { user: "scheduler", password: ${q(passwords.scheduler)}, permissions: {
        publish: ["shoal.${c}.*.*.scheduler"], subscribe: ["shoal.${c}.scheduler.>", "shoal.${c}.nr.scheduler.*"] } }
    { user: "worker", password: ${q(passwords.worker)}, permissions: {
        publish: ["shoal.${c}.*.*.worker"], subscribe: ["shoal.${c}.worker.>", "shoal.${c}.nr.>"] } }
    { user: "client", password: ${q(passwords.client)}, permissions: {
        publish: ["shoal.${c}.scheduler.*.client", "shoal.${c}.worker.*.client"], subscribe: ["shoal.${c}.client.>", "shoal.${c}.nr.>"] } }
  ]
}
`;
}
