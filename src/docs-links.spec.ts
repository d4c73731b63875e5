import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const ROOT = join(__dirname, '..');

/** The markdown pages a reader follows from the README. */
function pages(): string[] {
  const docs = join(ROOT, 'docs');
  return [
    join(ROOT, 'README.md'),
    ...readdirSync(docs)
      .filter((name) => name.endsWith('.md'))
      .map((name) => join(docs, name)),
  ];
}

/** Relative link targets of a page, without their #anchors; links to sites and anchors alone are left out. */
function relativeLinks(text: string): string[] {
  const targets = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map(([, target]) => target);
  return targets
    .filter((target) => !/^[a-z]+:/i.test(target) && !target.startsWith('#'))
    .map((target) => target.split('#')[0]);
}

describe('README and docs/', () => {
  it.each(pages().map((page) => [page.slice(ROOT.length + 1), page]))(
    '%s links only to files that exist',
    (_name, page) => {
      const broken = relativeLinks(readFileSync(page, 'utf8')).filter(
        (target) => !existsSync(resolve(dirname(page), target)),
      );
      expect(broken).toEqual([]);
    },
  );
});
