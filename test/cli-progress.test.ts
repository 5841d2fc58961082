// Progress on standard error (src/progress.ts): shown to a person at a
// terminal only, never in a pipe, a CI log, under --quiet or over a listing
// the command prints to the same screen; drawn only once a reading has taken
// a second, and from counters told once per batch.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DELAY_MS, eta, Progress, progressFor, wantsProgress, type Where } from '../src/progress';
import { main } from '../src/cli';

const terminal: Where = { stderrTTY: true, listing: false, quiet: false, env: { TERM: 'xterm-256color' } };

describe('wantsProgress', () => {
  it('shows progress on a terminal', () => {
    expect(wantsProgress(terminal)).toBe(true);
  });

  it('shows none where standard error is not a terminal (a pipe, a file)', () => {
    expect(wantsProgress({ ...terminal, stderrTTY: false })).toBe(false);
  });

  it('shows none under --quiet', () => {
    expect(wantsProgress({ ...terminal, quiet: true })).toBe(false);
  });

  it('shows none over a listing printed to the same terminal', () => {
    expect(wantsProgress({ ...terminal, listing: true })).toBe(false);
  });

  it('shows none under CI, whichever service says so, or on a dumb terminal', () => {
    for (const env of [
      { CI: 'true' },
      { CI: '1' },
      { GITHUB_ACTIONS: 'true' },
      { GITLAB_CI: 'true' },
      { BUILD_NUMBER: '12' },
      { JENKINS_URL: 'http://ci' },
      { TF_BUILD: 'True' },
      { TERM: 'dumb' },
    ]) {
      expect(wantsProgress({ ...terminal, env: { ...terminal.env, ...env } }), JSON.stringify(env)).toBe(false);
    }
  });

  it('takes CI=false, CI=0 or an empty CI for no CI', () => {
    for (const CI of ['false', '0', '']) expect(wantsProgress({ ...terminal, env: { CI } })).toBe(true);
  });

  it('is not shown in these tests, whose standard error is a pipe', () => {
    expect(progressFor(1 << 30, false, false)).toBeNull();
  });
});

describe('Progress', () => {
  afterEach(() => vi.useRealTimers());

  it('draws nothing for a reading shorter than a second', () => {
    vi.useFakeTimers();
    const p = new Progress(1000);
    const open = vi.spyOn(p as unknown as { open: () => unknown }, 'open');
    p.step(10, 100);
    vi.advanceTimersByTime(DELAY_MS - 1);
    p.step(20, 200);
    p.end();
    expect(open).not.toHaveBeenCalled();
  });

  it('draws once a second has passed, then at most four times a second, and takes the bar off at the end', () => {
    vi.useFakeTimers();
    const p = new Progress(1000);
    const bar = { update: vi.fn(), stop: vi.fn() };
    const open = vi.spyOn(p as unknown as { open: () => unknown }, 'open').mockReturnValue(bar);
    vi.advanceTimersByTime(DELAY_MS);
    p.step(100, 1000);
    expect(open).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 10; i++) p.step(200, 2000); // every batch of a fast reading
    expect(bar.update).not.toHaveBeenCalled();
    vi.advanceTimersByTime(250);
    p.step(300, 3000);
    expect(bar.update).toHaveBeenCalledTimes(1);
    expect(bar.update.mock.calls[0]![0]).toBe(300);
    p.end();
    expect(bar.stop).toHaveBeenCalledTimes(1);
  });
});

describe('eta', () => {
  it('is the time left at the rate so far, and none promised once every byte is read', () => {
    expect(eta(25, 100, 2)).toBe('ETA 6s');
    expect(eta(100, 100, 8)).toBe('ETA: the last part');
    expect(eta(10, null, 2)).toBe('');
    expect(eta(0, 100, 0)).toBe('');
  });
});

describe('--quiet', () => {
  it('is taken by events and stats', async () => {
    const sample = new URL('../examples/sample.trace', import.meta.url).pathname;
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['node', 'gotrace', 'stats', '--quiet', sample])).toBe(0);
      expect(await main(['node', 'gotrace', 'events', sample, '--quiet'])).toBe(0);
    } finally {
      vi.restoreAllMocks();
    }
  });
});
