/**
 * Which cards make which kind of artifact, and which cards each kind allows and requires
 * (spec 5.1, manifest.c manifestCardTypes).
 */
import type { ArtifactType } from './artifact-types.ts';

/** Cards whose presence decides the type. C, D, N, P, T, U, W and Z decide nothing. */
export const TYPE_SETTING_CARDS: Readonly<Record<string, ArtifactType>> = {
  A: 'attachment',
  B: 'manifest',
  E: 'technote',
  F: 'manifest',
  G: 'forum',
  H: 'forum',
  I: 'forum',
  J: 'ticket',
  K: 'ticket',
  L: 'wiki',
  M: 'cluster',
  Q: 'manifest',
  R: 'manifest',
};

export const CARD_SETS: Readonly<Record<ArtifactType, { allowed: string; required: string }>> = {
  // A check-in should also need C and U, but historical check-ins lack them.
  manifest: { allowed: 'BCDFNPQRTUZ', required: 'DZ' },
  cluster: { allowed: 'MZ', required: 'MZ' },
  control: { allowed: 'DTUZ', required: 'DTUZ' },
  wiki: { allowed: 'CDLNPUWZ', required: 'DLUWZ' },
  ticket: { allowed: 'DJKUZ', required: 'DJKUZ' },
  attachment: { allowed: 'ACDNUZ', required: 'ADZ' },
  technote: { allowed: 'CDENPTUWZ', required: 'DEWZ' },
  forum: { allowed: 'DGHINPUWZ', required: 'DUWZ' },
};

export const TYPE_NAMES: Readonly<Record<ArtifactType, string>> = {
  manifest: 'check-in manifest',
  cluster: 'cluster',
  control: 'control artifact',
  wiki: 'wiki page',
  ticket: 'ticket change',
  attachment: 'attachment',
  technote: 'technote',
  forum: 'forum post',
};

/** Cards that may appear at most once. (Upstream allows several P lines; no writer makes them.) */
export const SINGLE_CARDS = 'ABCDEGHIKLNPRUWZ';
