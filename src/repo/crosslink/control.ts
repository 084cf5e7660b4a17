/**
 * Control artifacts (tag changes): their tags are applied by the caller; here they get their
 * timeline entry, a sentence per change in fossil's exact wording, e.g.
 * `Edit [0123456789abcdef|0123456789]: Add tag "v1.0". Change background color to "#ffcc00".`
 */
import type { Artifact, TagCard } from '../../fossil/artifact-types.ts';
import type { CrosslinkSession } from './session.ts';
import { timeOf, userOf } from './fields.ts';
import { escapeHtml as h, hashLink } from './text-format.ts';

/** Upstream's strcmp order: by target hash, then by prefixed name. */
function byTargetThenName(x: TagCard, y: TagCard): number {
  const xn = x.op + x.name;
  const yn = y.op + y.name;
  if (x.target !== y.target) return x.target < y.target ? -1 : 1;
  return xn < yn ? -1 : xn > yn ? 1 : 0;
}

export function describeControl(s: CrosslinkSession, a: Artifact): string {
  let out = a.comment ? ` ${a.comment}.` : '';
  const tags = [...a.tags].sort(byTargetThenName);
  let branchMove = false;
  tags.forEach((t, i) => {
    if (t.target === '*') return;
    if (i === 0 || t.target !== tags[i - 1]!.target) {
      out += ` Edit ${hashLink(t.target, s.digits)}:`;
      branchMove = false;
    }
    const full = t.op + t.name;
    const value = t.value ?? '';
    const withNote = () => (value ? ` with note "${h(value)}".` : '.');
    if (full === '*branch') {
      out += ` Move to branch [/timeline?r=${h(value)}&nd&dp=${t.target.slice(0, s.digits.url)}&unhide | ${h(value)}].`;
      branchMove = true;
    } else if (full === '*bgcolor') {
      out += ` Change branch background color to "${h(value)}".`;
    } else if (full === '+bgcolor') {
      out += ` Change background color to "${h(value)}".`;
    } else if (full === '-bgcolor') {
      out += ` Cancel background color${withNote()}`;
    } else if (full === '+comment') {
      out += ' Edit check-in comment.';
    } else if (full === '+user') {
      out += ` Change user to "${h(value)}".`;
    } else if (full === '+date') {
      out += ` Timestamp ${h(value)}.`;
    } else if (full.startsWith('-sym-')) {
      if (!branchMove) out += ` Cancel tag "${h(t.name.slice(4))}"${withNote()}`;
    } else if (full.startsWith('*sym-')) {
      if (!branchMove) out += ` Add propagating tag "${h(t.name.slice(4))}"${withNote()}`;
    } else if (full.startsWith('+sym-')) {
      out += ` Add tag "${h(t.name.slice(4))}"${withNote()}`;
    } else if (full === '+closed') {
      out += ` Mark "Closed"${withNote()}`;
    } else if (full === '-closed') {
      out += ` Remove the "Closed" mark${withNote()}`;
    } else {
      const verb = t.op === '-' ? 'Cancel' : t.op === '+' ? 'Add' : 'Add propagating';
      out += ` ${verb} "${h(t.name)}"${value ? ` with value "${h(value)}".` : '.'}`;
    }
  });
  return out === '' ? '' : out.slice(1);
}

export function crosslinkControl(s: CrosslinkSession, rid: number, a: Artifact): void {
  s.db.prepare("REPLACE INTO event(type,mtime,objid,user,comment) VALUES('g',?,?,?,?)")
    .run(timeOf(a), rid, userOf(a), describeControl(s, a));
}
