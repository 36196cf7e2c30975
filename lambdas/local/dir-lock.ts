/**
 * An advisory, process-level lock on a data directory of the local runtime. LevelDB has its own lock, but
 * dynalite does not report a failed open: requests hang and the process dies of an uncaught iterator error.
 * Taking this lock first turns a second `npm start` on the same directory into a clear error.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const LOCK_FILE = 'kairos.pid';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the lock of `dir` (which must exist) for this process and returns its release. A lock left by a process
 * that no longer runs (e.g. after `kill -9`) is taken over; one held by a live process, this one included, is not.
 */
export async function lockDirectory(dir: string): Promise<() => Promise<void>> {
  const file = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(file, String(process.pid), { flag: 'wx' });
      return () => rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
      throw new Error(`${dir} is in use by process ${holder}; stop it, or remove ${file} if that is wrong.`);
    }
    // Stale (its process is gone) or half-written by a crashed start: remove and try again.
    await rm(file, { force: true });
  }
  throw new Error(`Could not lock ${dir}: another process keeps taking ${file}.`);
}
