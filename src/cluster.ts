import cluster, { type Worker } from 'node:cluster';
import type { Logger } from './logger.js';

/** A worker that lived this long had been serving: its death starts the back-off afresh. */
const STABLE_MS = 60_000;
const FIRST_DELAY_MS = 1_000;
const MAX_DELAY_MS = 30_000;

/**
 * How long to wait before starting a worker again after its nth short-lived death in a row:
 * 1 s, 2 s, 4 s... up to 30 s, so a worker that crashes as it starts does not spin.
 */
export function restartDelay(deathsInARow: number): number {
  return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, deathsInARow - 1));
}

/** One of the N places for a worker: the worker in it now and its record of deaths. */
interface Slot {
  worker?: Worker;
  startedAt: number;
  deathsInARow: number;
  listened: boolean;
  restart?: NodeJS.Timeout;
}

export interface Workers {
  /**
   * Sends SIGTERM to every worker (each drains its requests) and waits until all have exited,
   * killing those still there after `timeoutMs`. True when every one stopped cleanly.
   */
  stop(timeoutMs: number): Promise<boolean>;
}

/**
 * Forks `count` workers of this same program (node:cluster; they share the listening port) and
 * keeps `count` running: a worker that dies unexpectedly is replaced after `restartDelay`.
 */
export function startWorkers(options: {
  count: number;
  /** Added to each worker's environment: the database URL and secret, so that all agree. */
  env: Record<string, string>;
  logger: Logger;
  /** Called once, when every worker of the first generation listens. */
  onListening: (port: number) => void;
  /** Called when a worker exits before any has listened: starting cannot work (port in use...). */
  onFailure: (reason: string) => void;
}): Workers {
  const { logger } = options;
  let stopping = false;
  let announced = false;
  const slots: Slot[] = [];

  const fork = (slot: Slot) => {
    const worker = cluster.fork(options.env);
    slot.worker = worker;
    slot.startedAt = Date.now();
    worker.once('listening', (address: { port: number }) => {
      slot.listened = true;
      if (!announced && slots.every((s) => s.listened)) {
        announced = true;
        options.onListening(address.port);
      }
    });
    worker.once('exit', (code: number | null, signal: string | null) => {
      if (stopping) return;
      const pid = worker.process.pid;
      if (!slots.some((s) => s.listened))
        return options.onFailure(`worker ${pid} exited (${signal ?? code}) before listening`);
      slot.deathsInARow = Date.now() - slot.startedAt >= STABLE_MS ? 1 : slot.deathsInARow + 1;
      const delay = restartDelay(slot.deathsInARow);
      logger.error(
        { workerPid: pid, code, signal, restartInMs: delay },
        'worker died; starting another',
      );
      slot.restart = setTimeout(() => fork(slot), delay);
    });
  };

  for (let i = 0; i < options.count; i++) {
    const slot: Slot = { startedAt: 0, deathsInARow: 0, listened: false };
    slots.push(slot);
    fork(slot);
  }

  return {
    async stop(timeoutMs) {
      stopping = true;
      for (const slot of slots) clearTimeout(slot.restart);
      const running = slots.flatMap((s) => (s.worker && !s.worker.isDead() ? [s.worker] : []));
      const exits = running.map(
        (worker) =>
          new Promise<boolean>((resolve) =>
            // Dying of the signal itself means the worker had not yet set up its handler, so it
            // was serving nothing.
            worker.once('exit', (code, signal) =>
              resolve(code === 0 || signal === 'SIGTERM' || signal === 'SIGINT'),
            ),
          ),
      );
      for (const worker of running) worker.process.kill('SIGTERM');
      const killer = setTimeout(() => {
        for (const worker of running) if (!worker.isDead()) worker.process.kill('SIGKILL');
      }, timeoutMs);
      const clean = await Promise.all(exits);
      clearTimeout(killer);
      return clean.every(Boolean);
    },
  };
}
