import { readFile } from 'node:fs/promises';

/**
 * True when a running postmaster has lost the process that started it (that
 * process was killed with SIGKILL, so its exit hook could not stop the
 * server) and was re-parented to init. A server shared with a sibling app
 * still has that app as its parent. Linux only (/proc); elsewhere false.
 */
export async function isOrphanedPostmaster(pid: number): Promise<boolean> {
  let stat: string;
  try {
    stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const parent = Number.parseInt(fields[1] ?? '', 10);
  return parent === 1;
}
