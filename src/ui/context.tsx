/**
 * The worker's API and the page's picture of the peer, for every component below the app shell
 * (a Solid context, instead of props handed down through each component).
 */
import { createContext, useContext, type JSX } from 'solid-js';
import type { Remote } from 'comlink';
import type { WorkerApi } from '../peer/worker-api.ts';
import type { Peer } from './peer-state.ts';

interface PeerContext {
  api: Remote<WorkerApi>;
  peer: Peer;
}

const Context = createContext<PeerContext>();

/** Gives its children the worker's API and the peer (both last as long as this tab owns the repositories). */
export function PeerProvider(props: { api: Remote<WorkerApi>; peer: Peer; children: JSX.Element }) {
  const value: PeerContext = {
    get api() {
      return props.api;
    },
    get peer() {
      return props.peer;
    },
  };
  return <Context.Provider value={value}>{props.children}</Context.Provider>;
}

function context(): PeerContext {
  const c = useContext(Context);
  if (!c) throw new Error('This component needs the worker: render it inside <PeerProvider>.');
  return c;
}

/** The worker's API (`Comlink.Remote<WorkerApi>`). Call it while the component is set up. */
export function useApi(): Remote<WorkerApi> {
  return context().api;
}

/** The page's picture of the peer: repositories, progress, connections (src/ui/peer-state.ts). */
export function usePeer(): Peer {
  return context().peer;
}
