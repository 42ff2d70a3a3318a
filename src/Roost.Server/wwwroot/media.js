// Media for the web client: resumable tus 1.0 uploads (docs/protocol.md "Media") and signed links to show media.
// Nothing here sets HTML: file names and problem titles are user or server text and are only ever set as text.

const TUS = '1.0.0';
const CHUNK_BYTES = 4 * 1024 * 1024;
const STORE_KEY = 'roost.uploads';
const MAX_FAILED_ATTEMPTS = 30; // attempts in a row that move no byte before an upload gives up
const MAX_BACKOFF_MS = 15_000;
const PROCESSING_LIMIT_MS = 10 * 60_000;

export const MAX_ATTACHMENTS = 10;

export function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

const utf8Base64 = (text) => btoa(String.fromCharCode(...new TextEncoder().encode(text)));
const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const waitForOnline = () => new Promise((resolve) => {
  if (navigator.onLine) { resolve(); return; }
  window.addEventListener('online', () => resolve(), { once: true });
});

class UploadError extends Error {
  constructor(message, code) { super(message); this.code = code; }
}

// A request that never reached an answer (network down, server restarting, aborted): worth retrying.
class NetworkError extends Error {}

// 409 upload_offset_mismatch: the server has more (or fewer) bytes than this chunk assumed. Ask and go on at once.
class OffsetMoved extends NetworkError {}

function problemOf(status, text) {
  try { return JSON.parse(text); } catch { return { title: `The server answered ${status}.` }; }
}

// Unfinished uploads by file fingerprint (account, name, size, last change), so that a reload can resume a file
// the user picks again: { fingerprint: { url, savedAt } }.
function savedUploads() {
  try { return JSON.parse(localStorage.getItem(STORE_KEY) ?? '{}') ?? {}; } catch { return {}; }
}

function rememberUpload(fingerprint, url) {
  const all = savedUploads();
  const dayAgo = Date.now() - 24 * 3600_000; // uploads expire 24 hours after creation
  for (const [key, entry] of Object.entries(all)) if (entry.savedAt < dayAgo) delete all[key];
  if (url) all[fingerprint] = { url, savedAt: Date.now() }; else delete all[fingerprint];
  localStorage.setItem(STORE_KEY, JSON.stringify(all));
}

const active = new Set(); // fingerprints of uploads running in this page

// One file on its way to the server: created, sent in chunks, resumed after any failure from the server's
// offset, then waited for until processed. `done` resolves with the media object (state ready) or rejects.
// `onchange` is called on every change of state or progress.
export class Upload {
  constructor(file, { token, accountId, onchange }) {
    this.file = file;
    this.token = token;
    this.onchange = onchange ?? (() => {});
    this.fingerprint = `${accountId}:${file.name}:${file.size}:${file.lastModified}`;
    this.state = 'uploading'; // uploading | paused | processing | ready | failed | cancelled
    this.detail = '';
    this.sent = 0; // bytes the server has (plus those of the chunk in flight)
    this.url = null;
    this.mediaId = null;
    this.info = null;
    this.xhr = null;
    this.cancelled = false;
    this.ownsFingerprint = false; // this upload is the one remembered for its file (another copy of it may run too)
    this.wake = null; // resolves the current backoff wait early (back online)
    this.onOffline = () => { this.xhr?.abort(); };
    this.onOnline = () => { this.wake?.(); };
    window.addEventListener('offline', this.onOffline);
    window.addEventListener('online', this.onOnline);
    this.done = this.run().finally(() => {
      window.removeEventListener('offline', this.onOffline);
      window.removeEventListener('online', this.onOnline);
      if (this.ownsFingerprint) active.delete(this.fingerprint);
    });
    this.done.catch(() => {}); // observed through state; callers that await it see the error too
  }

  get percent() {
    return this.file.size === 0 ? 100 : Math.min(100, Math.floor((this.sent / this.file.size) * 100));
  }

  set(state, detail = '') {
    this.state = state;
    this.detail = detail;
    this.onchange(this);
  }

  async run() {
    try {
      await this.transfer();
      if (this.cancelled) throw new UploadError('Cancelled.', 'cancelled');
      this.set('processing', 'Processing…');
      this.info = await this.waitProcessed();
      this.set('ready', 'Ready');
      return this.info;
    } catch (failure) {
      if (!this.cancelled) this.set('failed', failure.message);
      throw failure;
    }
  }

  // Drops this browser's note of the upload (only the copy that made it may).
  forget() {
    if (this.ownsFingerprint) rememberUpload(this.fingerprint, null);
  }

  headers(extra = {}) {
    return { 'Tus-Resumable': TUS, Authorization: `Bearer ${this.token}`, ...extra };
  }

