/**
 * How the command line starts node. Node 20 (and 21) can hang at exit, after
 * the last line is printed, when a background compilation of V8's is still
 * running (nodejs/node#54918: the exiting main thread joins V8's threads
 * while the compilation waits for the main thread). No way of exiting avoids
 * it (process.exit only makes it rarer, exit() in io.ts); only a node started
 * with NODE_FLAG, which compiles on the main thread, is free of it: measured
 * with scripts/exit-hang.mjs, 0 hangs in 600 runs against about 2% without.
 * V8 reads the flag once, when node starts (setting it later through node:v8
 * leaves compilations concurrent), and node refuses it in NODE_OPTIONS, so
 * on those versions the command line runs itself again in a node started
 * with it. Node 22 and later do not hang and start only once.
 */

/** NODE_FLAG is the V8 flag the command line needs on Node 20 and 21. */
export const NODE_FLAG = '--no-concurrent-recompilation';

/** FREE are node flags under which V8 compiles on the main thread (NODE_FLAG, or no threads at all). */
const FREE = [NODE_FLAG, '--single-threaded'];

/** FIXED_IN is the first major version of Node whose exit does not hang (measured: 0 of 300 on 22 and 24). */
const FIXED_IN = 22;

/**
 * relaunchArgs returns node's arguments to run the command line again with
 * NODE_FLAG (the flags node was given, NODE_FLAG, then the script and its
 * arguments), or null where this node needs no second start: a version
 * without the hang, or a node already started without background compilation.
 * `nodeVersion`, `execArgv` and `argv` are process.versions.node,
 * process.execArgv and process.argv.
 */
export function relaunchArgs(nodeVersion: string, execArgv: readonly string[], argv: readonly string[]): string[] | null {
  if (Number(nodeVersion.split('.')[0]) >= FIXED_IN) return null;
  if (execArgv.some((a) => FREE.includes(a))) return null;
  return [...execArgv, NODE_FLAG, ...argv.slice(1)];
}

/** SIGNALS are the signals passed on to the command line's second node, so that `kill` ends both. */
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR2'];

/**
 * relaunch runs node with `args` on this process's standard streams and ends
 * this process as it ends: with its status, or by the signal that killed it.
 * Signals sent to this process are passed on to it.
 */
export async function relaunch(args: string[]): Promise<void> {
  const { spawn } = await import('node:child_process');
  const osSignals: Partial<Record<string, number>> = (await import('node:os')).constants.signals;
  // The fourth descriptor, an IPC channel, is how the second node learns that this one is gone (see watchParent).
  const child = spawn(process.execPath, args, { stdio: ['inherit', 'inherit', 'inherit', 'ipc'] });
  const pass = (signal: NodeJS.Signals) => child.kill(signal);
  for (const s of SIGNALS) process.on(s, pass);
  child.on('error', (e) => {
    process.stderr.write(`gotrace: ${e.message}\n`);
    process.exit(1);
  });
  child.on('exit', (status, signal) => {
    for (const s of SIGNALS) process.off(s, pass);
    if (signal === null) process.exit(status ?? 1);
    // Die of the same signal, as a shell expects; this process has no handler left for it.
    process.kill(process.pid, signal);
    // A signal that does not end a process by default (or is ignored here) still ends it, as a shell words it.
    setImmediate(() => process.exit(128 + (osSignals[signal] ?? 0)));
  });
}

/**
 * watchParent ends the second node of relaunch when the first one is gone
 * without passing a signal on (killed with SIGKILL, which no process can
 * catch): its IPC channel to the first closes then. The channel does not
 * keep this node alive, and a node not started by relaunch has none.
 */
export function watchParent(): void {
  const channel = (process as { channel?: { unref(): void } }).channel;
  if (channel === undefined || !process.execArgv.includes(NODE_FLAG)) return;
  channel.unref();
  process.once('disconnect', () => process.exit(1));
}
