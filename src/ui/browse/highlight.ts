/**
 * Syntax highlighting with highlight.js core; each language's grammar is its own chunk, loaded
 * the first time a file of that kind is shown (it is precached, so this works offline too).
 */
import hljs from 'highlight.js/lib/core';

type Loader = () => Promise<{ default: Parameters<typeof hljs.registerLanguage>[1] }>;

const LANGS: Record<string, Loader> = {
  c: () => import('highlight.js/lib/languages/c'),
  cpp: () => import('highlight.js/lib/languages/cpp'),
  javascript: () => import('highlight.js/lib/languages/javascript'),
  typescript: () => import('highlight.js/lib/languages/typescript'),
  python: () => import('highlight.js/lib/languages/python'),
  bash: () => import('highlight.js/lib/languages/bash'),
  json: () => import('highlight.js/lib/languages/json'),
  xml: () => import('highlight.js/lib/languages/xml'),
  css: () => import('highlight.js/lib/languages/css'),
  markdown: () => import('highlight.js/lib/languages/markdown'),
  sql: () => import('highlight.js/lib/languages/sql'),
  tcl: () => import('highlight.js/lib/languages/tcl'),
  go: () => import('highlight.js/lib/languages/go'),
  rust: () => import('highlight.js/lib/languages/rust'),
  java: () => import('highlight.js/lib/languages/java'),
  makefile: () => import('highlight.js/lib/languages/makefile'),
  yaml: () => import('highlight.js/lib/languages/yaml'),
  diff: () => import('highlight.js/lib/languages/diff'),
  ini: () => import('highlight.js/lib/languages/ini'),
  perl: () => import('highlight.js/lib/languages/perl'),
  ruby: () => import('highlight.js/lib/languages/ruby'),
  php: () => import('highlight.js/lib/languages/php'),
};

const BY_EXT: Record<string, string> = {
  c: 'c', h: 'c', cc: 'cpp', cpp: 'cpp', cxx: 'cpp', hpp: 'cpp', js: 'javascript', mjs: 'javascript', cjs: 'javascript', jsx: 'javascript',
  ts: 'typescript', tsx: 'typescript', py: 'python', sh: 'bash', bash: 'bash', json: 'json', html: 'xml', htm: 'xml', xml: 'xml',
  svg: 'xml', css: 'css', md: 'markdown', sql: 'sql', tcl: 'tcl', test: 'tcl', go: 'go', rs: 'rust', java: 'java', mk: 'makefile',
  yml: 'yaml', yaml: 'yaml', diff: 'diff', patch: 'diff', ini: 'ini', toml: 'ini', pl: 'perl', pm: 'perl', rb: 'ruby', php: 'php',
  wiki: 'xml', in: 'makefile',
};

export function languageOf(path: string): string | undefined {
  const base = path.split('/').pop()!.toLowerCase();
  if (/^(makefile|gnumakefile)/.test(base)) return 'makefile';
  const ext = base.includes('.') ? base.split('.').pop()! : '';
  return BY_EXT[ext];
}

/** Highlighted HTML (escaped by highlight.js) for the text, or undefined for unknown kinds. */
export async function highlight(path: string, text: string): Promise<string | undefined> {
  const lang = languageOf(path);
  if (!lang || text.length > 500_000) return undefined;
  if (!hljs.getLanguage(lang)) hljs.registerLanguage(lang, (await LANGS[lang]!()).default);
  return hljs.highlight(text, { language: lang, ignoreIllegals: true }).value;
}