  // Sends every byte the server lacks; retries (bounded) through network drops, restarts and offset mismatches.
  async transfer() {
    let failures = 0;
    let restarted = false;
    let offset = await this.retrying(() => this.begin());
    for (;;) {
      if (this.cancelled) return;
      if (offset >= this.file.size) break;
      try {
        offset = await this.patch(offset);
        failures = 0;
        continue;
      } catch (failure) {
        if (this.cancelled) return;
        if (failure instanceof UploadError) {
          if (failure.code === 'upload_gone' && !restarted) {
            // The server lost or expired it (not for a byte we sent lately): start over once.
            restarted = true;
            this.forget();
            this.url = null;
            offset = await this.retrying(() => this.begin());
            continue;
          }
          throw failure;
        }
        failures++;
        if (failures >= MAX_FAILED_ATTEMPTS) throw new UploadError('The upload failed: the server could not be reached.', 'unreachable');
        if (!(failure instanceof OffsetMoved) || failures > 2) await this.pause(failures);
      }
      // Ask the server where it stands and go on from there (it keeps the bytes of a request that broke off).
      offset = await this.retrying(() => this.head());
    }
    this.forget();
    this.sent = this.file.size;
  }

  // Runs a step until it answers (network failures wait and retry, bounded); refusals are thrown.
  async retrying(step) {
    for (let failures = 0; ; ) {
      try {
        return await step();
      } catch (failure) {
        if (failure instanceof UploadError || this.cancelled) throw failure;
        failures++;
        if (failures >= MAX_FAILED_ATTEMPTS) throw new UploadError('The upload failed: the server could not be reached.', 'unreachable');
        await this.pause(failures);
      }
    }
  }

  // Shows the pause, then waits: until back online when offline, else a growing (bounded) delay.
  async pause(failures) {
    if (!navigator.onLine) {
      this.set('paused', 'Paused: offline. It will go on when the connection is back.');
      await waitForOnline();
    } else {
      const wait = Math.min(500 * 2 ** (failures - 1), MAX_BACKOFF_MS);
      this.set('paused', `Paused: connection lost, trying again in ${Math.ceil(wait / 1000)} s.`);
      await new Promise((resolve) => { this.wake = resolve; setTimeout(resolve, wait); });
      this.wake = null;
      await waitForOnline();
    }
    if (!this.cancelled) this.set('uploading', 'Resuming…');
  }

  // Resumes an upload this browser remembers for the same file, or creates one. Answers the offset to send from.
  async begin() {
    if (!this.url && !active.has(this.fingerprint)) {
      const saved = savedUploads()[this.fingerprint];
      if (saved) {
        this.url = saved.url;
        active.add(this.fingerprint);
        this.ownsFingerprint = true;
        try {
          return await this.head();
        } catch (failure) {
          if (!(failure instanceof UploadError)) throw failure;
          this.forget(); // gone or not ours: start afresh
          this.url = null;
        }
      }
    }
    if (this.url) return this.head();
    const metadata = [`filename ${utf8Base64(this.file.name)}`];
    if (this.file.type) metadata.push(`filetype ${utf8Base64(this.file.type)}`);
    let response;
    try {
      response = await fetch('/v1/media/uploads', {
        method: 'POST',
        headers: this.headers({ 'Upload-Length': String(this.file.size), 'Upload-Metadata': metadata.join(',') }),
      });
    } catch { throw new NetworkError(); }
    if (response.status >= 500) throw new NetworkError();
    if (response.status !== 201) throw new UploadError(problemOf(response.status, await response.text()).title, 'refused');
    this.url = response.headers.get('Location');
    this.mediaId = this.url.slice(this.url.lastIndexOf('/') + 1);
    if (this.ownsFingerprint || !active.has(this.fingerprint)) {
      active.add(this.fingerprint);
      this.ownsFingerprint = true;
      rememberUpload(this.fingerprint, this.url);
    }
    this.sent = 0;
    this.onchange(this);
    return 0;
  }

  async head() {
    let response;
    try {
      response = await fetch(this.url, { method: 'HEAD', headers: this.headers(), cache: 'no-store' });
    } catch { throw new NetworkError(); }
    if (response.status >= 500 || response.status === 423 || response.status === 429) throw new NetworkError();
    if (response.status === 404 || response.status === 410) throw new UploadError('The upload expired or was removed; attach the file again.', 'upload_gone');
    if (!response.ok) throw new UploadError(`The server answered ${response.status}.`, 'refused');
    const offset = Number(response.headers.get('Upload-Offset'));
    const length = response.headers.get('Upload-Length');
    if (length !== null && Number(length) !== this.file.size) throw new UploadError('The upload does not match this file.', 'upload_gone');
    this.mediaId = this.url.slice(this.url.lastIndexOf('/') + 1);
    this.sent = offset;
    this.onchange(this);
    return offset;
  }

