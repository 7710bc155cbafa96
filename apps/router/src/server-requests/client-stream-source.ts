// A client GET stream's share of the ClientStreamChannel, in the shape the response relay
// injects from (`ServerMessageSource`): attaching subscribes the session's stream here,
// detaching unsubscribes — also when the subscription completes only after the stream
// already closed.

import type { ServerMessageSource } from '../routing/route-decision';
import type { ClientStreamChannel } from './client-stream-channel';

export function clientStreamSource(channel: ClientStreamChannel, gatewaySessionId: string): ServerMessageSource {
  return {
    attach(push) {
      let stop: (() => void) | undefined;
      let detached = false;
      void channel.subscribe(gatewaySessionId, push).then((unsubscribe) => {
        if (detached) unsubscribe();
        else stop = unsubscribe;
      });
      return () => {
        detached = true;
        stop?.();
      };
    },
  };
}
