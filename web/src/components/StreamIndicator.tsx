// Whether live updates are flowing.
import { useStreamState } from '../app/liveEvents.tsx';
import type { StreamState } from '../sse/eventStream.ts';

function describe(state: StreamState): [text: string, tone: 'ok' | 'busy' | 'off'] {
  switch (state.status) {
    case 'open':
      return ['Live', 'ok'];
    case 'connecting':
      return ['Connecting…', 'busy'];
    case 'waiting':
      return [`Reconnecting in ${Math.ceil(state.retryInMs / 1000)} s`, 'busy'];
    case 'stopped':
      return [state.reason === 'forbidden' ? 'Live updates unavailable' : 'Offline', 'off'];
  }
}

export function StreamIndicator() {
  const state = useStreamState();
  const [text, tone] = describe(state);
  return (
    <span className={`stream stream--${tone}`} data-stream={state.status} title={`Live updates: ${text}`}>
      <span className="stream-dot" aria-hidden="true" />
      <span className="stream-text">{text}</span>
    </span>
  );
}