  // One chunk from `offset`; answers the server's new offset. XMLHttpRequest, for its upload progress events.
  patch(offset) {
    return new Promise((resolve, reject) => {
      if (!navigator.onLine) { reject(new NetworkError()); return; }
      const xhr = new XMLHttpRequest();
      this.xhr = xhr;
      xhr.open('PATCH', this.url);
      for (const [name, value] of Object.entries(this.headers({ 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' }))) xhr.setRequestHeader(name, value);
      xhr.upload.onprogress = (event) => {
        this.sent = Math.min(this.file.size, offset + event.loaded);
        if (this.state === 'uploading') this.onchange(this);
      };
      const broken = () => { this.xhr = null; this.sent = offset; reject(new NetworkError()); };
      xhr.onerror = broken;
      xhr.onabort = broken;
      xhr.ontimeout = broken;
      xhr.onload = () => {
        this.xhr = null;
        const status = xhr.status;
        if (status === 204) {
          const next = Number(xhr.getResponseHeader('Upload-Offset'));
          this.sent = next;
          if (this.state !== 'uploading') this.set('uploading', '');
          else this.onchange(this);
          resolve(next);
          return;
        }
        const problem = problemOf(status, xhr.responseText);
        // The offset moved (a request that broke off kept some bytes), the upload is busy, or the server is in
        // trouble: ask for the offset again. Anything else is a refusal the user must see.
        if (status === 409 && problem.code === 'upload_complete') { resolve(this.file.size); return; }
        if (status === 409) { this.sent = offset; reject(new OffsetMoved()); return; }
        if (status === 409 || status === 423 || status >= 500 || status === 0) { this.sent = offset; reject(new NetworkError()); return; }
        if (status === 404 || status === 410) { reject(new UploadError(problem.title ?? 'The upload expired.', 'upload_gone')); return; }
        this.forget();
        reject(new UploadError(problem.title ?? `The server answered ${status}.`, problem.code ?? 'refused'));
      };
      xhr.send(this.file.slice(offset, Math.min(this.file.size, offset + CHUNK_BYTES)));
    });
  }

  // Polls the media's state (bounded, with backoff) until processing ended.
  async waitProcessed() {
    const until = Date.now() + PROCESSING_LIMIT_MS;
    let wait = 200;
    while (Date.now() < until) {
      if (this.cancelled) throw new UploadError('Cancelled.', 'cancelled');
      try {
        const response = await fetch(`/v1/media/${this.mediaId}/info`, { headers: { Authorization: `Bearer ${this.token}` }, cache: 'no-store' });
        if (response.ok) {
          const info = await response.json();
          if (info.state === 'ready') return info;
          if (info.state === 'failed') throw new UploadError(failureText(info.error), info.error);
        } else if (response.status < 500 && response.status !== 429) {
          throw new UploadError(problemOf(response.status, await response.text()).title, 'refused');
        }
      } catch (failure) {
        if (failure instanceof UploadError) throw failure;
        await waitForOnline();
      }
      await delay(wait);
      wait = Math.min(wait * 1.5, 3000);
    }
    throw new UploadError('Processing took too long; try again later.', 'processing_timeout');
  }

  // Stops the upload and removes what the server has of it (tus termination, or the finished media).
  async cancel() {
    if (this.cancelled || this.state === 'failed') { this.cancelled = true; return; }
    const finished = this.state === 'processing' || this.state === 'ready';
    this.cancelled = true;
    this.xhr?.abort();
    this.wake?.();
    this.forget();
    this.set('cancelled', 'Cancelled');
    const target = finished ? `/v1/media/${this.mediaId}` : this.url;
    if (target) await fetch(target, { method: 'DELETE', headers: this.headers() }).catch(() => {});
  }
}

function failureText(code) {
  switch (code) {
    case 'media_image_too_large': return 'The image has too many pixels.';
    case 'media_undecodable': return 'The file could not be read as what it claims to be.';
    default: return `The file could not be processed (${code ?? 'unknown error'}).`;
  }
}

// Signed links to media (POST /v1/media/links): batched (every id asked for in one turn of the event loop goes in
// one request, at most 100 a request), cached until shortly before they expire. The links need no token, so they
// work as <img>, <video> and <a> sources.
export class MediaLinks {
  constructor(getToken) {
    this.getToken = getToken;
    this.cache = new Map(); // id -> { url, thumbnails, expiresAt (ms) }
    this.waiting = new Map(); // id -> [{ resolve, reject }]
    this.flushing = false;
  }

  clear() {
    this.cache.clear();
  }

  invalidate(id) {
    this.cache.delete(id);
  }

  // The link for a media id: { url, thumbnails: { size: url }, expiresAt }; rejects when it is not available.
  link(id) {
    const cached = this.cache.get(id);
    if (cached && cached.expiresAt - Date.now() > 60_000) return Promise.resolve(cached);
    return new Promise((resolve, reject) => {
      if (!this.waiting.has(id)) this.waiting.set(id, []);
      this.waiting.get(id).push({ resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        setTimeout(() => this.flush(), 0);
      }
    });
  }

  async flush() {
    this.flushing = false;
    const batch = this.waiting;
    this.waiting = new Map();
    const ids = [...batch.keys()];
    for (let i = 0; i < ids.length; i += 100) {
      const part = ids.slice(i, i + 100);
      try {
        const response = await fetch('/v1/media/links', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${this.getToken()}` },
          body: JSON.stringify({ ids: part }),
        });
        if (!response.ok) throw new Error(problemOf(response.status, await response.text()).title);
        const { links } = await response.json();
        for (const id of part) this.cache.delete(id);
        for (const link of links) {
          const entry = { url: link.url, thumbnails: link.thumbnails ?? {}, expiresAt: Date.parse(link.expiresAt) };
          this.cache.set(link.id, entry);
        }
        for (const id of part) {
          const entry = this.cache.get(id);
          for (const waiter of batch.get(id)) {
            if (entry) waiter.resolve(entry); else waiter.reject(Object.assign(new Error('This media is not available.'), { unavailable: true }));
          }
        }
      } catch (failure) {
        for (const id of part) for (const waiter of batch.get(id)) waiter.reject(failure);
      }
    }
  }

  // A URL for the file (size null) or one of its thumbnails, usable as a source without a token.
  async url(attachment, size = null) {
    const link = await this.link(attachment.id);
    return size ? (link.thumbnails[String(size)] ?? link.url) : link.url;
  }
}

// BlurHash (https://blurha.sh): the attachment's placeholder decoded into a small picture (a data: URL), painted
// behind a thumbnail until it arrives. Null for a malformed hash.
const BLURHASH_DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~';

export function blurhashDataUrl(hash, width = 32, height = 32) {
  if (typeof hash !== 'string' || hash.length < 6) return null;
  const decode = (text) => {
    let value = 0;
    for (const c of text) {
      const digit = BLURHASH_DIGITS.indexOf(c);
      if (digit < 0) throw new Error('not a BlurHash');
      value = value * 83 + digit;
    }
    return value;
  };
  const toLinear = (v) => { const c = v / 255; return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  const toSrgb = (v) => { const c = Math.max(0, Math.min(1, v)); return Math.round((c <= 0.0031308 ? c * 12.92 : 1.055 * c ** (1 / 2.4) - 0.055) * 255); };
  try {
    const sizeFlag = decode(hash[0]);
    const nx = (sizeFlag % 9) + 1;
    const ny = Math.floor(sizeFlag / 9) + 1;
    if (hash.length !== 4 + 2 * nx * ny) return null;
    const maximum = (decode(hash[1]) + 1) / 166;
    const colors = [];
    for (let i = 0; i < nx * ny; i++) {
      if (i === 0) {
        const v = decode(hash.slice(2, 6));
        colors.push([toLinear(v >> 16), toLinear((v >> 8) & 255), toLinear(v & 255)]);
      } else {
        const v = decode(hash.slice(4 + i * 2, 6 + i * 2));
        const ac = (q) => { const x = (q - 9) / 9; return Math.sign(x) * x * x * maximum; };
        colors.push([ac(Math.floor(v / 361)), ac(Math.floor(v / 19) % 19), ac(v % 19)]);
      }
    }
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext('2d');
    const image = context.createImageData(width, height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let r = 0; let g = 0; let b = 0;
        for (let j = 0; j < ny; j++) {
          for (let i = 0; i < nx; i++) {
            const basis = Math.cos((Math.PI * x * i) / width) * Math.cos((Math.PI * y * j) / height);
            const color = colors[i + j * nx];
            r += color[0] * basis; g += color[1] * basis; b += color[2] * basis;
          }
        }
        const p = 4 * (x + y * width);
        image.data[p] = toSrgb(r); image.data[p + 1] = toSrgb(g); image.data[p + 2] = toSrgb(b); image.data[p + 3] = 255;
      }
    }
    context.putImageData(image, 0, 0);
    return canvas.toDataURL();
  } catch {
    return null;
  }
}
