import { ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository this bench was built from: dist/bench/lib is three levels below it. */
export const REPO_ROOT = join(__dirname, '..', '..', '..');
/** Written last, so a folder holding it holds a finished build. */
const READY_MARKER = '.bench-baseline-ready';
const PREPARE_LOG = 'bench-baseline-prepare.log';

/** The app of another commit, built in a folder of its own. */
export interface BaselineBuild {
  ref: string;
  sha: string;
  root: string;
  /** Its dist/src/main.js, what BenchApp starts. */
  entry: string;
}

/**
 * Builds the API of `ref` once per commit in `${tmpdir}/commerce-bench-baseline-<sha>`:
 * `git archive` into the folder (no worktree, so the checkout is left alone), `npm ci`,
 * `nest build`. A folder with a finished build is reused as it is.
 */
export async function prepareBaseline(ref: string, log: (message: string) => void): Promise<BaselineBuild> {
  const sha = await commitOf(ref);
  const root = join(tmpdir(), `commerce-bench-baseline-${sha}`);
  const build: BaselineBuild = { ref, sha, root, entry: join(root, 'dist', 'src', 'main.js') };
  if (existsSync(join(root, READY_MARKER)) && existsSync(build.entry)) {
    log(`baseline ${ref} (${sha.slice(0, 12)}): reusing the build in ${root}`);
    return build;
  }
  // No marker: a preparation that was interrupted, whose state is unknown. Start afresh.
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const logFile = join(root, PREPARE_LOG);

  log(`baseline ${ref}: extracting ${sha} into ${root}`);
  await extract(sha, root);
  log(`baseline ${ref}: npm ci (output in ${logFile}; this takes a few minutes)`);
  await runLogged('npm', ['ci', '--no-audit', '--no-fund', '--include=dev'], root, logFile);
  log(`baseline ${ref}: nest build`);
  await runLogged('npx', ['nest', 'build'], root, logFile);
  if (!existsSync(build.entry)) throw new Error(`baseline ${ref}: the build has no ${build.entry}`);
  writeFileSync(join(root, READY_MARKER), `${JSON.stringify({ ref, sha, builtAt: new Date().toISOString() })}\n`);
  log(`baseline ${ref}: built`);
  return build;
}

async function commitOf(ref: string): Promise<string> {
  try {
    const { stdout } = await run('git', ['-C', REPO_ROOT, 'rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
    return stdout.trim();
  } catch {
    throw new Error(`--baseline ${ref}: not a commit of the repository in ${REPO_ROOT}`);
  }
}

/** `git archive <sha> | tar -x -C root`, failing if either side fails. */
async function extract(sha: string, root: string): Promise<void> {
  const archive = spawn('git', ['-C', REPO_ROOT, 'archive', sha], { stdio: ['ignore', 'pipe', 'inherit'] });
  const tar = spawn('tar', ['-x', '-C', root], { stdio: [archive.stdout, 'inherit', 'inherit'] });
  // tar has its own copy of the pipe now; ours would keep it open if tar died early.
  archive.stdout.destroy();
  const [archiveCode, tarCode] = await Promise.all([exitCode(archive), exitCode(tar)]);
  if (archiveCode !== 0 || tarCode !== 0) {
    throw new Error(`extracting ${sha} failed (git archive exited ${archiveCode}, tar ${tarCode})`);
  }
}

async function runLogged(command: string, args: string[], cwd: string, logFile: string): Promise<void> {
  const log = openSync(logFile, 'a');
  // The caller's NODE_ENV=production would make npm leave out the build tools.
  const { NODE_ENV: _nodeEnv, ...env } = process.env;
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', log, log] });
  const code = await exitCode(child);
  if (code !== 0) {
    const tail = readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
    throw new Error(`${command} ${args.join(' ')} exited with code ${code} in ${cwd}:\n${tail}`);
  }
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
}
