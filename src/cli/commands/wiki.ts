import { defineCommand } from '../command.ts';
import { jsonOption, repoOption } from '../command.ts';
import { UsageError } from '../args.ts';
import { authorName, repoPath, withRepository } from '../repo-access.ts';
import { latestWikiVersion, writeWikiPage } from '../../repo/authoring/wiki.ts';
import { writeHere } from '../../mesh/local-write.ts';
import { parseArtifact } from '../../fossil/artifact.ts';
import { julianToIso } from '../../repo/queries/time.ts';

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export const wikiCommand = defineCommand({
  name: 'wiki',
  summary: 'list, read and write wiki pages',
  usage: 'wiki -R FILE (ls | get NAME | put NAME < TEXT) [--mimetype M] [--user U] [--json]',
  description: 'put reads the page text from standard input; empty text deletes the page.',
  options: [
    repoOption,
    { name: 'mimetype', short: 'M', type: 'string', value: 'TYPE', help: 'text/x-fossil-wiki, text/x-markdown or text/plain (default: what the page has, else fossil wiki)' },
    { name: 'user', type: 'string', value: 'LOGIN', help: 'author of the edit (default: $USER)' },
    jsonOption,
  ],
  async run({ args, stdout }) {
    const [sub, name, extra] = args.positional;
    if (extra) throw new UsageError('too many arguments');
    const path = repoPath(args.options);
    if (sub === 'ls') {
      return withRepository(path, (repo) => {
        const pages = repo.db.all<{ name: string; mtime: number; size: number }>(
          `SELECT substr(tagname,6) AS name, max(tagxref.mtime) AS mtime,
                  (SELECT value FROM tagxref x WHERE x.tagid=tag.tagid ORDER BY x.mtime DESC LIMIT 1) AS size
             FROM tag JOIN tagxref USING(tagid) WHERE tagname GLOB 'wiki-*' GROUP BY tagname ORDER BY tagname`,
        ).filter((p) => Number(p.size) > 0); // fossil wiki ls leaves out deleted (empty) pages
        if (args.options.json) stdout(JSON.stringify(pages.map((p) => ({ name: p.name, time: julianToIso(p.mtime), size: Number(p.size) })), null, 2));
        else for (const p of pages) stdout(p.name);
      }, { readonly: true });
    }
    if (!name) throw new UsageError(`give the page NAME`);
    if (sub === 'get') {
      return withRepository(path, (repo) => {
        const rid = latestWikiVersion(repo, name);
        if (rid === undefined) throw new Error(`no such wiki page: ${name}`);
        const a = parseArtifact(repo.content.get(rid));
        if (args.options.json) {
          stdout(JSON.stringify({ name, uuid: repo.content.uuidOf(rid), user: a.user, date: a.date, mimetype: a.mimetype ?? 'text/x-fossil-wiki', text: new TextDecoder().decode(a.wiki ?? new Uint8Array()) }, null, 2));
        } else {
          process.stdout.write(a.wiki ?? new Uint8Array());
        }
      }, { readonly: true });
    }
    if (sub === 'put') {
      const text = await readStdin();
      return withRepository(path, (repo) => {
        const r = writeHere(repo, (w) => {
          const page = writeWikiPage(w, { title: name, text, user: authorName(w, args.options.user), mimetype: args.options.mimetype });
          return { uuid: page.uuid, kind: 'other', value: page };
        });
        if (args.options.json) stdout(JSON.stringify({ name, uuid: r.uuid }));
        else stdout(`saved ${name}: ${r.uuid}`);
      });
    }
    throw new UsageError(`unknown wiki subcommand ${JSON.stringify(sub ?? '')}: use ls, get or put`);
  },
});
