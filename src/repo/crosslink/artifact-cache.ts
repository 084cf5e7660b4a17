/**
 * Parsed artifacts the crosslinker is likely to need again: a check-in is compared with its
 * parent when it is linked and with each child when that child is, and delta-manifests keep
 * going back to their baseline. Least recently used entries go first once the cache holds more
 * than a budget of file cards, which is what dominates a manifest's size in memory.
 */
import type { Artifact } from '../../fossil/artifact-types.ts';
import { fileWeight } from '../../fossil/file-lines.ts';

export class ArtifactCache {
  private readonly entries = new Map<number, Artifact>();
  private weight = 0;

  /**
   * The default holds a few dozen check-ins of a tree of a thousand files or so: enough for a
   * rebuild, which meets a check-in's parents and children close together in its walk. (A parsed
   * manifest keeps its bytes, never a decoded copy of them: artifact-text.ts.)
   */
  constructor(private readonly maxFileCards = 50_000) {}

  get(rid: number): Artifact | undefined {
    const a = this.entries.get(rid);
    if (a !== undefined) {
      this.entries.delete(rid);
      this.entries.set(rid, a);
    }
    return a;
  }

  set(rid: number, a: Artifact): void {
    const old = this.entries.get(rid);
    if (old !== undefined) {
      this.entries.delete(rid);
      this.weight -= weightOf(old);
    }
    this.entries.set(rid, a);
    this.weight += weightOf(a);
    for (const [k, v] of this.entries) {
      if (this.weight <= this.maxFileCards || this.entries.size <= MIN_ENTRIES) break;
      this.entries.delete(k);
      this.weight -= weightOf(v);
    }
  }

  clear(): void {
    this.entries.clear();
    this.weight = 0;
  }
}

const weightOf = (a: Artifact) => 1 + fileWeight(a);
/** However large the manifests, keep a few: a check-in, its parents and their baselines. */
const MIN_ENTRIES = 8;
