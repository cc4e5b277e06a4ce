/**
 * @module core/stateDir
 * Where the agent keeps its data when not told: the XDG state directory
 * (`$XDG_STATE_HOME/echo-perf`, else `~/.local/state/echo-perf`), the place
 * the XDG Base Directory spec gives to state that should persist across
 * restarts but is not worth backing up like user data.
 */
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const xdg = env['XDG_STATE_HOME'];
  // The spec: a relative XDG path is invalid and must be ignored.
  if (xdg !== undefined && xdg !== '' && isAbsolute(xdg)) return join(xdg, 'echo-perf');
  return join(home, '.local', 'state', 'echo-perf');
}
