import { useEffect, useState } from "react";
import { useInput, useStdin } from "ink";
import type { RunContext } from "../run-context.js";
import type { RunStore } from "../run-store.js";
import { RunView } from "./RunView.js";

export interface AppProps {
  ctx: Pick<RunContext, "command" | "sides" | "dryRun">;
  store: RunStore;
  /** ms between redraws: events can arrive by the thousand per second */
  frameMs?: number;
  onAnswer: (yes: boolean) => void;
  onInterrupt: () => void;
}

function CtrlC({ onInterrupt }: { onInterrupt: () => void }) {
  // In raw mode the terminal sends Ctrl-C to us as input instead of raising SIGINT.
  useInput((input, key) => {
    if (key.ctrl && input === "c") onInterrupt();
  });
  return null;
}

export function App({ ctx, store, frameMs = 100, onAnswer, onInterrupt }: AppProps) {
  const [snapshot, setSnapshot] = useState(() => store.snapshot());
  const { isRawModeSupported } = useStdin();
  useEffect(() => {
    let seen = store.revision;
    let ticks = 0;
    const timer = setInterval(() => {
      ticks++;
      // Redraw on change, and twice a second anyway so elapsed time and speed keep moving.
      if (store.revision !== seen || ticks % 5 === 0) {
        seen = store.revision;
        setSnapshot(store.snapshot());
      }
    }, frameMs);
    // A question or the summary should not wait for the next frame.
    const unsubscribe = store.subscribe(() => {
      const s = store.snapshot();
      if ((s.confirm !== undefined) !== (snapshot.confirm !== undefined) || (s.summary && !snapshot.summary)) setSnapshot(s);
    });
    return () => {
      clearInterval(timer);
      unsubscribe();
    };
  }, [store, frameMs, snapshot.confirm, snapshot.summary]);
  return (
    <>
      {isRawModeSupported ? <CtrlC onInterrupt={onInterrupt} /> : null}
      <RunView ctx={ctx} snapshot={snapshot} onAnswer={onAnswer} />
    </>
  );
}
