/**
 * The committer of an exported check-in, as `fossil git export` writes it (export.c
 * gitmirror_send_checkin): the check-in's login as the name, and as the e-mail the address in
 * the user's contact info (what is between < and >, up to a space), else the contact info as it
 * is, else `LOGIN@noemail.net` (or the login itself when it looks like an address) for a login
 * the repository has no user for. fossil writes no author line: git takes the committer.
 */

/** `contact` is user.info (or fx_git.email after a git import); undefined when there is no such user. */
export function committerIdent(login: string, contact: string | undefined): string {
  let email: string;
  if (contact === undefined) {
    email = login.includes('@') ? login : `${login}@noemail.net`;
  } else {
    const lt = contact.indexOf('<');
    if (lt < 0) {
      email = contact;
    } else {
      const gt = contact.indexOf('>', lt + 1);
      email = (gt < 0 ? contact.slice(lt + 1) : contact.slice(lt + 1, gt)).split(/[ \t\n\v\f\r]/)[0]!;
    }
  }
  // fossil writes both as they are; a < > or newline in them would make fast-import reject the
  // whole stream, so those (and only those) are dropped.
  return `${clean(login)} <${clean(email)}>`;
}

function clean(s: string): string {
  return s.replace(/[<>\n]/g, '');
}
