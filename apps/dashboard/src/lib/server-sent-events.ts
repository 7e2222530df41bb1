import { apiResponse } from './api';

/** Splits server-sent event text into events (pure): complete blocks out, the unfinished rest kept. */
export function parseEvents(buffer: string): { events: Array<{ id?: string; event?: string; data?: string }>; rest: string } {
  const events: Array<{ id?: string; event?: string; data?: string }> = [];
  let rest = buffer;
  let end: number;
  while ((end = rest.indexOf('\n\n')) >= 0) {
    const block = rest.slice(0, end);
    rest = rest.slice(end + 2);
    const event: { id?: string; event?: string; data?: string } = {};
    for (const line of block.split('\n')) {
      const colon = line.indexOf(': ');
      if (colon <= 0) continue;
      const field = line.slice(0, colon);
      if (field === 'id' || field === 'event' || field === 'data') event[field] = line.slice(colon + 2);
    }
    if (event.event) events.push(event);
  }
  return { events, rest };
}

/**
 * Follows a gateway event stream with the session's token (fetch, not EventSource, so the Authorization header
 * goes along): hands over the data of each `event` frame, reconnects 2 s after a drop (`url` gets the last
 * event id seen, for streams that replay from it). Returns the function that stops.
 */
export function followEventStream(options: {
  url: (lastEventId: string | undefined) => string;
  event: string;
  onData: (data: string[]) => void;
  onState: (live: boolean) => void;
}): () => void {
  const controller = new AbortController();
  let lastEventId: string | undefined;
  const connect = async () => {
    while (!controller.signal.aborted) {
      try {
        const response = await apiResponse(options.url(lastEventId), { signal: controller.signal });
        options.onState(true);
        const reader = response.body!.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const parsed = parseEvents(buffer + decoder.decode(value, { stream: true }));
          buffer = parsed.rest;
          const frames = parsed.events.filter((frame) => frame.event === options.event && frame.data);
          if (frames.length === 0) continue;
          lastEventId = frames.at(-1)!.id ?? lastEventId;
          options.onData(frames.map((frame) => frame.data!));
        }
      } catch {
        // aborted or refused: retried below unless stopped
      }
      options.onState(false);
      if (!controller.signal.aborted) await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
  };
  void connect();
  return () => controller.abort();
}
