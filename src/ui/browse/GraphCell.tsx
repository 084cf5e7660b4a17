/**
 * One timeline row's part of the graph: a fixed-height head (lines into the node, the node, and
 * lines leaving it toward their lanes) and a body that stretches with the row (lanes going on).
 */
import { For, Show } from 'solid-js';
import type { GraphRow } from './graph.ts';

const STEP = 12;
const HEAD = 30;
const NODE_Y = 13;
const x = (lane: number) => 7 + lane * STEP;

export function GraphCell(props: { row: GraphRow; leaf: boolean; merge: boolean; color: string }) {
  const w = () => Math.max(1, props.row.width) * STEP + 2;
  const r = () => props.row;
  const fromNode = (lane: number) => lane === r().lane || r().merges.includes(lane);
  return (
    <div class="graph" style={{ width: `${w()}px` }} aria-hidden="true">
      <svg width={w()} height={HEAD} class="graph-head">
        <For each={r().above}>
          {(l) => <line x1={x(l.lane)} y1={0} x2={r().into.includes(l.lane) ? x(r().lane) : x(l.lane)} y2={r().into.includes(l.lane) ? NODE_Y : HEAD} stroke={l.color} />}
        </For>
        <For each={r().below.filter((l) => r().lane >= 0 && fromNode(l.lane))}>
          {(l) => <line x1={x(r().lane)} y1={NODE_Y} x2={x(l.lane)} y2={HEAD} stroke={l.color} stroke-dasharray={l.lane !== r().lane ? '3 2' : undefined} />}
        </For>
        <For each={r().below.filter((l) => !fromNode(l.lane) && !r().above.some((a) => a.lane === l.lane))}>
          {(l) => <line x1={x(l.lane)} y1={NODE_Y} x2={x(l.lane)} y2={HEAD} stroke={l.color} />}
        </For>
        <Show when={r().lane >= 0}>
          <circle cx={x(r().lane)} cy={NODE_Y} r={props.merge ? 5 : 4.5} fill={props.leaf ? '#fff' : props.color} stroke={props.color} stroke-width="2.5" />
        </Show>
      </svg>
      <svg width={w()} height="100" class="graph-body" preserveAspectRatio="none" viewBox={`0 0 ${w()} 100`}>
        <For each={r().below}>{(l) => <line x1={x(l.lane)} y1={0} x2={x(l.lane)} y2={100} stroke={l.color} vector-effect="non-scaling-stroke" />}</For>
      </svg>
    </div>
  );
}

/** The lanes passing a row without a node (the day headings between rows). */
export function GraphGap(props: { row: GraphRow }) {
  const w = () => Math.max(1, props.row.width) * STEP + 2;
  return (
    <div class="graph-gap" style={{ width: `${w()}px` }} aria-hidden="true">
      <svg preserveAspectRatio="none" viewBox={`0 0 ${w()} 100`}>
        <For each={props.row.above}>{(l) => <line x1={x(l.lane)} y1={0} x2={x(l.lane)} y2={100} stroke={l.color} vector-effect="non-scaling-stroke" />}</For>
      </svg>
    </div>
  );
}
