// The public API of a Roost server: REST under /v1 and the real-time WebSocket at /v1/ws (docs/protocol.md).

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.title ?? `HTTP ${status}`);
    this.status = status;
    this.code = problem?.code ?? `http_${status}`;
    this.errors = problem?.errors ?? {};
  }
}

export async function request(method, path, body, token) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

// One WebSocket at a time; reconnects with backoff and resyncs from the last cursor it handled, so nothing is
// missed and nothing is seen twice. Sends keep their client id until acknowledged and are resent after a reconnect.
export class LiveConnection {
  constructor(token, handlers) {
    this.token = token;
    this.handlers = handlers;
    this.cursor = null;
    this.socket = null;
    this.pending = new Map(); // ref -> { frame, resolve, reject }
    this.presenceIds = []; // accounts whose presence this client follows (the open chat's members)
    this.nextRef = 1;
    this.backoff = 250;
    this.stopped = false;
    this.state = 'connecting';
    this.onOffline = () => this.socket?.close();
    this.onOnline = () => { if (!this.socket) this.open(); };
    window.addEventListener('offline', this.onOffline);
    window.addEventListener('online', this.onOnline);
  }

  start(cursor) {
    this.cursor = cursor;
    this.open();
  }

  // After stop() the connection never calls a handler again: its own socket's close (even a 4003 the server sent
  // first) belongs to whoever stopped it, who has already moved on (e.g. drawn the login page).
  stop() {
    this.stopped = true;
    window.removeEventListener('offline', this.onOffline);
    window.removeEventListener('online', this.onOnline);
    this.socket?.close();
    this.socket = null;
  }

  setState(state) {
    this.state = state;
    this.handlers.onState?.(state);
  }

  open() {
    if (this.stopped || this.socket) return;
    this.setState('connecting');
    const query = new URLSearchParams({ access_token: this.token });
    if (this.cursor !== null) query.set('cursor', String(this.cursor));
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}/v1/ws?${query}`);
    this.socket = socket;
    socket.onmessage = (event) => { if (!this.stopped) this.receive(JSON.parse(event.data)); };
    socket.onclose = (event) => {
      if (this.stopped) return;
      this.socket = null;
      if (event.code === 4001 || event.code === 4003) {
        this.stopped = true;
        this.setState('signed-out');
        this.handlers.onSignedOut?.();
        return;
      }
      this.setState(navigator.onLine ? 'reconnecting' : 'offline');
      if (!this.stopped && navigator.onLine) {
        setTimeout(() => this.open(), this.backoff);
        this.backoff = Math.min(this.backoff * 2, 5000);
      }
    };
  }

  receive(frame) {
    switch (frame.type) {
      case 'hello':
        this.backoff = 250;
        this.setState('connected');
        if (this.cursor === null) this.send({ type: 'sync' });
        // Everything not yet acknowledged goes again, with the same client ids: the server stores each once.
        for (const [ref, entry] of this.pending) this.socket?.send(JSON.stringify({ ...entry.frame, ref }));
        // A presence subscription ends with its connection: renew it on every new one.
        if (this.presenceIds.length > 0) this.sendPresenceSubscription();
        return;
      case 'event':
        if (this.cursor !== null && frame.cursor <= this.cursor) return;
        this.cursor = frame.cursor;
        this.handlers.onEvent?.(frame.event, frame.cursor);
        return;
      case 'synced':
        if (this.cursor === null || frame.cursor > this.cursor) this.cursor = frame.cursor;
        break;
      case 'resync_required':
        this.cursor = frame.cursor;
        this.handlers.onResync?.();
        break;
      case 'typing':
      case 'presence':
        this.handlers.onEphemeral?.(frame);
        return;
      case 'presence.subscribed':
        // The subscription's starting state, handed on as the presence frames that follow it would be.
        for (const p of frame.presence) this.handlers.onEphemeral?.({ type: 'presence', ...p });
        return;
    }
    if (frame.ref && this.pending.has(frame.ref)) {
      const entry = this.pending.get(frame.ref);
      this.pending.delete(frame.ref);
      if (frame.type === 'error') entry.reject(frame); else entry.resolve(frame);
    }
  }

  // Sends a frame and resolves with its answer (ack, ok, synced…); kept and resent until answered.
  request(frame) {
    const ref = `r${this.nextRef++}`;
    return new Promise((resolve, reject) => {
      this.pending.set(ref, { frame, resolve, reject });
      if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify({ ...frame, ref }));
    });
  }

  // Follows the presence of these accounts (at most 100), replacing the previous set; [] follows nobody. The current
  // state and every change after it reach onEphemeral as presence frames. Kept and renewed after a reconnect.
  subscribePresence(accountIds) {
    const same = accountIds.length === this.presenceIds.length && accountIds.every((id, i) => id === this.presenceIds[i]);
    this.presenceIds = accountIds;
    // The same set is already in force (or is sent on the next connection's hello).
    if (!same) this.sendPresenceSubscription();
  }

  sendPresenceSubscription() {
    this.send({ type: 'presence.subscribe', ref: `p${this.nextRef++}`, accountIds: this.presenceIds });
  }

  // Fire and forget (typing, receipts): dropped while disconnected.
  send(frame) {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }
}
